// Test support for the API key tests: real users in the shared test database.
import { randomUUID } from "node:crypto";
import type { SessionUser } from "../actor.ts";
import type { Database } from "../db/client.ts";

/** Inserts a user with a unique email on the free plan and returns them as an actor. */
export async function createTestUser(database: Database, label = "keys"): Promise<SessionUser> {
  const email = `${label}-${randomUUID()}@example.com`;
  const { rows } = await database.pool.query<{ id: string }>(
    `INSERT INTO users (email, name, password_hash, plan_id)
     SELECT $1, $2, 'not-a-real-hash', id FROM plans WHERE slug = 'free'
     RETURNING id::text AS id`,
    [email, label],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error("the free plan is missing from the test database");
  return { id, email, name: label, isAdmin: false };
}

/** Every column of one api_keys row, straight from the table, for before/after comparisons. */
export async function rawKeyRow(database: Database, id: string): Promise<Record<string, unknown>> {
  const { rows } = await database.pool.query<Record<string, unknown>>(
    "SELECT * FROM api_keys WHERE id = $1",
    [id],
  );
  const row = rows[0];
  if (!row) throw new Error(`no api_keys row ${id}`);
  return row;
}
