import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrate } from "./migrate.ts";
import { testDatabase } from "./test-database.ts";

const MIGRATIONS = path.join(import.meta.dirname, "../../prisma/migrations");

describe("migration 0008_call_capture on an existing database", () => {
  const { pool, url } = testDatabase();

  it("gives old calls an outcome from their error code and counts old mid-stream aborts as failures", async () => {
    const name = `migrate_capture_${Date.now()}`;
    await pool.query(`CREATE DATABASE ${name}`);
    const client = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, `/${name}`) });
    await client.connect();
    try {
      // The database as it was before 0008.
      await client.query(
        "CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
      );
      for (const dir of (await fs.readdir(MIGRATIONS)).sort()) {
        if (dir >= "0008") break;
        await client.query(await fs.readFile(path.join(MIGRATIONS, dir, "migration.sql"), "utf8"));
        await client.query("INSERT INTO _migrations (name) VALUES ($1)", [dir]);
      }
      const user = await client.query<{ id: string }>(
        "INSERT INTO users (email, password_hash, plan_id) VALUES ('old@example.com', 'x', 1) RETURNING id",
      );
      const userId = user.rows[0]?.id;
      const keyId = "0b0f6f3e-7f3a-4c61-9a8e-1f2b3c4d5e6f";
      const old = [
        ["ok", 200, null],
        ["aborted-mid-stream", 200, "client_closed_request"],
        ["aborted-early", 499, "client_closed_request"],
        ["limited", 429, "rate_limited"],
        ["timeout", 504, "upstream_timeout"],
      ] as const;
      for (const [requestId, status, errorCode] of old) {
        await client.query(
          `INSERT INTO calls (request_id, user_id, key_id, method, path, status, latency_ms, ip, error_code, billable, created_at)
           VALUES ($1, $2, $3, 'GET', '/v1/chat/completions', $4, 5, '127.0.0.1', $5, true, '2026-11-01T10:00:00Z')`,
          [requestId, userId, keyId, status, errorCode],
        );
      }
      // The rollup as the old recorder kept it: failures = status >= 400.
      await client.query(
        `INSERT INTO usage_daily (user_id, day, key_id, path, calls, failures, billable)
         VALUES ($1, '2026-11-01', $2, '/v1/chat/completions', 5, 3, 5)`,
        [userId, keyId],
      );
      await client.end();

      expect(await migrate(url.replace(/\/[^/]*$/, `/${name}`))).toContain("0008_call_capture");

      const after = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, `/${name}`) });
      await after.connect();
      const calls = await after.query<{ request_id: string; status: number; outcome: string; query: null }>(
        "SELECT request_id, status, outcome::text, query FROM calls ORDER BY request_id",
      );
      const rollup = await after.query<{ calls: number; failures: number }>(
        "SELECT calls, failures FROM usage_daily",
      );
      await after.end();
      expect(calls.rows).toEqual([
        { request_id: "aborted-early", status: 499, outcome: "client_aborted", query: null },
        { request_id: "aborted-mid-stream", status: 200, outcome: "client_aborted", query: null },
        { request_id: "limited", status: 429, outcome: "refused", query: null },
        { request_id: "ok", status: 200, outcome: "completed", query: null },
        { request_id: "timeout", status: 504, outcome: "upstream_error", query: null },
      ]);
      expect(rollup.rows).toEqual([{ calls: 5, failures: 4 }]);
    } finally {
      await client.end().catch(() => undefined);
    }
  });
});
