// `npm start` (and `npm run dev` with --dev): database, migrations, dashboard, gateway
// and sample API. Ctrl-C, SIGTERM or SIGHUP (to this process or its whole process group)
// stop it in this order: stop accepting calls, finish the ones in flight (up to
// SHUTDOWN_DRAIN_MS), write every record, stop the dashboard and the sample API, stop the
// embedded PostgreSQL, remove DATA_DIR/tollgate.pid.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { authSecret } from "../lib/auth/secret.ts";
import { openDatabase } from "../lib/db/client.ts";
import { connectDatabase } from "../lib/db/connect.ts";
import { ConfigError, env } from "../lib/env.ts";
import { startGateway } from "../lib/gateway/server.ts";
import { createLogger } from "../lib/log.ts";
import { takeLock } from "../lib/lock.ts";
import { startSampleApi } from "../lib/sample-api/server.ts";

const dev = process.argv.includes("--dev");
const nextBin = path.resolve("node_modules/next/dist/bin/next");
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

async function main() {
  const config = env();
  await fs.mkdir(config.dataDir, { recursive: true });
  const releaseLock = await takeLock(config.dataDir);
  // Run last to first: each service is stopped before the ones it depends on.
  const cleanups: Array<() => Promise<unknown>> = [releaseLock];
  let stopping: Promise<never> | undefined;
  const shutdown = (code: number) =>
    (stopping ??= (async () => {
      for (const cleanup of cleanups.reverse())
        await cleanup().catch((error: Error) => console.error(error.message));
      console.log(code === 0 ? "Tollgate stopped." : "Tollgate stopped after an error.");
      process.exit(code);
    })());
  // `process.on`, not `once`: a signal to the process group arrives more than once (npm and
  // tsx relay it), and with no listener left Node would exit on the spot.
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (stopping) return;
      console.log(`\n${signal}: stopping (finishing in-flight calls, writing records)…`);
      void shutdown(0);
    });
  }
  try {
    const database = await connectDatabase(config);
    cleanups.push(database.stop);
    const pools = openDatabase(database.url, 20);
    cleanups.push(() => pools.pool.end());

    if (!dev && !existsSync(path.join(config.NEXT_DIST_DIR, "BUILD_ID"))) {
      console.log("No build found: running `next build` once (about a minute)…");
      const build = spawnSync(process.execPath, [nextBin, "build"], {
        stdio: "inherit",
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      });
      if (build.status !== 0) throw new Error("next build failed");
    }

    let upstreamUrl = config.UPSTREAM_URL;
    if (!upstreamUrl) {
      const sample = await startSampleApi(config.SAMPLE_API_PORT);
      cleanups.push(sample.close);
      upstreamUrl = sample.url;
    }
    const secret = await authSecret(config.dataDir, config.AUTH_SECRET);
    const gateway = await startGateway({ ...config, upstreamUrl }, pools, {
      drainMs: config.SHUTDOWN_DRAIN_MS,
      log: createLogger(config.LOG_FORMAT, "tollgate-gateway").warn,
    });
    const dashboard = spawn(
      process.execPath,
      [nextBin, dev ? "dev" : "start", "-p", String(config.PORT), "-H", config.HOSTNAME],
      {
        stdio: ["ignore", "inherit", "inherit"],
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          AUTH_SECRET: secret,
          AUTH_TRUST_HOST: "true",
          GATEWAY_URL: gateway.url,
          NEXT_TELEMETRY_DISABLED: "1",
        },
      },
    );
    cleanups.push(() => stopChild(dashboard));
    // Pushed after the dashboard so it runs before it: calls drain and records are written first.
    cleanups.push(gateway.close);
    dashboard.once("exit", (code, signal) => {
      if (stopping) return;
      // A signal to the whole process group reaches the dashboard too: a stop, not a crash.
      const stopped = code === 0 || (STOP_SIGNALS as readonly (string | null)[]).includes(signal);
      console.error(`The dashboard exited (${signal ?? `code ${code}`}); shutting down.`);
      void shutdown(stopped ? 0 : 1);
    });

    console.log(`
Tollgate is running
  dashboard   http://localhost:${config.PORT}
  gateway     ${gateway.url}
  upstream    ${upstreamUrl}${config.UPSTREAM_URL ? "" : "  (sample API)"}
  data        ${config.DATABASE_URL ? "external PostgreSQL (DATABASE_URL)" : config.dataDir}
`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await shutdown(1);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.removeAllListeners("exit");
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  process.exit(1);
});
