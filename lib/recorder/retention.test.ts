import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTestUser } from "../data/keys-test-support.ts";
import { testDatabase } from "../db/test-database.ts";
import type { CallRecord } from "./call-record.ts";
import { deleteExpiredPayloads, PayloadRetention } from "./retention.ts";
import { writeCalls } from "./sql.ts";

const database = testDatabase();
const DAY = 24 * 60 * 60 * 1000;

function captured(userId: string, keyId: string, ageDays: number): CallRecord {
  const message = { headers: [], body: "{}", bytes: 2, truncated: false, contentType: "application/json" };
  return {
    requestId: `retention_${randomUUID()}`,
    userId,
    keyId,
    method: "GET",
    path: "/status/500",
    query: null,
    status: 500,
    outcome: "completed",
    latencyMs: 3,
    upstreamLatencyMs: 2,
    ttfbMs: 2,
    upstreamDoneMs: 2.5,
    gatewayMs: 0.5,
    requestBytes: 0,
    responseBytes: 2,
    ip: "127.0.0.1",
    userAgent: null,
    errorCode: null,
    billable: true,
    createdAt: new Date(Date.now() - ageDays * DAY).toISOString(),
    payload: { request: message, response: message },
  };
}

async function counts(userId: string) {
  const { rows } = await database.pool.query<{ calls: number; payloads: number }>(
    `SELECT (SELECT count(*) FROM calls WHERE user_id = $1)::int AS calls,
            (SELECT count(*) FROM call_payloads WHERE user_id = $1)::int AS payloads`,
    [userId],
  );
  return rows[0];
}

describe("payload retention", () => {
  it("deletes payloads older than the retention in bulk batches and keeps the calls and newer payloads", async () => {
    const user = await createTestUser(database, "retention");
    const keyId = randomUUID();
    // Younger than the 7 days gateways started by other test files delete at start-up.
    const records = [
      ...Array.from({ length: 7 }, () => captured(user.id, keyId, 5)),
      captured(user.id, keyId, 2.01),
      captured(user.id, keyId, 1.9),
      captured(user.id, keyId, 0),
    ];
    await writeCalls(database.pool, records);
    expect(await counts(user.id)).toEqual({ calls: 10, payloads: 10 });

    // Batches of 3: the 8 expired rows take several statements, and all go.
    const deleted = await deleteExpiredPayloads(database.pool, 2, 3);
    expect(deleted).toBeGreaterThanOrEqual(8);
    expect(await counts(user.id)).toEqual({ calls: 10, payloads: 2 });
    const { rows } = await database.pool.query<{ request_id: string }>(
      "SELECT request_id FROM call_payloads WHERE user_id = $1 ORDER BY created_at",
      [user.id],
    );
    expect(rows.map((r) => r.request_id)).toEqual([records[8]?.requestId, records[9]?.requestId]);
  });

  it("runs on its timer's first pass, and a shorter retention deletes more", async () => {
    const user = await createTestUser(database, "retention-timer");
    await writeCalls(database.pool, [captured(user.id, randomUUID(), 2), captured(user.id, randomUUID(), 0)]);
    const errors: string[] = [];
    const retention = new PayloadRetention(database.pool, 1, (m) => errors.push(m));
    retention.start();
    await retention.stop();
    expect(errors).toEqual([]);
    expect(await counts(user.id)).toEqual({ calls: 2, payloads: 1 });
  });

  it("deletes an account's payloads with the account", async () => {
    const user = await createTestUser(database, "retention-delete");
    await writeCalls(database.pool, [captured(user.id, randomUUID(), 0)]);
    await database.pool.query("DELETE FROM users WHERE id = $1", [user.id]);
    expect(await counts(user.id)).toEqual({ calls: 0, payloads: 0 });
  });
});
