import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { takeLock } from "./lock.ts";

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-lock-"));
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

const pidFile = () => path.join(dataDir, "tollgate.pid");

describe("DATA_DIR/tollgate.pid", () => {
  it("a second `npm start` on the same data refuses and names the running pid", async () => {
    const running = spawn("sleep", ["30"]);
    try {
      await fs.writeFile(pidFile(), String(running.pid));
      const second = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
        env: { ...process.env, DATA_DIR: dataDir },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`Tollgate is already running (pid ${running.pid})`);
      expect(await fs.readFile(pidFile(), "utf8")).toBe(String(running.pid));
      expect(existsSync(path.join(dataDir, "postgres"))).toBe(false); // nothing was started
    } finally {
      running.kill();
    }
  });

  it("refuses while this process holds it, and is free again once released", async () => {
    const release = await takeLock(dataDir);
    await expect(takeLock(dataDir)).rejects.toThrow(`pid ${process.pid}`);
    await release();
    expect(existsSync(pidFile())).toBe(false);
    const again = await takeLock(dataDir);
    await again();
  });

  it("takes over a lock left by a process that no longer runs", async () => {
    const gone = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
    const deadPid = Number(gone.stdout.trim());
    await fs.writeFile(pidFile(), String(deadPid));
    const release = await takeLock(dataDir);
    expect(await fs.readFile(pidFile(), "utf8")).toBe(String(process.pid));
    await release();
    expect(existsSync(pidFile())).toBe(false);
  });
});
