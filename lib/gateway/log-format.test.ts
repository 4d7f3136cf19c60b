import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { startSampleApi, type SampleApi } from "../sample-api/server.ts";
import { freePort } from "./redis-test-server.ts";
import { createAccount, createKey, eventually } from "./test-helpers.ts";

// LOG_FORMAT=json: every line `npm run gateway` writes to stdout is one JSON object with a
// level, a time and a message (for log collectors), including its warnings. Redis is set
// to a port nobody listens on, so a call makes the gateway log its fallback warning.

const root = path.resolve(import.meta.dirname, "../..");
const database = testDatabase();
let upstream: SampleApi;
let dataDir: string;
let child: ChildProcess | undefined;
let stdout = "";
let stderr = "";
let exitCode: number | null = null;

/** The complete lines written so far. */
const stdoutLines = () => stdout.split("\n").filter((line) => line.trim() !== "");

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-log-format-"));
  upstream = await startSampleApi(0, "127.0.0.1");
  child = spawn(process.execPath, ["--import", "tsx", "scripts/gateway.ts"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      UPSTREAM_URL: upstream.url,
      GATEWAY_PORT: String(await freePort()),
      HOSTNAME: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_FORMAT: "json",
    },
  });
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.once("exit", (code) => (exitCode = code));
  await eventually(() => /listening on/.test(stdout) || exitCode !== null, 30_000);
}, 60_000);

afterAll(async () => {
  // Whatever happened above: never leave the gateway running.
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
  await upstream?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("LOG_FORMAT=json", () => {
  it("writes every line as a JSON object with level, time and message, warnings included", async () => {
    const listening = stdoutLines()
      .map((line) => JSON.parse(line) as { msg?: string })
      .find((entry) => entry.msg?.includes("listening on"));
    const url = /listening on (\S+)/.exec(listening?.msg ?? "")?.[1];
    expect(url, `gateway did not start: ${stdout}${stderr}`).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const key = await createKey(database.pool, await createAccount(database.pool));
    const answer = await fetch(`${url}/v2/tokens`, { headers: { authorization: `Bearer ${key.key}` } });
    expect(answer.status).toBe(200);
    await eventually(() => stdout.includes("redis:"), 10_000);

    const stopped = new Promise((resolve) => child?.once("exit", resolve));
    child?.kill("SIGTERM");
    await stopped;
    expect(exitCode).toBe(0);

    const entries = stdoutLines().map((line) => {
      let entry: Record<string, unknown> = {};
      expect(() => (entry = JSON.parse(line) as Record<string, unknown>), line).not.toThrow();
      return entry;
    });
    for (const entry of entries) {
      expect(entry).toMatchObject({
        level: expect.any(Number) as unknown,
        time: expect.any(Number) as unknown,
        msg: expect.any(String) as unknown,
        name: "tollgate-gateway",
      });
    }
    const messages = entries.map((entry) => [entry.level, entry.msg]);
    expect(messages).toContainEqual([
      40,
      expect.stringMatching(/^redis: .*per-instance rate limits/) as unknown,
    ]);
    expect(messages).toContainEqual([30, "gateway stopped"]);
    expect(stderr).toBe("");
  }, 60_000);
});
