import { defineConfig } from "prisma/config";

// Only `prisma generate` uses this file: migrations are plain SQL applied by
// lib/db/migrate.ts, because the Prisma schema engine cannot be downloaded offline.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
