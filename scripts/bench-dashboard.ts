// `npm run bench:dashboard`: the dashboard's queries at 10 million recorded calls for one
// account (targets: README, "Benchmarks"). Starts its own embedded PostgreSQL in a temp folder, migrates, loads
// the calls with INSERT … SELECT generate_series plus the matching usage_daily rollup,
// then times the lib/data functions the pages call, times the same pages in Chromium against a
// production build (scripts/bench-dashboard-browser.ts) and writes docs/bench/dashboard.md.
// `BENCH_CALLS=1000000` runs a smaller load for a quick check (with BENCH_OUTPUT elsewhere).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { format, resolveConfig } from "prettier";
import type { SessionUser } from "../lib/actor.ts";
import { hashPassword } from "../lib/auth/password.ts";
import { openDatabase, installDatabase, type Database } from "../lib/db/client.ts";
import { startEmbeddedPostgres } from "../lib/db/embedded.ts";
import { migrate } from "../lib/db/migrate.ts";
import { getAnalytics } from "../lib/data/analytics.ts";
import { callBatches, getCall, listCalls } from "../lib/data/calls.ts";
import { getQuota, getUsageOverview } from "../lib/data/usage.ts";
import { ANALYTICS_RANGES } from "../lib/schemas/analytics.ts";
import { encodeCursor, parseCallFilters, type CallFilters } from "../lib/schemas/call-filters.ts";
import { csvHeaderLine, csvLine } from "../lib/call-log/calls-csv.ts";
import { benchBrowser, buildApp, type BrowserSteps } from "./bench-dashboard-browser.ts";

const TOTAL = Number(process.env.BENCH_CALLS ?? 10_000_000);
const CHUNK = 1_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
// BENCH_OUTPUT lets a quick run (BENCH_CALLS=…) leave the committed 10 M result alone.
const OUTPUT = path.resolve(process.env.BENCH_OUTPUT ?? "docs/bench/dashboard.md");
// The real-browser step: BENCH_BROWSER=0 skips it, BENCH_SKIP_BUILD=1 reuses the last build,
// BENCH_BROWSER_ONLY=1 skips the query timings (for working on the pages; writes no report).
const BROWSER = process.env.BENCH_BROWSER !== "0";
const BROWSER_ONLY = process.env.BENCH_BROWSER_ONLY === "1";
const BROWSER_CYCLES = Number(process.env.BENCH_BROWSER_CYCLES ?? 20);
// The app's ports, like the e2e suite's (playwright.config.ts).
const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 3100);
const BENCH_EMAIL = "bench@example.com";
const BENCH_PASSWORD = "bench password 10M";

type Result = { name: string; p50: number; p95: number; max: number; rows: number };

function log(message: string) {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function time(name: string, run: () => Promise<number>, runs = RUNS): Promise<Result> {
  for (let i = 0; i < 3; i++) await run();
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    rows = await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const result = {
    name,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: samples.at(-1) ?? 0,
    rows,
  };
  log(`${name}: p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms (${rows} rows)`);
  return result;
}

function filters(query: string): CallFilters {
  const parsed = parseCallFilters(new URLSearchParams(query));
  if (!parsed.ok) throw new Error(`bad bench filter ${query}: ${parsed.errors[0]?.message}`);
  return parsed.filters;
}

const INSERT_CALLS = `
  INSERT INTO calls (request_id, user_id, key_id, method, path, status, outcome, latency_ms, upstream_latency_ms,
                     request_bytes, response_bytes, ip, user_agent, error_code, billable, created_at)
  SELECT 'bench-' || $5::text || '-' || i, $1::uuid, k.key_id, e.method, e.path, s.status,
         CASE WHEN s.code = 'upstream_unreachable' THEN 'upstream_error'
              WHEN s.code IS NOT NULL THEN 'refused' ELSE 'completed' END::call_outcome,
         s.latency, CASE WHEN s.code IS NULL THEN s.latency - 1 END,
         CASE WHEN e.method = 'POST' THEN 220 ELSE 0 END, 40 + (r2 * 2000)::int,
         '10.0.' || (r3 * 4)::int || '.' || (r3 * 1000)::int % 50, 'bench-client/1.0', s.code, s.billable,
         now() - interval '30 days' + (i::double precision / $4) * interval '30 days'
    FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4
            FROM generate_series($2::bigint, $3::bigint) AS i) g
    CROSS JOIN LATERAL (SELECT CASE WHEN g.r4 < 0.6 THEN $6::uuid WHEN g.r4 < 0.9 THEN $7::uuid ELSE $8::uuid END AS key_id) k
    CROSS JOIN LATERAL (SELECT CASE
           WHEN g.r2 < 0.40 THEN 'GET' ELSE CASE WHEN g.r2 < 0.70 THEN 'GET' ELSE 'POST' END END AS method,
         CASE WHEN g.r2 < 0.40 THEN '/v2/price' WHEN g.r2 < 0.70 THEN '/v2/tokens'
              WHEN g.r2 < 0.90 THEN '/v1/chat/completions' WHEN g.r2 < 0.97 THEN '/v1/embeddings'
              ELSE '/v2/orders' END AS path) e
    CROSS JOIN LATERAL (SELECT status, code, billable, 5 + (g.r3 * 240)::int AS latency FROM (SELECT
         CASE WHEN g.r1 < 0.92 THEN 200 WHEN g.r1 < 0.94 THEN 400 WHEN g.r1 < 0.955 THEN 404
              WHEN g.r1 < 0.975 THEN 429 WHEN g.r1 < 0.99 THEN 500 WHEN g.r1 < 0.995 THEN 502 ELSE 401 END AS status,
         CASE WHEN g.r1 >= 0.955 AND g.r1 < 0.975 THEN 'rate_limited'
              WHEN g.r1 >= 0.99 AND g.r1 < 0.995 THEN 'upstream_unreachable'
              WHEN g.r1 >= 0.995 THEN 'invalid_api_key' END AS code,
         NOT ((g.r1 >= 0.955 AND g.r1 < 0.975) OR g.r1 >= 0.995) AS billable) x) s`;

type Pool = Database["pool"];
type Row = { id: string; created_at: Date };

/** The two accounts and their keys; the bench account can sign in (for the browser step). */
type Accounts = { user: SessionUser; otherId: string; keyIds: string[]; otherKeyId: string };

/** Where the rows of the query table point: a mid-history and an oldest cursor, a call, a request id. */
type Probes = { middle?: Row; oldest?: Row; callId: string; requestId: string; tenDaysAgo: string };

type Sizes = { calls: string; table: string; indexes: string; rollup: string };

async function createAccounts(pool: Pool): Promise<Accounts> {
  const { rows: users } = await pool.query<{ id: string }>(
    `INSERT INTO users (email, name, password_hash, plan_id)
     VALUES ($1, 'Bench', $2, (SELECT id FROM plans WHERE slug = 'vip')),
            ('other@example.com', 'Other', 'x', (SELECT id FROM plans WHERE slug = 'basic'))
     RETURNING id`,
    [BENCH_EMAIL, await hashPassword(BENCH_PASSWORD)],
  );
  const userId = users[0]?.id ?? "";
  const otherId = users[1]?.id ?? "";
  const { rows: keys } = await pool.query<{ id: string }>(
    `INSERT INTO api_keys (user_id, name, hash, prefix, last4)
     SELECT $1, name, md5(name), 'tg_' || left(md5(name), 4), right(md5(name), 4)
       FROM unnest(ARRAY['production', 'staging', 'batch jobs']) AS name
     RETURNING id`,
    [userId],
  );
  const { rows: otherKeys } = await pool.query<{ id: string }>(
    `INSERT INTO api_keys (user_id, name, hash, prefix, last4) VALUES ($1, 'other', md5('other'), 'tg_othr', 'othr') RETURNING id`,
    [otherId],
  );
  return {
    user: { id: userId, email: BENCH_EMAIL, name: "Bench", isAdmin: false },
    otherId,
    keyIds: keys.map((k) => k.id),
    otherKeyId: otherKeys[0]?.id ?? "",
  };
}

/**
 * Loads TOTAL calls for the bench account and 200,000 for the other one. Secondary indexes
 * are dropped first and rebuilt after the load: far faster than maintaining them row by row.
 */
async function loadCalls(
  pool: Pool,
  accounts: Accounts,
): Promise<{ loadSeconds: number; indexSeconds: number }> {
  const { rows: indexes } = await pool.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
      WHERE tablename = 'calls' AND indexname <> 'calls_pkey'`,
  );
  for (const index of indexes) await pool.query(`DROP INDEX ${index.name}`);

  const loadStart = performance.now();
  const [production, staging, batch] = accounts.keyIds;
  for (let from = 1; from <= TOTAL; from += CHUNK) {
    const to = Math.min(TOTAL, from + CHUNK - 1);
    await pool.query(INSERT_CALLS, [accounts.user.id, from, to, TOTAL, "a", production, staging, batch]);
    log(`loaded ${to.toLocaleString("en-US")} / ${TOTAL.toLocaleString("en-US")} calls`);
  }
  // Another account's traffic, so every query also has to leave rows out.
  const other = accounts.otherKeyId;
  await pool.query(INSERT_CALLS, [accounts.otherId, 1, 200_000, 200_000, "b", other, other, other]);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  log(`load took ${loadSeconds.toFixed(0)} s; building indexes`);

  const indexStart = performance.now();
  await pool.query("SET maintenance_work_mem = '1GB'");
  for (const index of indexes) {
    // pg_indexes gives a partitioned table's index as `ON ONLY calls`: that would build it on
    // the parent alone, leaving every partition without it. Without ONLY it cascades.
    await pool.query(index.def.replace(" ON ONLY ", " ON "));
    log(`index ${index.name}`);
  }
  return { loadSeconds, indexSeconds: (performance.now() - indexStart) / 1000 };
}

/** usage_daily and the analytics rollups (migration 0010_2) from the loaded calls, then statistics. */
async function buildRollups(pool: Pool, userId: string): Promise<Sizes> {
  await pool.query("SET TIME ZONE 'UTC'");
  await pool.query(
    `INSERT INTO usage_daily (user_id, key_id, day, path, calls, failures, billable)
     SELECT user_id, key_id, (created_at AT TIME ZONE 'UTC')::date, path, count(*),
            count(*) FILTER (WHERE status >= 400), count(*) FILTER (WHERE billable)
       FROM calls GROUP BY 1, 2, 3, 4`,
  );
  await pool.query("SELECT rebuild_analytics_rollups()");
  for (const table of [
    "calls",
    "usage_daily",
    "usage_hourly",
    "usage_endpoint_daily",
    "failures_hourly",
    "failures_daily",
  ]) {
    await pool.query(`VACUUM ANALYZE ${table}`);
  }
  const { rows } = await pool.query<Sizes>(
    `SELECT (SELECT count(*) FROM calls WHERE user_id = $1)::text AS calls,
            (SELECT pg_size_pretty(sum(pg_relation_size(relid))) FROM pg_partition_tree('calls')) AS table,
            (SELECT pg_size_pretty(sum(pg_indexes_size(relid))) FROM pg_partition_tree('calls')) AS indexes,
            (SELECT count(*) FROM usage_daily WHERE user_id = $1)::text AS rollup`,
    [userId],
  );
  const sizes = rows[0] ?? { calls: "0", table: "?", indexes: "?", rollup: "0" };
  log(`ready: ${sizes.calls} calls for the account, table ${sizes.table}, indexes ${sizes.indexes}`);
  return sizes;
}

async function findProbes(pool: Pool, userId: string): Promise<Probes> {
  const { rows: middle } = await pool.query<Row>(
    `SELECT id::text, created_at FROM calls WHERE user_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`,
    [userId, Math.floor(TOTAL / 2)],
  );
  const { rows: oldest } = await pool.query<Row>(
    `SELECT id::text, created_at FROM calls WHERE user_id = $1 ORDER BY created_at ASC, id ASC OFFSET 20 LIMIT 1`,
    [userId],
  );
  const { rows: some } = await pool.query<{ id: string }>(
    `SELECT id::text FROM calls WHERE user_id = $1 OFFSET 12345 LIMIT 1`,
    [userId],
  );
  const callId = some[0]?.id ?? "1";
  // Real request ids are UUIDs (the search matches those exactly); the loaded ones are not.
  const { rows: probe } = await pool.query<{ request_id: string }>(
    "UPDATE calls SET request_id = gen_random_uuid()::text WHERE id = $1 RETURNING request_id",
    [callId],
  );
  return {
    middle: middle[0],
    oldest: oldest[0],
    callId,
    requestId: probe[0]?.request_id ?? "",
    tenDaysAgo: new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10),
  };
}

function cursorAt(row: Row | undefined, direction: "older" | "newer"): string {
  return encodeCursor({ direction, createdAt: row?.created_at ?? new Date(), id: BigInt(row?.id ?? 0) });
}

async function page(user: SessionUser, query: string): Promise<number> {
  return (await listCalls(user, filters(query))).rows.length;
}

/** Every view the dashboard and the CLI read, as [name, run]; run returns the rows it got. */
function views(accounts: Accounts, probes: Probes): Array<[string, () => Promise<number>]> {
  const { user, keyIds } = accounts;
  const { middle, oldest, tenDaysAgo } = probes;
  const logPage = (query: string) => () => page(user, query);
  const back = `${(TOTAL / 2e6).toFixed(1)} M rows back`;
  return [
    [
      "Overview (quota, 30-day graph, top endpoints, keys)",
      async () => (await getUsageOverview(user)).days.length,
    ],
    ["Quota only (CLI `usage`)", async () => ((await getQuota(user)).used > 0 ? 1 : 0)],
    ["Call log, first page, no filter", logPage("")],
    ["… key=<key>", logPage(`key=${keyIds[2]}`)],
    ["… status=2xx", logPage("status=2xx")],
    ["… status=4xx", logPage("status=4xx")],
    ["… status=5xx", logPage("status=5xx")],
    ["… status=502 (exact code)", logPage("status=502")],
    ["… status=3xx-free code 301 (no match)", logPage("status=301")],
    ["… endpoint=/v2/orders", logPage("endpoint=/v2/orders")],
    ["… endpoint=/nope (no match)", logPage("endpoint=/nope")],
    ["… ip=10.0.1.7", logPage("ip=10.0.1.7")],
    ["… ip=192.0.2.1 (no match)", logPage("ip=192.0.2.1")],
    [`… from/to one day (${tenDaysAgo})`, logPage(`from=${tenDaysAgo}&to=${tenDaysAgo}`)],
    ["… status=5xx&endpoint=/v2/orders", logPage("status=5xx&endpoint=/v2/orders")],
    [
      "… key + status=5xx + one day",
      logPage(`key=${keyIds[2]}&status=5xx&from=${tenDaysAgo}&to=${tenDaysAgo}`),
    ],
    [`Deep page (cursor ${back}), older`, logPage(`cursor=${cursorAt(middle, "older")}`)],
    [`Deep page (cursor ${back}), newer`, logPage(`cursor=${cursorAt(middle, "newer")}`)],
    ["Last page (oldest calls)", logPage(`cursor=${cursorAt(oldest, "older")}`)],
    ["Deep page, status=5xx", logPage(`status=5xx&cursor=${cursorAt(middle, "older")}`)],
    ["… status=failed", logPage("status=failed")],
    ["Deep page, status=failed", logPage(`status=failed&cursor=${cursorAt(middle, "older")}`)],
    ["… status=success", logPage("status=success")],
    ["… status=429,502 (list)", logPage("status=429,502")],
    ["… status=failed + one day", logPage(`status=failed&from=${tenDaysAgo}&to=${tenDaysAgo}`)],
    ["… error=rate_limited", logPage("error=rate_limited")],
    ["… error=quota_exceeded (no match)", logPage("error=quota_exceeded")],
    ["… method=POST", logPage("method=POST")],
    ["… method=DELETE (no match)", logPage("method=DELETE")],
    ["… q=<request id>", logPage(`q=${probes.requestId}`)],
    ["… q=orders (text in path or query)", logPage("q=orders")],
    ...ANALYTICS_RANGES.map((range): [string, () => Promise<number>] => [
      `Analytics ${range} (percentiles per endpoint, latency chart, failures by endpoint × status)`,
      async () => {
        const analytics = await getAnalytics(user, { range });
        return analytics.endpoints.length + analytics.failures.length;
      },
    ]),
    [
      "Analytics 90d, one endpoint",
      async () => (await getAnalytics(user, { range: "90d", endpoint: "/v2/price" })).series.length,
    ],
    ["Row detail by id", async () => ((await getCall(user, probes.callId)) ? 1 : 0)],
  ];
}

async function timeViews(accounts: Accounts, probes: Probes): Promise<Result[]> {
  const results: Result[] = [];
  for (const [name, run] of views(accounts, probes)) results.push(await time(name, run));
  return results;
}

async function csvRows(user: SessionUser, limit: number): Promise<{ rows: number; bytes: number }> {
  let rows = 0;
  let bytes = csvHeaderLine().length;
  for await (const batch of callBatches(user, filters(""))) {
    for (const call of batch) {
      bytes += csvLine(call).length;
      if (++rows >= limit) return { rows, bytes };
    }
  }
  return { rows, bytes };
}

type CsvResult = { timed: Result; seconds: number; bytes: number; peakRss: number; rssBefore: number };

/** 100,000 rows timed like a view, then 1,000,000 rows once with the process's peak memory. */
async function timeCsvExport(user: SessionUser): Promise<CsvResult> {
  const timed = await time(
    "CSV export, 100,000 rows (5,000-row batches)",
    async () => (await csvRows(user, 100_000)).rows,
    5,
  );
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const start = performance.now();
  const big = await csvRows(user, 1_000_000);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  log(
    `CSV 1,000,000 rows: ${seconds.toFixed(1)} s, ${(big.bytes / 1e6).toFixed(0)} MB, peak RSS ${(peakRss / 1e6).toFixed(0)} MB`,
  );
  return { timed, seconds, bytes: big.bytes, peakRss, rssBefore };
}

/** The same filters without migration 0005's indexes, to show why it exists (drops them: run last). */
async function timeWithoutFilterIndexes(pool: Pool, accounts: Accounts, probes: Probes): Promise<Result[]> {
  await pool.query("DROP INDEX calls_user_id_status_class_created_at_id_idx");
  await pool.query("DROP INDEX calls_user_id_ip_created_at_id_idx");
  const { user, keyIds } = accounts;
  const deep = `status=5xx&cursor=${cursorAt(probes.middle, "older")}`;
  return [
    await time("… ip=192.0.2.1 (no match)", () => page(user, "ip=192.0.2.1"), 3),
    await time("… ip=10.0.1.7", () => page(user, "ip=10.0.1.7"), 3),
    await time("… status=5xx&key=<key>", () => page(user, `status=5xx&key=${keyIds[2]}`), 3),
    await time("Deep page, status=5xx", () => page(user, deep), 3),
  ];
}

type BrowserResult = Result & {
  wait: number | null;
  server: number | null;
  rest: number | null;
  /** Mean CPU ms per step: browser main thread, app processes, PostgreSQL. */
  cpu: { browser: number; app: number; db: number };
};

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/** p50 / p95 / max per browser step, and the medians of where the time went. */
function browserResults(steps: BrowserSteps): BrowserResult[] {
  return [...steps].map(([name, samples]) => {
    const sorted = (values: number[]) => values.sort((a, b) => a - b);
    const totals = sorted(samples.map((s) => s.total));
    const fetched = samples.flatMap((s) => (s.request ? [{ total: s.total, ...s.request }] : []));
    const median = (values: number[]) => (values.length > 0 ? percentile(sorted(values), 50) : null);
    return {
      name,
      p50: percentile(totals, 50),
      p95: percentile(totals, 95),
      max: totals.at(-1) ?? 0,
      rows: samples.length,
      wait: median(fetched.map((f) => f.wait)),
      server: median(fetched.map((f) => f.server)),
      // Negative when the content showed before the response finished streaming.
      rest: median(fetched.map((f) => Math.max(0, f.total - f.wait - f.server))),
      cpu: {
        browser: mean(samples.map((s) => s.cpu.browser)),
        app: mean(samples.map((s) => s.cpu.app)),
        db: mean(samples.map((s) => s.cpu.db)),
      },
    };
  });
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const mark = (ms: number, target: number) => (ms < target ? "yes" : "**no**");
const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" / ");

type Report = {
  sizes: Sizes;
  load: { loadSeconds: number; indexSeconds: number };
  loadBefore: string;
  results: Result[];
  csv: CsvResult;
  without: Result[];
  browser: BrowserResult[];
  /** Chromium's CPU for one second of the bench's per-frame check alone (ms). */
  pollingCpu: number;
  /** Why the browser step stopped, if it did. */
  browserError: string;
};

function table(rows: Result[], target?: number): string {
  const head = target
    ? "| query | p50 | p95 | max | rows | p95 < target |\n|---|---:|---:|---:|---:|---|"
    : "| query | p50 | p95 | max | rows |\n|---|---:|---:|---:|---:|";
  const line = (r: Result) =>
    `| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.max)} | ${r.rows.toLocaleString("en-US")} |${target ? ` ${mark(r.p95, target)} |` : ""}`;
  return `${head}\n${rows.map(line).join("\n")}`;
}

function browserSection(browser: Report["browser"]): string {
  if (browser.length === 0) return "Real browser: not run (BENCH_BROWSER=0).";
  const ms = (value: number | null) => (value === null ? "–" : fmt(value));
  const line = (r: Report["browser"][number]) =>
    `| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.max)} | ${mark(r.p95, 300)} | ${ms(r.wait)} | ${ms(r.server)} | ${ms(r.rest)} | ${fmt(r.cpu.browser)} | ${fmt(r.cpu.app)} | ${fmt(r.cpu.db)} |`;
  return `## In a real browser

Chromium (Playwright, 1280 × 900) against a production build (\`next build\`, then the app started as
\`npm start\` starts it, on the bench's database), signed in as the loaded account. Each step is a click;
its time runs from the click until the new page's content is visible (overview: the graph's bars and the
failures table; call log: the first row of a new page; detail: the request line; keys: the heading).
One warm-up cycle, then ${BROWSER_CYCLES} cycles of: keys → Overview → Call log → Apply filters
(\`status=failed\`) → Older ×5 → a failed call's detail → API keys (Older: 5 samples per cycle).

The middle columns split the median step where the page fetched its RSC payload (\`?_rsc=\`): from
the click until the request was sent (the router's work), the request (the server render and its
transfer, from Resource Timing) and the rest (the browser parsing the payload, React's commit, style,
layout, the charts); "–": no request after the click. The last three are the mean CPU time used
during a step, which does not grow with the machine's load as wall time does: Chromium's processes
(renderer, GPU and network included), the app's (\`npm start\`: the Next server) and PostgreSQL's,
from /proc in 10 ms ticks. Target: p95 < 300 ms.

| step | p50 | p95 | max | p95 < 300 ms | click → request | request | rest | CPU browser | CPU app | CPU PostgreSQL |
|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|
${browser.map(line).join("\n")}`;
}

/** One sentence on where a browser step's time and CPU go, from the measured means. */
function browserSummary(browser: BrowserResult[], pollingCpu: number): string {
  if (browser.length === 0) return "";
  const average = (pick: (r: BrowserResult) => number) => mean(browser.map(pick));
  const cpu = {
    browser: average((r) => r.cpu.browser),
    app: average((r) => r.cpu.app),
    db: average((r) => r.cpu.db),
  };
  const share = (part: number) =>
    `${Math.round((100 * part) / Math.max(1, cpu.browser + cpu.app + cpu.db))} %`;
  const heaviest = [...browser].sort((a, b) => b.cpu.browser - a.cpu.browser)[0];
  return `In the browser, an average step cost ${fmt(cpu.browser)} of Chromium's CPU (${share(cpu.browser)}), ${fmt(cpu.app)} of the Next server's (${share(cpu.app)}) and ${fmt(cpu.db)} of PostgreSQL's (${share(cpu.db)}): ${cpu.db < cpu.browser + cpu.app ? "the pages' cost is rendering them (server render, then the browser's parse, React commit, style and layout) more than the queries" : "the queries cost more than rendering the pages"}; the heaviest is "${heaviest?.name ?? ""}" (${fmt(heaviest?.cpu.browser ?? 0)} of Chromium's CPU). Chromium's figure includes the bench's own per-frame check, which keeps the page drawing frames while it waits: ${fmt(pollingCpu)} of Chromium's CPU per second of waiting on a page that does not change. On 2 cores shared with other work, wall time is these CPU figures stretched by the wait for a core.`;
}

async function writeReport(report: Report): Promise<void> {
  const { sizes, load, results, csv, without } = report;
  const missed = [
    ...results.filter((r) => !r.name.startsWith("CSV") && r.p95 >= 100),
    ...report.browser.filter((r) => r.p95 >= 300),
  ];
  const text = `# Dashboard benchmark

\`npm run bench:dashboard\` (scripts/bench-dashboard.ts) — run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC
on ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}, ${(os.totalmem() / 1e9).toFixed(0)} GB RAM, Node ${process.version},
embedded PostgreSQL with default settings (shared_buffers 128 MB). Load average (1 / 5 / 15 min) before
the run ${report.loadBefore}, after it ${loadAverage()}.

Data: **${Number(sizes.calls).toLocaleString("en-US")} calls for one account** over 30 days (plus 200,000 for another
account), 3 keys, 5 endpoints, ~8 % failures (400, 404, 429, 500, 502, 401), 200 client IPs;
usage_daily rollup built by GROUP BY from the calls (${sizes.rollup} rows for the account), the analytics
rollups by \`rebuild_analytics_rollups()\`.
calls table ${sizes.table}, its indexes ${sizes.indexes}. Load ${load.loadSeconds.toFixed(0)} s, index build ${load.indexSeconds.toFixed(0)} s.

${missed.length === 0 ? "**Every target is met.**" : `**Targets missed:** ${missed.map((r) => r.name).join("; ")}.`}

## Queries

Each line: 3 warm-up runs, then ${RUNS} timed runs (CSV: 5) of the lib/data function the page calls,
through the same zod filter parsing the page uses, in one process on a pool of 4 connections.
Target: every view p95 < 100 ms.

${table(
  results.filter((r) => !r.name.startsWith("CSV")),
  100,
)}

${table([csv.timed])}

The same filters with migration 0005's two indexes dropped (3 timed runs each):

${table(without)}

CSV export of 1,000,000 rows (keyset batches of 5,000, formatted, not written anywhere):
${csv.seconds.toFixed(1)} s, ${(csv.bytes / 1e6).toFixed(0)} MB of CSV, peak RSS ${(csv.peakRss / 1e6).toFixed(0)} MB (before: ${(csv.rssBefore / 1e6).toFixed(0)} MB) —
memory stays at one batch, whatever the export size.

${report.browserError ? `Real browser: **the step failed**: ${report.browserError}` : browserSection(report.browser)}

## Where the time goes

The overview reads only rollups (usage_daily: one row per account × day × key × endpoint; the analytics
range picker reads usage_hourly for 24 h and usage_endpoint_daily for 7/30/90 days, one 64-bucket latency
histogram per endpoint pattern and hour or day, added up with histogram_sum, and failures_hourly /
failures_daily for the failures table), so its cost does not grow with the number of calls. Every
call-log page is a keyset query on (created_at, id) over an index that starts with (user_id, <filter
column>), so a deep page costs the same as the first; \`status=failed\` has a partial index over failed
calls only, \`error=\` one over calls with an error code, and a status list runs one index-ordered query
per term. Migration 0005 adds (user_id, ip, …), without which an IP with no calls walks the whole history
(the "dropped" table above), and (user_id, status / 100, …) for status classes. ${browserSummary(report.browser, report.pollingCpu)}

Known limits: a combination of filters uses one index and filters the rest, so two individually common
filters whose combination matches almost nothing (e.g. a key that never called an endpoint) walk that
key's or endpoint's history; \`q\` text and endpoint patterns (\`/status/:code\`) are filtered
while walking the history, so a rare value with no time range reads every call of the account (the
"no match" lines show the cost). Timings were taken on 2 cores shared with other work (load average
above), so p95/max are noisy; p50 is the steadier figure.
`;
  await fs.mkdir(path.dirname(OUTPUT), { recursive: true });
  // Formatted like every other file, so `npm run lint` (prettier --check) passes after a run.
  await fs.writeFile(OUTPUT, await format(text, { ...(await resolveConfig(OUTPUT)), filepath: OUTPUT }));
  log(`wrote ${OUTPUT}`);
}

async function main() {
  const loadBefore = loadAverage();
  // Built before the database starts, so the build does not compete with the timings.
  if (BROWSER && !process.env.BENCH_SKIP_BUILD) buildApp(log);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-bench-dashboard-"));
  log(`embedded PostgreSQL in ${dataDir}`);
  const server = await startEmbeddedPostgres(dataDir);
  const database = openDatabase(server.url, 4);
  installDatabase(database);
  const { pool } = database;
  try {
    await migrate(server.url);
    // Bulk-load settings only; the query timings below use PostgreSQL's defaults otherwise.
    await pool.query("ALTER SYSTEM SET max_wal_size = '8GB'");
    await pool.query("ALTER SYSTEM SET checkpoint_timeout = '30min'");
    await pool.query("SELECT pg_reload_conf()");

    const accounts = await createAccounts(pool);
    const load = await loadCalls(pool, accounts);
    const sizes = await buildRollups(pool, accounts.user.id);
    const probes = await findProbes(pool, accounts.user.id);
    const results = BROWSER_ONLY ? [] : await timeViews(accounts, probes);
    const csv = BROWSER_ONLY ? undefined : await timeCsvExport(accounts.user);
    let browserError = "";
    const measured = BROWSER
      ? await benchBrowser({
          databaseUrl: server.url,
          databaseDir: dataDir,
          email: BENCH_EMAIL,
          password: BENCH_PASSWORD,
          portBase: PORT_BASE,
          cycles: BROWSER_CYCLES,
          log,
        }).catch((error: unknown) => {
          // The query timings above are still worth a report.
          browserError = error instanceof Error ? error.message : String(error);
          log(`browser step failed: ${browserError}`);
          return undefined;
        })
      : undefined;
    const browser = measured ? browserResults(measured.steps) : [];
    const pollingCpu = measured?.pollingCpuPerSecond ?? 0;
    for (const r of browser) {
      const split = [r.wait, r.server, r.rest].map((ms) => (ms === null ? "–" : fmt(ms))).join(" / ");
      log(
        `browser ${r.name}: p50 ${fmt(r.p50)}, p95 ${fmt(r.p95)}; click→request / request / rest ${split}; CPU browser ${fmt(r.cpu.browser)}, app ${fmt(r.cpu.app)}, PostgreSQL ${fmt(r.cpu.db)}`,
      );
    }
    if (!csv) return;
    const without = await timeWithoutFilterIndexes(pool, accounts, probes);
    await writeReport({ sizes, load, loadBefore, results, csv, without, browser, pollingCpu, browserError });
  } finally {
    await database.prisma.$disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
