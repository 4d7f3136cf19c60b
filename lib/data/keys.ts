// API keys as their owner sees them (docs/gateway.md#sending-a-call). Every function takes the acting user and
// names `user_id = actor.id` in the very statement that reads or changes a key, so
// there is no window between an ownership check and the change, and another user's
// key id is indistinguishable from an unknown one (KeyNotFoundError → 404).
//
// Expiry is computed by PostgreSQL (now() + the choice's interval), so every dashboard
// process and the CLI share one clock for it. The gateway re-reads each cached key every
// 250 ms, so a change stops or starts a key within a second.
import { z } from "zod";
import type { SessionUser } from "../actor.ts";
import { db, isPrismaError } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
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

const SUMMARY = {
  id: true,
  name: true,
  prefix: true,
  last4: true,
  status: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
} as const satisfies Prisma.ApiKeySelect;

// The same columns for the two raw statements below (their rows are parsed by keyRow).
const SUMMARY_COLUMNS = Prisma.raw(`id::text AS id, name, prefix, last4, status::text AS status,
  created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt"`);

const keyRow = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  last4: z.string(),
  status: keyStatus,
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
});

/** Parses an id; anything that is not a UUID cannot name a key, so it is "not found" too. */
function parseId(id: string): string {
  const parsed = keyId.safeParse(id);
  if (!parsed.success) throw new KeyNotFoundError();
  return parsed.data;
}

/** The actor's keys that are not deleted, newest first. */
export async function listKeys(actor: SessionUser): Promise<KeySummary[]> {
  return db().prisma.apiKey.findMany({
    where: { userId: actor.id, deletedAt: null },
    select: SUMMARY,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

/**
 * Creates a key for the actor. Only its SHA-256 hash, prefix and last 4 characters are
 * stored; the plaintext is returned once here and exists nowhere else afterwards.
 */
export async function createKey(actor: SessionUser, input: CreateKeyInput): Promise<CreatedKey> {
  const { name, expiresIn } = createKeyInput.parse(input);
  const { key, hash, prefix, last4 } = generateKey();
  const interval = expiresIn === "never" ? null : expiryIntervals[expiresIn];
  // Raw: the expiry is PostgreSQL's now() plus an interval, which Prisma cannot write.
  const rows = await db().prisma.$queryRaw`
    INSERT INTO api_keys (user_id, name, hash, prefix, last4, expires_at)
    VALUES (${actor.id}::uuid, ${name}, ${hash}, ${prefix}, ${last4}, now() + ${interval}::interval)
    RETURNING ${SUMMARY_COLUMNS}`;
  const [{ id, ...rest }] = z.tuple([keyRow]).parse(rows);
  // id and key first: the order `keys create --json` prints (README, "The operator CLI").
  return { id, key, ...rest };
}

/** Runs an update of one of the actor's live keys; no such key is KeyNotFoundError. */
async function updateOwnKey(
  actor: SessionUser,
  id: string,
  data: Prisma.ApiKeyUpdateInput,
): Promise<KeySummary> {
  try {
    return await db().prisma.apiKey.update({
      where: { id: parseId(id), userId: actor.id, deletedAt: null },
      data: { ...data, updatedAt: new Date() },
      select: SUMMARY,
    });
  } catch (error) {
    if (isPrismaError(error, "P2025")) throw new KeyNotFoundError();
    throw error;
  }
}

/** Enables or disables one of the actor's keys; the gateway refuses a disabled key within a second. */
export async function setKeyStatus(actor: SessionUser, id: string, status: KeyStatus): Promise<KeySummary> {
  return updateOwnKey(actor, id, { status: keyStatus.parse(status) });
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
  // Raw: one statement (update the old key, insert its successor) with PostgreSQL's clock.
  const rows = await db().prisma.$queryRaw`
    WITH old AS (
      UPDATE api_keys
      SET expires_at = LEAST(expires_at, now() + ${interval}::interval), updated_at = now()
      WHERE id = ${parseId(id)}::uuid AND user_id = ${actor.id}::uuid AND deleted_at IS NULL
      RETURNING *
    ), new AS (
      INSERT INTO api_keys (user_id, name, hash, prefix, last4)
      SELECT user_id, name, ${hash}, ${prefix}, ${last4} FROM old
      RETURNING *
    )
    SELECT 'old' AS role, ${SUMMARY_COLUMNS} FROM old
    UNION ALL
    SELECT 'new' AS role, ${SUMMARY_COLUMNS} FROM new`;
  const parsed = z.array(keyRow.extend({ role: z.enum(["old", "new"]) })).parse(rows);
  const oldRow = parsed.find((row) => row.role === "old");
  const newRow = parsed.find((row) => row.role === "new");
  if (!oldRow || !newRow) throw new KeyNotFoundError();
  // keyRow drops the role.
  const { id: newId, ...newRest } = keyRow.parse(newRow);
  return { oldKey: keyRow.parse(oldRow), newKey: { id: newId, key, ...newRest } };
}

/** Soft-deletes one of the actor's keys: it stops working at once, its recorded calls stay. */
export async function deleteKey(actor: SessionUser, id: string): Promise<void> {
  await updateOwnKey(actor, id, { deletedAt: new Date() });
}

/**
 * The owner of a live key, or null (an id that is not a UUID names no key): who the
 * operator CLI acts as for `keys disable|enable|delete`.
 */
export async function findKeyOwner(id: string): Promise<SessionUser | null> {
  if (!keyId.safeParse(id).success) return null;
  const key = await db().prisma.apiKey.findFirst({
    where: { id, deletedAt: null },
    select: { user: { select: { id: true, email: true, name: true, isAdmin: true } } },
  });
  return key?.user ?? null;
}
