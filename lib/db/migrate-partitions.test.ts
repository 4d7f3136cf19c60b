import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrate } from "./migrate.ts";
import { testDatabase } from "./test-database.ts";

const MIGRATIONS = path.join(import.meta.dirname, "../../prisma/migrations");

type Snapshot = { calls: unknown[]; payloads: unknown[] };

async function snapshot(client: pg.Client): Promise<Snapshot> {
  const calls = await client.query("SELECT * FROM calls ORDER BY id");
  const payloads = await client.query("SELECT * FROM call_payloads ORDER BY request_id");
  return { calls: calls.rows, payloads: payloads.rows };
}

describe("migration 0009_partitioned_call_log on an existing database", () => {
  const { pool, url } = testDatabase();

  it("partitions calls and call_payloads by month without losing or changing a row", async () => {
    const name = `migrate_partitions_${Date.now()}`;
    await pool.query(`CREATE DATABASE ${name}`);
    const databaseUrl = url.replace(/\/[^/]*$/, `/${name}`);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    let before: Snapshot;
    try {
      // The database as it was before 0009, filled by the previous schema.
      await client.query(
        "CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
      );
      for (const dir of (await fs.readdir(MIGRATIONS)).sort()) {
        if (dir >= "0009") break;
        await client.query(await fs.readFile(path.join(MIGRATIONS, dir, "migration.sql"), "utf8"));
        await client.query("INSERT INTO _migrations (name) VALUES ($1)", [dir]);
      }
      const { rows } = await client.query<{ id: string }>(
        "INSERT INTO users (email, password_hash, plan_id) VALUES ('old@example.com', 'x', 1) RETURNING id",
      );
      const userId = rows[0]!.id;
      // 1,500 calls over the last ~5 months, every tenth with a captured payload.
      await client.query(
        `INSERT INTO calls (request_id, user_id, key_id, method, path, query, status, outcome, latency_ms,
                            upstream_latency_ms, ttfb_ms, ip, user_agent, error_code, billable, created_at)
         SELECT 'old-' || n, $1, '0b0f6f3e-7f3a-4c61-9a8e-1f2b3c4d5e6f', 'GET', '/v2/price', 'symbol=BTC',
                CASE WHEN n % 7 = 0 THEN 502 ELSE 200 END,
                (CASE WHEN n % 7 = 0 THEN 'upstream_error' ELSE 'completed' END)::call_outcome,
                n % 50, n % 40, 1.5, '10.0.0.' || (n % 9), 'curl', CASE WHEN n % 7 = 0 THEN 'upstream_unreachable' END,
                true, now() - make_interval(hours => n * 2)
         FROM generate_series(1, 1500) AS n`,
        [userId],
      );
      await client.query(
        `INSERT INTO call_payloads (request_id, user_id, created_at, request_headers, response_body, response_body_bytes)
         SELECT request_id, user_id, created_at, '[["accept","*/*"]]', '{"ok":true}', 11
         FROM calls WHERE id % 10 = 0`,
      );
      before = await snapshot(client);
      expect(before.calls).toHaveLength(1500);
      expect(before.payloads).toHaveLength(150);
    } finally {
      await client.end();
    }

    // 0009 first, then whatever later migrations exist (they must not change these rows either).
    const later = (await fs.readdir(MIGRATIONS)).filter((dir) => dir >= "0009").sort();
    expect(later[0]).toBe("0009_partitioned_call_log");
    expect(await migrate(databaseUrl)).toEqual(later);

    const after = new pg.Client({ connectionString: databaseUrl });
    await after.connect();
    try {
      // Every row, every column, the same ids.
      // Every row, every column it had before (a later migration may add columns).
      const now = await snapshot(after);
      const asBefore = (rows: unknown[], like: unknown[]) =>
        rows.map((row, i) =>
          Object.fromEntries(
            Object.keys(like[i] as object).map((k) => [k, (row as Record<string, unknown>)[k]]),
          ),
        );
      expect({
        calls: asBefore(now.calls, before.calls),
        payloads: asBefore(now.payloads, before.payloads),
      }).toEqual(before);
      const kinds = await after.query<{ relname: string; relkind: string }>(
        "SELECT relname, relkind::text FROM pg_class WHERE relname IN ('calls', 'call_payloads') ORDER BY relname",
      );
      expect(kinds.rows).toEqual([
        { relname: "call_payloads", relkind: "p" },
        { relname: "calls", relkind: "p" },
      ]);
      // Filed into monthly partitions, none left in the DEFAULT ones.
      const placed = await after.query<{ partition: string; n: number }>(
        "SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM calls GROUP BY 1 ORDER BY 1",
      );
      expect(placed.rows.length).toBeGreaterThanOrEqual(4);
      for (const row of placed.rows) expect(row.partition).toMatch(/^calls_p\d{6}01$/);
      const defaults = await after.query<{ n: number }>(
        "SELECT (SELECT count(*) FROM calls_default) + (SELECT count(*) FROM call_payloads_default) AS n",
      );
      expect(Number(defaults.rows[0]!.n)).toBe(0);
      // New calls continue the old ids, and a replayed request id at the same instant is skipped.
      const maxId = await after.query<{ max: string }>("SELECT max(id)::text AS max FROM calls");
      const inserted = await after.query<{ id: string }>(
        `INSERT INTO calls (request_id, user_id, key_id, method, path, status, latency_ms, ip, billable, created_at)
         SELECT 'new', user_id, key_id, 'GET', '/', 200, 1, '::1', true, now() FROM calls LIMIT 1 RETURNING id::text`,
      );
      expect(BigInt(inserted.rows[0]!.id)).toBeGreaterThan(BigInt(maxId.rows[0]!.max));
      const replay = await after.query(
        `INSERT INTO calls (request_id, user_id, key_id, method, path, status, latency_ms, ip, billable, created_at)
         SELECT request_id, user_id, key_id, method, path, status, latency_ms, ip, billable, created_at
         FROM calls WHERE request_id = 'old-1'
         ON CONFLICT (request_id, created_at) DO NOTHING`,
      );
      expect(replay.rowCount).toBe(0);
    } finally {
      await after.end();
    }
  });
});
