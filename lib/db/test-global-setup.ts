import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "./embedded.ts";
import { migrate } from "./migrate.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dataDir: string;
  }
}

/** One real, freshly migrated PostgreSQL for the whole unit + integration run. */
export default async function setup(project: TestProject) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-test-"));
  const database = await startEmbeddedPostgres(dataDir);
  await migrate(database.url);
  project.provide("databaseUrl", database.url);
  project.provide("dataDir", dataDir);
  return async () => {
    await database.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
