import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/actor.ts";
import { createKey, listKeys } from "@/lib/data/keys.ts";
import { createTestUser, rawKeyRow } from "@/lib/data/keys-test-support.ts";
import { testDatabase } from "@/lib/db/test-database.ts";
import { createKeyAction, deleteKeyAction, rollKeyAction, setKeyStatusAction } from "./actions.ts";
import { formInput } from "@/lib/action.ts";

// The real server actions, wiring included; only the request around them is replaced:
// the session's user is whoever the test names, and there is no page cache to refresh.
const session = vi.hoisted(() => ({ actor: undefined as SessionUser | undefined }));
vi.mock("@/lib/auth/session.ts", () => ({
  requireUser: () => {
    if (!session.actor) throw new Error("no actor");
    return Promise.resolve(session.actor);
  },
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const database = testDatabase();

function form(fields: Record<string, unknown>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, String(value));
  return data;
}

type Action<T> = (previous: unknown, formData: FormData) => Promise<T>;

/** Submits `fields` to `action` as `actor` (the session is read synchronously, before any await). */
function as<T>(action: Action<T>) {
  return (fields: Record<string, unknown>, actor: SessionUser): Promise<T> => {
    session.actor = actor;
    return action(undefined, form(fields));
  };
}

const create = as(createKeyAction);
const toggle = as(setKeyStatusAction);
const roll = as(rollKeyAction);
const remove = as(deleteKeyAction);

describe("keys actions", () => {
  let a: SessionUser;
  let b: SessionUser;
  let aKeyId: string;
  let snapshot: Record<string, unknown>;

  async function countKeys(): Promise<number> {
    const { rows } = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM api_keys WHERE user_id = ANY($1::uuid[])",
      [[a.id, b.id]],
    );
    return rows[0]?.n ?? -1;
  }

  beforeAll(async () => {
    a = await createTestUser(database, "action-a");
    b = await createTestUser(database, "action-b");
    aKeyId = (await createKey(a, { name: "A's key" })).id;
    snapshot = await rawKeyRow(database, aKeyId);
  });

  it("creates a key from form fields, returning the plaintext once", async () => {
    const state = await create({ name: " Staging ", expiresIn: "30d" }, b);
    expect(state.status).toBe("ok");
    if (state.status !== "ok") return;
    expect(state.data).toMatchObject({ name: "Staging", key: expect.stringMatching(/^tg_/) as unknown });
    await remove({ id: state.data.id }, b);
  });

  it("answers an invalid name with a field error", async () => {
    expect(await create({ name: "  " }, b)).toMatchObject({
      status: "error",
      fieldErrors: { name: "Enter a name" },
    });
    expect(await create({ name: "x".repeat(65) }, b)).toMatchObject({
      fieldErrors: { name: "Use at most 64 characters" },
    });
    expect(await create({ name: "ok", expiresIn: "forever" }, b)).toMatchObject({
      fieldErrors: { expiresIn: expect.stringContaining("Choose") as unknown },
    });
  });

  it("refuses mass assignment: no field beyond the form's own is accepted", async () => {
    const keysBefore = await countKeys();
    const attempts = [
      create({ name: "mine now", userId: a.id }, b),
      create({ name: "chosen hash", hash: "0".repeat(64) }, b),
      create({ name: "pre-disabled", status: "inactive" }, b),
      toggle({ id: aKeyId, status: "inactive", userId: b.id }, a),
      toggle({ id: aKeyId, status: "active", name: "renamed" }, a),
      toggle({ id: aKeyId, status: "active", expiresAt: "2999-01-01" }, a),
      roll({ id: aKeyId, oldKeyExpiresIn: "7d", name: "renamed", status: "inactive" }, a),
      roll({ id: aKeyId, oldKeyExpiresIn: "7d", hash: "0".repeat(64) }, a),
      remove({ id: aKeyId, deletedAt: null }, a),
    ];
    for (const state of await Promise.all(attempts)) {
      expect(state).toMatchObject({
        status: "error",
        error: "The request had fields this form does not send.",
      });
    }
    expect(await countKeys()).toBe(keysBefore);
    expect(await rawKeyRow(database, aKeyId)).toEqual(snapshot);
  });

  it("ignores React's own $ACTION fields but nothing else", () => {
    const input = formInput(form({ $ACTION_ID_abc: "", $ACTION_REF_1: "", id: aKeyId, userId: b.id }));
    expect(input).toEqual({ id: aKeyId, userId: b.id });
  });

  it("B naming A's key in any action gets 'not found' and A's key is unchanged", async () => {
    const keysBefore = await countKeys();
    for (const state of [
      await toggle({ id: aKeyId, status: "inactive" }, b),
      await roll({ id: aKeyId, oldKeyExpiresIn: "now" }, b),
      await remove({ id: aKeyId }, b),
    ]) {
      expect(state).toEqual({ status: "error", error: "API key not found" });
    }
    expect(await countKeys()).toBe(keysBefore);
    expect(await rawKeyRow(database, aKeyId)).toEqual(snapshot);
    expect(await listKeys(b)).toEqual([]);
  });
});
