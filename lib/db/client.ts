import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "../env.ts";
import { Prisma, PrismaClient } from "./generated/client.ts";

export type Database = { prisma: PrismaClient; pool: pg.Pool };

const globalForDb = globalThis as unknown as { tollgateDb?: Database };

/** Opens a pool and a Prisma client on it. Used by entry points and tests that own their database. */
export function openDatabase(url: string, max = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => undefined);
  return { pool, prisma: new PrismaClient({ adapter: new PrismaPg(pool) }) };
}

/**
 * The process-wide database, opened on first use from DATABASE_URL (set by
 * scripts/start.ts for the dashboard, or by whoever started the process).
 * Kept on globalThis so Next's dev reloads do not open a pool per edit.
 */
export function db(): Database {
  if (!globalForDb.tollgateDb) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start Tollgate with `npm start`");
    globalForDb.tollgateDb = openDatabase(url);
  }
  return globalForDb.tollgateDb;
}

/** Installs an already opened database as the process-wide one (CLI, tests). */
export function installDatabase(database: Database): void {
  globalForDb.tollgateDb = database;
}

/**
 * Options for a Prisma transaction that queues on an advisory lock: like a `pg` pool client,
 * it waits its turn (for a connection, then for the lock) instead of failing after Prisma's
 * defaults of 2 s to start and 5 s to finish, which a burst of sign-ups or sign-in guesses
 * on a busy machine exceeds while merely waiting.
 */
export const QUEUED_TRANSACTION = { maxWait: 30_000, timeout: 60_000 } as const;

/** Whether `error` is Prisma's request error `code`: P2002 unique, P2003 foreign key, P2025 no such row. */
export function isPrismaError(error: unknown, code: "P2002" | "P2003" | "P2025"): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === code;
}
