import type pg from "pg";

// Any constant works; only the tests that change the shared settings row take it.
const SETTINGS_LOCK = 8_008_001;

/**
 * Runs `work` while no other test file changes the settings table: test files run in
 * parallel against one database, and the redaction list is one row for all of them.
 */
export async function withSettingsLock<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [SETTINGS_LOCK]);
    return await work();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [SETTINGS_LOCK]).catch(() => undefined);
    client.release();
  }
}
