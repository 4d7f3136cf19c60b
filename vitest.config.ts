import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts", "components/**/*.test.ts", "app/**/*.test.ts"],
    globalSetup: ["lib/db/test-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // A zone far from UTC (+12:45/+13:45, so even the date differs from UTC's most of the
    // day): code that used local time where it means UTC fails here, not only in production.
    // Tests that need another zone set it themselves.
    env: { TZ: "Pacific/Chatham" },
  },
  resolve: { alias: { "@": import.meta.dirname } },
});
