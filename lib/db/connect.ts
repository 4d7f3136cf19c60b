import type { Env } from "../env.ts";
import { startEmbeddedPostgres } from "./embedded.ts";
import { migrate } from "./migrate.ts";

/**
 * The database for this process: DATABASE_URL when set, otherwise the embedded
 * PostgreSQL under DATA_DIR (started, or reused if another Tollgate process runs it).
 * Pending migrations are applied before it is returned.
 */
export async function connectDatabase(config: Env): Promise<{ url: string; stop: () => Promise<void> }> {
  const database = config.DATABASE_URL
    ? { url: config.DATABASE_URL, stop: () => Promise.resolve() }
    : await startEmbeddedPostgres(config.dataDir);
  try {
    await migrate(database.url);
  } catch (error) {
    await database.stop();
    throw error;
  }
  return database;
}
