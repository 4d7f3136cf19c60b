import { afterAll, inject } from "vitest";
import { openDatabase, installDatabase, type Database } from "./client.ts";

/**
 * For integration tests: the run's real PostgreSQL (lib/db/test-global-setup.ts),
 * installed as the process-wide database. Tests isolate themselves by creating
 * their own users (unique emails), never by truncating shared tables.
 */
export function testDatabase(): Database & { url: string } {
  const url = inject("databaseUrl");
  const database = openDatabase(url, 20);
  installDatabase(database);
  afterAll(async () => {
    await database.prisma.$disconnect();
    await database.pool.end();
  });
  return { ...database, url };
}
