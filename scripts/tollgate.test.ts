import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../lib/db/embedded.ts";

// The CLI as the operator runs it (`npm run tollgate` runs this launcher), against a data
// folder of its own so starting and stopping PostgreSQL here disturbs no other test file.
let dataDir: string;
let postgres: EmbeddedDatabase | undefined;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-cli-"));
});

afterAll(async () => {
  await postgres?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}, 60_000);

async function cli(...args: string[]): Promise<unknown> {
  // No DATABASE_URL (undefined is not passed on): the CLI must find the PostgreSQL under DATA_DIR.
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: undefined };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["scripts/tollgate.mjs", ...args, "--json"],
    { env },
  );
  return JSON.parse(stdout) as unknown;
}

async function startedAt(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ at: string }>("SELECT pg_postmaster_start_time()::text AS at");
    return rows[0]?.at ?? "";
  } finally {
    await client.end();
  }
}

const pidFile = () => path.join(dataDir, "postgres", "postmaster.pid");

describe("the operator CLI's database", () => {
  it("starts the embedded PostgreSQL when none runs, and stops it when the command ends", async () => {
    const plans = (await cli("plans", "list")) as { slug: string }[];
    expect(plans.map((plan) => plan.slug)).toContain("free");
    expect(existsSync(pidFile())).toBe(false);
  }, 120_000);

  it("reuses a running one (as `npm start` leaves it) and leaves it running", async () => {
    postgres = await startEmbeddedPostgres(dataDir);
    const before = await startedAt(postgres.url);
    const log = path.join(dataDir, "postgres.log");
    const logged = (await fs.readFile(log, "utf8")).length;
    const plans = (await cli("plans", "list")) as { slug: string }[];
    expect(plans.map((plan) => plan.slug)).toContain("free");
    // Same server, still up: the CLI neither stopped this one nor tried to start another
    // (a second postmaster on the same folder logs its start, then fails on the lock file).
    expect(await startedAt(postgres.url)).toBe(before);
    expect(existsSync(pidFile())).toBe(true);
    expect((await fs.readFile(log, "utf8")).slice(logged)).not.toMatch(/starting PostgreSQL|FATAL|lock file/);
  }, 120_000);
});
