// README, "Secrets": after creation a plaintext key exists nowhere we control: not in any column of
// any table (captured call payloads included), not in what the server logs, not in an error message.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deleteKeySchema, rollKeySchema, setKeyStatusSchema } from "@/app/(dashboard)/keys/keys.schema.ts";
import { runAction } from "../action.ts";
import type { SessionUser } from "../actor.ts";
import { loadCommands } from "../cli/index.ts";
import { testDatabase } from "../db/test-database.ts";
import { startTestGateway } from "../gateway/test-helpers.ts";
import { generateKey } from "../keys/key.ts";
import {
  createKey,
  createKeyInput,
  deleteKey,
  KeyNotFoundError,
  listKeys,
  rollKey,
  setKeyStatus,
} from "./keys.ts";
import { createTestUser } from "./keys-test-support.ts";

const database = testDatabase();
const commands = await loadCommands();

type Column = { table: string; column: string };

/** Every text-like column of every table in the public schema. */
async function textColumns(): Promise<Column[]> {
  const { rows } = await database.pool.query<Column>(
    `SELECT c.table_name AS table, c.column_name AS column
     FROM information_schema.columns c
     JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
       AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')
     ORDER BY 1, 2`,
  );
  return rows;
}

/**
 * Searches every value of every text column and returns "table.column" wherever one of
 * the needles occurs (the search runs in SQL so a table with millions of calls from
 * other tests is not pulled into memory). Each needle is a key without its `tg_` prefix,
 * so a copy stored without the prefix would be found too; base62 has no LIKE wildcards.
 */
async function findInDatabase(needles: string[]): Promise<string[]> {
  const patterns = needles.map((needle) => `%${needle}%`);
  const found: string[] = [];
  for (const { table, column } of await textColumns()) {
    const { rows } = await database.pool.query<{ hits: number }>(
      `SELECT count(*)::int AS hits FROM ${quote(table)} WHERE ${quote(column)}::text LIKE ANY($1)`,
      [patterns],
    );
    if ((rows[0]?.hits ?? 0) > 0) found.push(`${table}.${column}`);
  }
  return found;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

describe("no plaintext key anywhere after creation", () => {
  /** What the code under test printed, at any level. */
  const logged: string[] = [];
  /** The errors and error states it returned or threw. */
  const errorTexts: string[] = [];
  const plaintexts: string[] = [];
  let actor: SessionUser;
  let capturedPayloads = 0;

  beforeAll(async () => {
    // Everything the code under test prints, at any level, is collected and searched.
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(
          args.map((arg) => (arg instanceof Error ? `${arg.message}\n${arg.stack}` : String(arg))).join(" "),
        );
      });
    }
    actor = await createTestUser(database, "plaintext");
    const intruder = await createTestUser(database, "plaintext-intruder");

    const first = await createKey(actor, { name: "first" });
    const expiring = await createKey(actor, { name: "expiring", expiresIn: "7d" });
    const rolled = await rollKey(actor, first.id, "24h");
    const rolledNow = await rollKey(actor, expiring.id, "now");
    const viaAction = await runAction(actor, createKeyInput, { name: "via action" }, (a, i) =>
      createKey(a, i),
    );
    const viaCli = (await commands["keys create"]?.run({ email: actor.email, name: "via cli" })) as {
      key: string;
    };
    if (viaAction.status !== "ok") throw new Error("create action failed");
    plaintexts.push(
      first.key,
      expiring.key,
      rolled.newKey.key,
      rolledNow.newKey.key,
      viaAction.data.key,
      viaCli.key,
    );

    await setKeyStatus(actor, rolled.newKey.id, "inactive");
    await deleteKey(actor, rolledNow.newKey.id);
    await listKeys(actor);

    // Failed actions, including ones that pass a plaintext where an id or name belongs, with
    // the keys actions' options.
    const keys = { refusals: [KeyNotFoundError] };
    const errors: unknown[] = [];
    for (const key of plaintexts) {
      errors.push(
        await runAction(
          actor,
          setKeyStatusSchema,
          { id: key, status: "inactive" },
          (a, i) => setKeyStatus(a, i.id, i.status),
          keys,
        ),
        await runAction(
          intruder,
          rollKeySchema,
          { id: first.id, oldKeyExpiresIn: "now", key },
          (a, i) => rollKey(a, i.id, i.oldKeyExpiresIn),
          keys,
        ),
        await runAction(intruder, deleteKeySchema, { id: first.id }, (a, i) => deleteKey(a, i.id), keys),
        await runAction(actor, createKeyInput, { name: key.repeat(3) }, (a, i) => createKey(a, i), keys),
      );
      for (const attempt of [
        () => setKeyStatus(actor, key, "active"),
        () => rollKey(intruder, first.id, "now"),
        () => deleteKey(actor, key),
        () => createKey(actor, { name: key.repeat(3) }),
        () => commands["keys disable"]?.run({ id: key }),
        () => commands["keys list"]?.run({ email: key }),
      ]) {
        errors.push(
          await Promise.resolve()
            .then(attempt)
            .then(
              () => "unexpected success",
              (error: unknown) => error,
            ),
        );
      }
    }
    // Every key, active or not, used the ways people paste keys: in the key headers, in the
    // query, in another header, a cookie and the body; the upstream echoes some back in its
    // answer (headers in /echo, the prompt in a streamed chat). `all` captures every call.
    const gateway = await startTestGateway(database, {
      CAPTURE_BODIES: "all",
      UPSTREAM_AUTH_HEADER: { name: "x-provider-secret", value: "s3cret" },
    });
    try {
      for (const key of plaintexts) {
        const headers = {
          "x-note": `mine is ${key}`,
          cookie: `k=${key}`,
          "content-type": "application/json",
        };
        const calls = [
          fetch(`${gateway.url}/echo?key=${key}&q=${key}`, {
            method: "POST",
            headers: { ...headers, "x-api-key": key },
            body: JSON.stringify({ key }),
          }),
          fetch(`${gateway.url}/status/400?note=${key}`, {
            headers: { ...headers, authorization: `Bearer ${key}` },
          }),
          fetch(`${gateway.url}/v1/chat/completions`, {
            method: "POST",
            headers: { ...headers, "x-api-key": key },
            body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: key }] }),
          }),
        ];
        for (const res of await Promise.all(calls)) await res.text();
      }
      // A call is recorded when the server closes its response, which can come just after the
      // client has read the body: flush until every call is in (or 5 s have passed).
      for (let tries = 0; tries < 50 && capturedPayloads < plaintexts.length * 3; tries += 1) {
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        await gateway.gateway.flush();
        const { rows } = await database.pool.query<{ payloads: number }>(
          "SELECT count(*)::int AS payloads FROM call_payloads WHERE user_id = $1",
          [actor.id],
        );
        capturedPayloads = rows[0]?.payloads ?? 0;
      }
    } finally {
      await gateway.close();
    }

    // One action failing in an unexpected way: the only path here that prints, so the
    // capture above is known to see what actions log.
    await runAction(actor, createKeyInput, { name: "fails" }, () => Promise.reject(new Error("boom")));
    errorTexts.push(
      ...errors.map((error) =>
        error instanceof Error ? `${error.message}\n${error.stack}` : JSON.stringify(error),
      ),
    );
  });

  afterAll(() => {
    vi.restoreAllMocks();
  });

  it("the scan reads every text column and would find a stored key", async () => {
    const columns = await textColumns();
    expect(columns).toEqual(
      expect.arrayContaining([
        { table: "api_keys", column: "hash" },
        { table: "api_keys", column: "name" },
        { table: "users", column: "email" },
        { table: "calls", column: "path" },
        { table: "calls", column: "query" },
        { table: "call_payloads", column: "request_headers" },
        { table: "call_payloads", column: "request_body" },
        { table: "call_payloads", column: "response_headers" },
        { table: "call_payloads", column: "response_body" },
      ]),
    );
    const planted = generateKey().key;
    await database.pool.query("UPDATE users SET name = $1 WHERE id = $2", [`note: ${planted}`, actor.id]);
    expect(await findInDatabase([planted.slice(3)])).toEqual(["users.name"]);
    await database.pool.query("UPDATE users SET name = NULL WHERE id = $1", [actor.id]);
  });

  it("no table holds any of the created or rolled keys, though every call through the gateway was captured", async () => {
    expect(plaintexts).toHaveLength(6);
    expect(capturedPayloads).toBe(plaintexts.length * 3);
    expect(await findInDatabase(plaintexts.map((key) => key.slice(3)))).toEqual([]);
  });

  it("no log line and no error message contains one", () => {
    expect(logged).toEqual(["action failed: Error: boom"]);
    expect(errorTexts).toHaveLength(plaintexts.length * 10);
    for (const text of [...logged, ...errorTexts]) {
      for (const key of plaintexts) expect(text).not.toContain(key.slice(3));
    }
  });
});
