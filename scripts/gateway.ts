// Runs only the gateway, against DATABASE_URL: for scaling out (several gateway
// instances behind a balancer + one `npm start` for the dashboard). SIGTERM / SIGINT
// stop accepting, finish in-flight calls and write every record before exiting (SPEC §7).
import pg from "pg";
import { migrate } from "../lib/db/migrate.ts";
import { ConfigError, env } from "../lib/env.ts";
import { startGateway } from "../lib/gateway/server.ts";

async function main() {
  const config = env();
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      "Invalid DATABASE_URL: scripts/gateway.ts needs the shared database (`npm start` runs everything on one machine)",
    );
  }
  // Safe with several instances starting together: migrations run under an advisory lock.
  await migrate(config.DATABASE_URL);
  // A plain pg pool: the gateway speaks SQL only, and not loading Prisma keeps its heap small.
  const database = { pool: new pg.Pool({ connectionString: config.DATABASE_URL, max: 20 }) };
  // An idle client losing its connection (database restart) must not crash the process.
  database.pool.on("error", () => undefined);
  // Without UPSTREAM_URL, forward to the sample API that `npm start` runs.
  const upstreamUrl = config.UPSTREAM_URL ?? `http://localhost:${config.SAMPLE_API_PORT}`;
  const gateway = await startGateway({ ...config, upstreamUrl }, database, {
    drainMs: config.SHUTDOWN_DRAIN_MS,
  });
  console.log(`gateway listening on ${gateway.url} -> ${upstreamUrl} (pid ${process.pid})`);

  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: finishing in-flight calls and writing records…`);
      void gateway
        .close()
        .then(() => database.pool.end())
        .then(() => {
          console.log("gateway stopped");
          process.exit(0);
        })
        .catch((error: unknown) => {
          console.error(error instanceof Error ? error.message : String(error));
          process.exit(1);
        });
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
