import { describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { createAccount, createKey, testRecord } from "../gateway/test-helpers.ts";
import type { CallRecord } from "./call-record.ts";
import { writeCalls } from "./sql.ts";

// What a batch write stores, read back from the tables: captured payloads next to the calls
// that have them, and text PostgreSQL would refuse (NUL) cleaned rather than failing the batch.

const database = testDatabase();

async function account(): Promise<{ userId: string; keyId: string }> {
  const userId = await createAccount(database.pool);
  return { userId, keyId: (await createKey(database.pool, userId)).id };
}

function captured(body: string | null, headers: [string, string][] = [["content-type", "text/plain"]]) {
  return {
    request: { headers, body, bytes: body?.length ?? 0, truncated: false, contentType: "text/plain" },
    response: { headers: [], body: null, bytes: 70_000, truncated: true, contentType: null },
  } satisfies CallRecord["payload"];
}

type PayloadRow = {
  request_id: string;
  request_headers: [string, string][];
  request_body: string | null;
  request_body_bytes: string;
  request_truncated: boolean;
  request_content_type: string | null;
  response_headers: [string, string][];
  response_body: string | null;
  response_body_bytes: string;
  response_truncated: boolean;
  response_content_type: string | null;
};

async function payloadsOf(userId: string): Promise<PayloadRow[]> {
  const { rows } = await database.pool.query<PayloadRow>(
    `SELECT request_id, request_headers, request_body, request_body_bytes::text, request_truncated,
            request_content_type, response_headers, response_body, response_body_bytes::text,
            response_truncated, response_content_type
       FROM call_payloads WHERE user_id = $1 ORDER BY request_body`,
    [userId],
  );
  return rows;
}

describe("writeCalls stores", () => {
  it("the captured payloads of exactly the calls that have them, as captured", async () => {
    const { userId, keyId } = await account();
    const withBody = testRecord(userId, keyId, { payload: captured('{"a":1}') });
    const plain = testRecord(userId, keyId);
    const withoutBody = testRecord(userId, keyId, { payload: captured(null, []) });
    expect(await writeCalls(database.pool, [withBody, plain, withoutBody])).toBe(3);
    const rows = await payloadsOf(userId);
    expect(rows).toEqual([
      {
        request_id: withBody.requestId,
        request_headers: [["content-type", "text/plain"]],
        request_body: '{"a":1}',
        request_body_bytes: "7",
        request_truncated: false,
        request_content_type: "text/plain",
        response_headers: [],
        response_body: null,
        response_body_bytes: "70000",
        response_truncated: true,
        response_content_type: null,
      },
      expect.objectContaining({ request_id: withoutBody.requestId, request_body: null, request_headers: [] }),
    ]);
    // A batch without any captured call stores no payload.
    const { userId: other, keyId: otherKey } = await account();
    expect(await writeCalls(database.pool, [testRecord(other, otherKey)])).toBe(1);
    expect(await payloadsOf(other)).toEqual([]);
  });

  it("text with NUL characters, without them, in calls and payloads alike, and the rest of the batch", async () => {
    const { userId, keyId } = await account();
    const dirty = testRecord(userId, keyId, {
      path: "/v2/\u0000price",
      query: "q=\u0000x",
      userAgent: "bad\u0000agent",
      payload: captured("nul\u0000body", [["x-note", "a\u0000b"]]),
    });
    const clean = testRecord(userId, keyId, { userAgent: "ok" });
    expect(await writeCalls(database.pool, [dirty, clean])).toBe(2);
    const { rows } = await database.pool.query<{
      request_id: string;
      path: string;
      query: string | null;
      user_agent: string;
    }>("SELECT request_id, path, query, user_agent FROM calls WHERE user_id = $1", [userId]);
    expect(rows).toContainEqual({
      request_id: dirty.requestId,
      path: "/v2/price",
      query: "q=x",
      user_agent: "badagent",
    });
    expect(rows).toContainEqual({
      request_id: clean.requestId,
      path: "/v2/tokens",
      query: null,
      user_agent: "ok",
    });
    expect(await payloadsOf(userId)).toEqual([
      expect.objectContaining({
        request_id: dirty.requestId,
        request_body: "nulbody",
        request_headers: [["x-note", "ab"]],
      }),
    ]);
  });

  it("text exactly as sent, backslashes, tabs, line breaks and quotes included", async () => {
    const { userId, keyId } = await account();
    const awkward = testRecord(userId, keyId, {
      path: "/v2/a\\b\tc\nd\re\\N",
      query: "\\N",
      userAgent: 'tab\there; "quoted"; ünïcødé ✓; back\\slash at end\\',
      ip: "::1",
      errorCode: null,
    });
    expect(await writeCalls(database.pool, [awkward])).toBe(1);
    const { rows } = await database.pool.query<{
      path: string;
      query: string;
      user_agent: string;
      error_code: null;
    }>("SELECT path, query, user_agent, error_code FROM calls WHERE user_id = $1", [userId]);
    expect(rows).toEqual([
      { path: awkward.path, query: "\\N", user_agent: awkward.userAgent, error_code: null },
    ]);
  });
});
