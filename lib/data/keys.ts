// API keys as their owner sees them (docs/gateway.md#sending-a-call). Every function takes the acting user and
// names `user_id = actor.id` in the very statement that reads or changes a key, so
// there is no window between an ownership check and the change, and another user's
// key id is indistinguishable from an unknown one (KeyNotFoundError → 404).
//
// Mutations are SQL with the database's now(): the gateway compares expires_at and
// polls updated_at against that same clock, so an app server with a skewed clock can
// neither hide a change from the gateway's cache refresh nor shift an expiry.
import { z } from "zod";
import type { SessionUser } from "../actor.ts";
import { db } from "../db/client.ts";
import { generateKey } from "../keys/key.ts";
import {
  creationExpiry,
  expiryIntervals,
  keyId,
  keyName,
  keyStatus,
  rollExpiry,
  type KeyStatus,
} from "../keys/schema.ts";

/** A key as its owner may see it: never the hash, never the plaintext. */
export type KeySummary = {
  id: string;
  name: string;
  /** `tg_` + the first 4 random characters. */
  prefix: string;
  last4: string;
  status: KeyStatus;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
};

/** A key just created or rolled: the only moment the plaintext exists outside its holder. */
export type CreatedKey = KeySummary & { key: string };

/** The key does not exist, is deleted, or belongs to someone else: callers answer 404. */
export class KeyNotFoundError extends Error {
  constructor() {
    super("API key not found");
    this.name = "KeyNotFoundError";
  }
}

export const createKeyInput = z.strictObject({
  name: keyName,
  expiresIn: creationExpiry.default("never"),
});
export type CreateKeyInput = z.input<typeof createKeyInput>;

const SUMMARY_COLUMNS = `id::text AS id, name, prefix, last4, status::text AS status,
  created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt"`;

/** Parses an id; anything that is not a UUID cannot name a key, so it is "not found" too. */
function parseId(id: string): string {
  const parsed = keyId.safeParse(id);
  if (!parsed.success) throw new KeyNotFoundError();
  return parsed.data;
}

function single(rows: KeySummary[]): KeySummary {
  const row = rows[0];
  if (!row) throw new KeyNotFoundError();
  return row;
}

/** The actor's keys that are not deleted, newest first. */
export async function listKeys(actor: SessionUser): Promise<KeySummary[]> {
  const { pool } = db();
  const { rows } = await pool.query<KeySummary>(
    `SELECT ${SUMMARY_COLUMNS} FROM api_keys
     WHERE user_id = $1 AND deleted_at IS NULL
     ORDER BY created_at DESC, id DESC`,
    [actor.id],
  );
  return rows;
}

/**
 * Creates a key for the actor. Only its SHA-256 hash, prefix and last 4 characters are
 * stored; the plaintext is returned once here and exists nowhere else afterwards.
 */
export async function createKey(actor: SessionUser, input: CreateKeyInput): Promise<CreatedKey> {
  const { name, expiresIn } = createKeyInput.parse(input);
  const { key, hash, prefix, last4 } = generateKey();
  const interval = expiresIn === "never" ? null : expiryIntervals[expiresIn];
  const { rows } = await db().pool.query<KeySummary>(
    `INSERT INTO api_keys (user_id, name, hash, prefix, last4, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + $6::interval)
     RETURNING ${SUMMARY_COLUMNS}`,
    [actor.id, name, hash, prefix, last4, interval],
  );
  const { id, ...rest } = single(rows);
  // id and key first: the order `keys create --json` prints (README, "The operator CLI").
  return { id, key, ...rest };
}

/** Enables or disables one of the actor's keys; the gateway refuses a disabled key within a second. */
export async function setKeyStatus(actor: SessionUser, id: string, status: KeyStatus): Promise<KeySummary> {
  const { rows } = await db().pool.query<KeySummary>(
    `UPDATE api_keys SET status = $3::key_status, updated_at = now()
     WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL
     RETURNING ${SUMMARY_COLUMNS}`,
    [parseId(id), actor.id, keyStatus.parse(status)],
  );
  return single(rows);
}

/**
 * Replaces one of the actor's keys: a new key with the same name (plaintext returned
 * once), while the old one keeps working until `oldKeyExpiresIn` from now. An expiry the
 * old key already had is never extended. Both happen in one statement, so a foreign or
 * unknown id changes nothing and creates nothing.
 */
export async function rollKey(
  actor: SessionUser,
  id: string,
  oldKeyExpiresIn: z.input<typeof rollExpiry>,
): Promise<{ newKey: CreatedKey; oldKey: KeySummary }> {
  const interval = expiryIntervals[rollExpiry.parse(oldKeyExpiresIn)];
  const { key, hash, prefix, last4 } = generateKey();
  const { rows } = await db().pool.query<KeySummary & { role: "old" | "new" }>(
    `WITH old AS (
       UPDATE api_keys
       SET expires_at = LEAST(expires_at, now() + $3::interval), updated_at = now()
       WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL
       RETURNING *
     ), new AS (
       INSERT INTO api_keys (user_id, name, hash, prefix, last4)
       SELECT user_id, name, $4, $5, $6 FROM old
       RETURNING *
     )
     SELECT 'old' AS role, ${SUMMARY_COLUMNS} FROM old
     UNION ALL
     SELECT 'new' AS role, ${SUMMARY_COLUMNS} FROM new`,
    [parseId(id), actor.id, interval, hash, prefix, last4],
  );
  const oldRow = rows.find((row) => row.role === "old");
  const newRow = rows.find((row) => row.role === "new");
  if (!oldRow || !newRow) throw new KeyNotFoundError();
  const { id: newId, ...newRest } = withoutRole(newRow);
  return { oldKey: withoutRole(oldRow), newKey: { id: newId, key, ...newRest } };
}

/** Soft-deletes one of the actor's keys: it stops working at once, its recorded calls stay. */
export async function deleteKey(actor: SessionUser, id: string): Promise<void> {
  const { rowCount } = await db().pool.query(
    `UPDATE api_keys SET deleted_at = now(), updated_at = now()
     WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL`,
    [parseId(id), actor.id],
  );
  if (rowCount !== 1) throw new KeyNotFoundError();
}

function withoutRole({ role: _role, ...summary }: KeySummary & { role: string }): KeySummary {
  return summary;
}
