import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { startSampleApi, type SampleApi } from "../sample-api/server.ts";
import { burst, createAccount, createKey } from "./test-helpers.ts";

const database = testDatabase();
let upstream: SampleApi;
let dataDir: string;

beforeAll(async () => {
  // What `npm run gateway` runs: the compiled bundle, built as its pregateway step does.
  execFileSync(process.execPath, ["scripts/build-server.mjs"]);
  upstream = await startSampleApi(0);
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-shutdown-"));
});
afterAll(async () => {
  await upstream.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("npm run gateway (scripts/gateway.ts compiled to dist/)", () => {
  it("on SIGTERM mid-burst finishes in-flight calls and records every answered call", async () => {
    const accounts = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const userId = await createAccount(database.pool, "vip");
        return { userId, key: (await createKey(database.pool, userId)).key };
      }),
    );
    const port = await freePort();
    const child = spawn(process.execPath, ["--enable-source-maps", "dist/scripts/gateway.js"], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        GATEWAY_PORT: String(port),
        HOSTNAME: "127.0.0.1",
        UPSTREAM_URL: upstream.url,
        DATA_DIR: dataDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 30_000);
      child.stdout.on("data", () => {
        if (output.includes("gateway listening")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });

    let answered = 0;
    let refused = 0;
    const url = `http://127.0.0.1:${port}`;
    const results = burst(4000, 48, async (i) => {
      const account = accounts[i % accounts.length]!;
      // Slow calls keep some in flight at the moment the signal lands.
      const target = i % 10 === 0 ? "/delay/300" : "/v2/price?symbol=SOL";
      try {
        const res = await fetch(url + target, { headers: { "x-api-key": account.key } });
        await res.arrayBuffer();
        answered += 1;
        if (answered === 800) child.kill("SIGTERM");
        return res.status;
      } catch {
        refused += 1;
        return 0;
      }
    });
    const statuses = await results;
    expect(await exited).toBe(0);
    expect(output).toContain("gateway stopped");
    expect(answered).toBeGreaterThanOrEqual(800);
    expect(refused).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 0).every((s) => s === 200)).toBe(true);

    const { rows } = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM calls WHERE user_id = ANY($1::uuid[])",
      [accounts.map((a) => a.userId)],
    );
    expect(rows[0]?.n).toBe(answered);
  }, 90_000);
});
