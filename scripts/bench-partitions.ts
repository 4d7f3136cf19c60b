// `npx tsx scripts/bench-partitions.ts [rows]`: daily against monthly partitions of the call
// log, for what the recorder and the call log do: batched inserts at "now", the first page,
// a filtered page and a deep keyset page for one account. Prints a Markdown table; the
// choice it informed (monthly) is explained in migration 0009 and the README.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../lib/db/embedded.ts";

const ROWS = Number(process.argv[2] ?? 500_000);
const DAY = 86_400_000;
const ACCOUNT = "00000000-0000-4000-8000-000000000001";

async function time(run: () => Promise<unknown>, times: number): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

async function layout(pool: pg.Pool, table: string, unit: "day" | "month") {
  await pool.query(`CREATE TABLE ${table} (
    id BIGSERIAL, request_id TEXT NOT NULL, user_id UUID NOT NULL, key_id UUID NOT NULL, path TEXT NOT NULL,
    status SMALLINT NOT NULL, ip TEXT NOT NULL, created_at TIMESTAMPTZ(3) NOT NULL,
    PRIMARY KEY (id, created_at), UNIQUE (request_id, created_at)) PARTITION BY RANGE (created_at)`);
  for (const columns of [
    "created_at DESC, id DESC",
    "key_id, created_at DESC, id DESC",
    "path, created_at DESC, id DESC",
    "status, created_at DESC, id DESC",
    "(status / 100), created_at DESC, id DESC",
    "ip, created_at DESC, id DESC",
  ])
    await pool.query(`CREATE INDEX ON ${table} (user_id, ${columns})`);
  const now = Date.now();
  for (let at = now - 120 * DAY; at < now + 40 * DAY;) {
    const d = new Date(at);
    const start =
      unit === "day"
        ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
        : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    const end =
      unit === "day"
        ? new Date(start.getTime() + DAY)
        : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    await pool.query(`CREATE TABLE IF NOT EXISTS ${table}_${start.toISOString().slice(0, 10).replaceAll("-", "")}
      PARTITION OF ${table} FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`);
    at = end.getTime();
  }
  // 90 days of history: half of it one busy account, the rest 200 others.
  const started = performance.now();
  await pool.query(
    `INSERT INTO ${table} (request_id, user_id, key_id, path, status, ip, created_at)
     SELECT 'r' || n,
            CASE WHEN n % 2 = 0 THEN '${ACCOUNT}'::uuid ELSE md5((n % 200)::text)::uuid END,
            md5((n % 5)::text)::uuid, '/v2/p' || (n % 20), CASE WHEN n % 50 = 0 THEN 502 ELSE 200 END,
            '10.0.' || (n % 7) || '.1', now() - make_interval(secs => n * (90 * 86400.0 / $1))
     FROM generate_series(1, $1) AS n`,
    [ROWS],
  );
  const load = performance.now() - started;
  await pool.query(`ANALYZE ${table}`);
  let batch = 0;
  const insert = await time(
    () =>
      pool.query(
        `INSERT INTO ${table} (request_id, user_id, key_id, path, status, ip, created_at)
         SELECT 'b${batch++}-' || n, '${ACCOUNT}', md5('1')::uuid, '/v2/price', 200, '10.0.0.1', now()
         FROM generate_series(1, 1000) AS n ON CONFLICT (request_id, created_at) DO NOTHING`,
      ),
    30,
  );
  const first = await time(
    () =>
      pool.query(`SELECT * FROM ${table} WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 51`, [
        ACCOUNT,
      ]),
    50,
  );
  const filtered = await time(
    () =>
      pool.query(
        `SELECT * FROM ${table} WHERE user_id = $1 AND status / 100 = 5 ORDER BY created_at DESC, id DESC LIMIT 51`,
        [ACCOUNT],
      ),
    50,
  );
  const deep = await time(
    () =>
      pool.query(
        `SELECT * FROM ${table} WHERE user_id = $1 AND (created_at, id) < ($2, 0) ORDER BY created_at DESC, id DESC LIMIT 51`,
        [ACCOUNT, new Date(now - 60 * DAY)],
      ),
    50,
  );
  const plan = await pool.query<{ "QUERY PLAN": string }>(
    `EXPLAIN (ANALYZE, SUMMARY) SELECT * FROM ${table} WHERE user_id = '${ACCOUNT}' ORDER BY created_at DESC, id DESC LIMIT 51`,
  );
  const planning = plan.rows.map((r) => r["QUERY PLAN"]).find((l) => l.startsWith("Planning Time")) ?? "";
  const partitions = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = '${table}'::regclass`,
  );
  return { unit, partitions: partitions.rows[0]!.n, load, insert, first, filtered, deep, planning };
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-partitions-"));
  const postgres = await startEmbeddedPostgres(dir);
  const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  try {
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const pair = (t: { p50: number; p95: number }) => `${ms(t.p50)} / ${ms(t.p95)}`;
    console.log(
      `${ROWS.toLocaleString("en-US")} calls over 90 days, load average ${os.loadavg()[0]!.toFixed(1)}\n`,
    );
    console.log(
      "| partitions | count | bulk load | insert 1,000 at now p50/p95 | first page | 5xx page | page 60 days back | planning, first page |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    for (const [table, unit] of [
      ["calls_daily", "day"],
      ["calls_monthly", "month"],
    ] as const) {
      const r = await layout(pool, table, unit);
      console.log(
        `| ${r.unit} | ${r.partitions} | ${(r.load / 1000).toFixed(1)} s | ${pair(r.insert)} | ${pair(r.first)} | ${pair(r.filtered)} | ${pair(r.deep)} | ${r.planning.replace("Planning Time: ", "")} |`,
      );
    }
  } finally {
    await pool.end();
    await postgres.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
