import fs from "node:fs/promises";
import path from "node:path";

/**
 * Takes DATA_DIR/tollgate.pid for this process, so a second `npm start` on the same
 * data says so instead of starting services on top of the running ones.
 * Returns a release function; throws with a clear message when another process holds it.
 */
export async function takeLock(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, "tollgate.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, String(process.pid), { flag: "wx" });
      return () => fs.rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(await fs.readFile(file, "utf8").catch(() => "0"));
      if (holder && isAlive(holder)) {
        throw new Error(
          `Tollgate is already running (pid ${holder}) with data in ${dataDir}. Stop it first, or set DATA_DIR to run another instance.`,
        );
      }
      await fs.rm(file, { force: true }); // left behind by a crash
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}

/** True while a process with this pid exists (EPERM: it does, but belongs to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
