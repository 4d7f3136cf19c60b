// `npm run gateway`: only the gateway, against DATABASE_URL (no dashboard, no embedded
// database), for scaling out: several instances behind a load balancer, sharing limits
// through REDIS_URL. SIGTERM / SIGINT stop accepting, finish in-flight calls and write
// every record before exiting.
import pg from "pg";
import { migrate } from "../lib/db/migrate.ts";
import { ConfigError, env } from "../lib/env.ts";
import { startGateway } from "../lib/gateway/server.ts";
import { createLogger } from "../lib/log.ts";

// Plain text until the configuration (LOG_FORMAT) is known to be valid.
let logger = createLogger("text", "tollgate-gateway");

async function main() {
  const config = env();
  logger = createLogger(config.LOG_FORMAT, "tollgate-gateway");
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      "Invalid DATABASE_URL: `npm run gateway` needs the shared database (`npm start` runs everything on one machine)",
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
    log: logger.warn,
  });
  logger.info(`gateway listening on ${gateway.url} -> ${upstreamUrl} (pid ${process.pid})`);
  if (gateway.metricsUrl) logger.info(`metrics on ${gateway.metricsUrl}`);

  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal}: finishing in-flight calls and writing records…`);
      void gateway
        .close()
        .then(() => database.pool.end())
        .then(() => {
          logger.info("gateway stopped");
          process.exit(0);
        })
        .catch((error: unknown) => {
          logger.error(error instanceof Error ? error.message : String(error));
          process.exit(1);
        });
    });
  }
}

main().catch((error: unknown) => {
  logger.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
