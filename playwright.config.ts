import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// Ports and data folder are overridable so parallel runs do not collide.
const base = Number(process.env.E2E_PORT_BASE ?? 3100);
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `tollgate-e2e-${Date.now()}`);
export const e2e = {
  dashboard: `http://localhost:${base}`,
  gateway: `http://localhost:${base + 1}`,
  upstream: `http://localhost:${base + 2}`,
  dataDir,
};
process.env.E2E_GATEWAY_URL = e2e.gateway;
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: e2e.dashboard,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-gpu",
      ],
    },
  },
  webServer: {
    command: "npm start",
    url: `${e2e.dashboard}/sign-in`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    env: {
      PORT: String(base),
      GATEWAY_PORT: String(base + 1),
      SAMPLE_API_PORT: String(base + 2),
      DATA_DIR: dataDir,
      // Every spec signs up from 127.0.0.1; the throttle itself is tested in lib/auth.
      SIGN_UP_LIMIT: "10000",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
