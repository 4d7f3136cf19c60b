// `npx tsx scripts/bench-recorder.ts [batches] [batch size]`: PostgreSQL's CPU per recorded
// call (user + system, from /proc), and the recorder's own in this process, when it writes batches of gateway-like calls
// (one account, 10 % of paths with an id in them, 2 % failures). A development tool for the
// write path: CPU counts what PostgreSQL did, not how long it waited, so the result holds on
// a busy machine where throughput does not. Run it before and after a change to lib/recorder/sql.ts
// or the call log's indexes.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../lib/db/embedded.ts";
import { migrate } from "../lib/db/migrate.ts";
import { newRequestId } from "../lib/gateway/request-id.ts";
import type { CallRecord } from "../lib/recorder/call-record.ts";
import { writeCalls } from "../lib/recorder/sql.ts";
import { postgresCpuMs } from "./proc-stats.ts";

const batches = Number(process.argv[2] ?? 50);
const size = Number(process.argv[3] ?? 1000);

function batch(userId: string, keyId: string): CallRecord[] {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => ({
    requestId: newRequestId(now - size + i),
    userId,
    keyId,
    method: "GET",
    path: i % 10 === 0 ? `/v1/items/${i}` : "/v2/price",
    query: "symbol=BTC",
    status: i % 50 === 0 ? 404 : 200,
    outcome: "completed",
    latencyMs: 1 + (i % 7),
    upstreamLatencyMs: 1,
    ttfbMs: 0.8,
    upstreamDoneMs: 0.9,
    gatewayMs: 0.2,
    requestBytes: 0,
    responseBytes: 60,
    ip: "127.0.0.1",
    userAgent: "autocannon",
    errorCode: null,
    billable: true,
    createdAt: new Date(now - size + i).toISOString(),
  }));
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-bench-recorder-"));
  const postgres = await startEmbeddedPostgres(dir);
  const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
  try {
    await migrate(postgres.url);
    const { rows } = await pool.query<{ user_id: string; id: string }>(
      `WITH account AS (
         INSERT INTO users (email, password_hash, plan_id)
         SELECT 'bench@example.com', 'x', id FROM plans LIMIT 1 RETURNING id
       )
       INSERT INTO api_keys (user_id, name, hash, prefix, last4)
       SELECT id, 'bench', 'h', 'p', 'l' FROM account RETURNING user_id::text, id::text`,
    );
    const { user_id: userId, id: keyId } = rows[0]!;
    // Warm up (the first batch plans the statement), then a checkpoint so that writing the
    // set-up's pages is not counted.
    await writeCalls(pool, batch(userId, keyId));
    await pool.query("CHECKPOINT");
    const work = Array.from({ length: batches }, () => batch(userId, keyId));
    const cpu = await postgresCpuMs(dir);
    const own = process.cpuUsage();
    for (const records of work) await writeCalls(pool, records);
    const mine = process.cpuUsage(own);
    const used = (await postgresCpuMs(dir)) - cpu;
    const calls = batches * size;
    console.log(
      `${batches} batches of ${size} calls: PostgreSQL ${((used * 1000) / calls).toFixed(1)} µs CPU per call, ` +
        `the recorder (this process: encoding, grouping, the pg client) ${((mine.user + mine.system) / calls).toFixed(1)} µs ` +
        `(load average ${os.loadavg()[0]!.toFixed(1)})`,
    );
  } finally {
    await pool.end();
    await postgres.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
