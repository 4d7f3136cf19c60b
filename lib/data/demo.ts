// What `demo seed` (lib/cli/demo.ts) reads and writes beyond the ordinary account and key
// functions: the demo flag, the account's history, and backdating to match seeded traffic.
import type { SessionUser } from "../actor.ts";
import { db } from "../db/client.ts";
import type { CallRecord } from "../recorder/call-record.ts";
import { writeCalls } from "../recorder/sql.ts";

const DAY_MS = 86_400_000;

/** The account with this (normalised) email and whether demo seed created it, or null. */
export async function findDemoCandidate(
  email: string,
): Promise<(SessionUser & { createdByDemo: boolean }) | null> {
  return db().prisma.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true, name: true, isAdmin: true, createdByDemo: true },
  });
}

/** Marks an account as created by demo seed, which may then reset its history. */
export async function markCreatedByDemo(userId: string): Promise<void> {
  await db().prisma.user.update({ where: { id: userId }, data: { createdByDemo: true } });
}

/** The account's live, active keys, oldest first. */
export async function activeKeys(userId: string): Promise<{ id: string; name: string }[]> {
  return db().prisma.apiKey.findMany({
    where: { userId, deletedAt: null, status: "active" },
    select: { id: true, name: true },
    orderBy: { createdAt: "asc" },
  });
}

/** Moves a key's creation `days` into the past (the demo's long-unused key). */
export async function backdateKey(keyId: string, days: number): Promise<void> {
  await db().prisma.apiKey.update({
    where: { id: keyId },
    data: { createdAt: new Date(Date.now() - days * DAY_MS) },
  });
}

/** How many calls the account has recorded. */
export function countCalls(userId: string): Promise<number> {
  return db().prisma.call.count({ where: { userId } });
}

/** Deletes the account's recorded calls, their payloads and every rollup made from them. */
export async function deleteCallHistory(userId: string): Promise<void> {
  const { prisma } = db();
  await prisma.$transaction([
    prisma.usageDaily.deleteMany({ where: { userId } }),
    prisma.usageHourly.deleteMany({ where: { userId } }),
    prisma.usageEndpointDaily.deleteMany({ where: { userId } }),
    prisma.failureHourly.deleteMany({ where: { userId } }),
    prisma.failureDaily.deleteMany({ where: { userId } }),
    prisma.callPayload.deleteMany({ where: { userId } }),
    prisma.call.deleteMany({ where: { userId } }),
  ]);
}

/**
 * Records generated calls through the recorder's own batch write, 1,000 at a time, so calls,
 * rollups and the keys' last use agree as after real traffic. Returns how many were new.
 */
export async function recordCalls(records: readonly CallRecord[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < records.length; i += 1_000) {
    written += await writeCalls(db().pool, records.slice(i, i + 1_000));
  }
  return written;
}

/**
 * Seeded history reaches back days, so the account's keys (and the account) must have been
 * created before their first call: moves each creation back to a day before it.
 */
export async function backdateToFirstCalls(userId: string): Promise<void> {
  // Raw: an UPDATE from an aggregate over the (partitioned) call log, in one statement each.
  await db().prisma.$executeRaw`
    UPDATE api_keys k SET created_at = c.first - interval '1 day'
    FROM (SELECT key_id, min(created_at) AS first FROM calls WHERE user_id = ${userId}::uuid GROUP BY key_id) c
    WHERE k.id = c.key_id AND k.created_at > c.first`;
  await db().prisma.$executeRaw`
    UPDATE users SET created_at = k.first
    FROM (SELECT min(created_at) AS first FROM api_keys WHERE user_id = ${userId}::uuid) k
    WHERE users.id = ${userId}::uuid AND users.created_at > k.first`;
}
