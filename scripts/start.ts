// `npm start` (and `npm run dev` with --dev): database, migrations, dashboard, gateway
// and sample API, with a clean shutdown on Ctrl-C / SIGTERM (SPEC §2, §7).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { authSecret } from "../lib/auth/secret.ts";
import { openDatabase } from "../lib/db/client.ts";
import { connectDatabase } from "../lib/db/connect.ts";
import { ConfigError, env } from "../lib/env.ts";
import { startGateway } from "../lib/gateway/server.ts";
import { takeLock } from "../lib/lock.ts";
import { startSampleApi } from "../lib/sample-api/server.ts";

const dev = process.argv.includes("--dev");
const nextBin = path.resolve("node_modules/next/dist/bin/next");

async function main() {
  const config = env();
  await fs.mkdir(config.dataDir, { recursive: true });
  const releaseLock = await takeLock(config.dataDir);
  const cleanups: Array<() => Promise<unknown>> = [releaseLock];
  const shutdown = async (code: number) => {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: Error) => console.error(error.message));
    process.exit(code);
  };
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
    const gateway = await startGateway({ ...config, upstreamUrl }, pools);
    cleanups.push(gateway.close);

    const dashboard = spawn(
      process.execPath,
      [nextBin, dev ? "dev" : "start", "-p", String(config.PORT), "-H", config.HOSTNAME],
      {
        stdio: ["ignore", "inherit", "inherit"],
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          AUTH_SECRET: await authSecret(config.dataDir, config.AUTH_SECRET),
          AUTH_TRUST_HOST: "true",
          GATEWAY_URL: gateway.url,
          NEXT_TELEMETRY_DISABLED: "1",
        },
      },
    );
    cleanups.push(() => stopChild(dashboard));
    dashboard.once("exit", (code) => {
      console.error(`The dashboard exited (code ${code}); shutting down.`);
      void shutdown(1);
    });

    console.log(`
Tollgate is running
  dashboard   http://localhost:${config.PORT}
  gateway     ${gateway.url}
  upstream    ${upstreamUrl}${config.UPSTREAM_URL ? "" : "  (sample API)"}
  data        ${config.DATABASE_URL ? "external PostgreSQL (DATABASE_URL)" : config.dataDir}
`);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        console.log(`\n${signal}: stopping (finishing in-flight calls, flushing records)…`);
        void shutdown(0);
      });
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await shutdown(1);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
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
