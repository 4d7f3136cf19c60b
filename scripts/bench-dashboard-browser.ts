// The real-browser half of `npm run bench:dashboard`: a production build of the dashboard,
// started the way `npm start` starts it, against the bench's database; Chromium (Playwright)
// signs in as the loaded account and times each navigation from the click until the new
// page's content is visible. Steps, not the page's own timers, so the figure is what a
// person waits for: the server render, the RSC payload, React's commit and the charts.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chromium, type Page } from "@playwright/test";
import { cpuMs, postgresCpuMs } from "./proc-stats.ts";

/**
 * One timed navigation: total from the click, and where it went when the page fetched its
 * RSC payload: click → request sent, the request itself (server render + transfer), the rest
 * (the browser rendering the new page).
 */
export type BrowserSample = {
  total: number;
  /**
   * CPU time used meanwhile (ms, from /proc in 10 ms ticks) by Chromium's processes, the app's
   * and PostgreSQL's: load-robust where `total` is not.
   */
  cpu: { browser: number; app: number; db: number };
  request: { wait: number; server: number } | null;
};

/** A step's samples over every cycle (Older has five per cycle). */
export type BrowserSteps = Map<string, BrowserSample[]>;

export type BrowserBenchOptions = {
  databaseUrl: string;
  /** The embedded PostgreSQL's folder (its CPU is read from /proc). */
  databaseDir: string;
  email: string;
  password: string;
  /** Dashboard on this port, gateway and sample API on the next two. */
  portBase: number;
  cycles: number;
  log: (message: string) => void;
};

const nextBin = path.resolve("node_modules/next/dist/bin/next");

/** `next build` and the compiled start script, as `npm run build` and `npm start` do them. */
export function buildApp(log: (message: string) => void): void {
  log("next build (production) and scripts/build-server.mjs");
  for (const args of [[nextBin, "build"], ["scripts/build-server.mjs"]]) {
    const result = spawnSync(process.execPath, args, {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (result.status !== 0) throw new Error(`${args.join(" ")} failed`);
  }
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the dashboard exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the dashboard did not answer at ${url} within 2 minutes`);
}

/** `npm start`'s process (dist/scripts/start.js) on the bench database; stopped with SIGTERM. */
async function startApp(
  options: BrowserBenchOptions,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  if (!existsSync("dist/scripts/start.js")) throw new Error("dist/scripts/start.js missing: build first");
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-bench-app-"));
  const url = `http://127.0.0.1:${options.portBase}`;
  const child = spawn(process.execPath, ["--enable-source-maps", "dist/scripts/start.js"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: dataDir,
      PORT: String(options.portBase),
      GATEWAY_PORT: String(options.portBase + 1),
      SAMPLE_API_PORT: String(options.portBase + 2),
      HOSTNAME: "127.0.0.1",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForServer(`${url}/sign-in`, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? 0, stop };
}

/** A process and all its descendants (the app: start.js, and the Next server it spawned). */
async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
  return tree;
}

/** Chromium's processes (browser, renderers, GPU, network), all children of this one. */
async function chromiumPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await processTree(process.pid)) {
    const name = await fs.readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
    if (name.startsWith("chrom")) pids.push(pid);
  }
  return pids;
}

/** The processes whose CPU each step counts. */
type Meters = { browserPids: number[]; appPids: number[]; databaseDir: string };

async function sumCpu(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) total += await cpuMs(pid);
  return total;
}

async function cpuNow(meters: Meters): Promise<{ browser: number; app: number; db: number }> {
  return {
    browser: await sumCpu(meters.browserPids),
    app: await sumCpu(meters.appPids),
    db: await postgresCpuMs(meters.databaseDir),
  };
}

type BenchWindow = Window & { benchClickAt?: number };

/** What a new page shows once it is there (checked in the page on every frame). */
type Ready = {
  h1?: string;
  path?: string;
  /** Each must be in the document and laid out. */
  visible: string[];
  /** The log's first row must link somewhere else than this (a new page of calls). */
  notFirstRow?: string;
};

/**
 * Runs in the page (its source is sent, so no named inner functions: tsx would wrap them in a
 * helper the page lacks): the time the content is there, or false.
 */
function pageReady(ready: Ready): number | false {
  if (ready.h1 !== undefined && document.querySelector("h1")?.textContent !== ready.h1) return false;
  if (ready.path !== undefined && location.pathname !== ready.path) return false;
  for (const selector of ready.visible) {
    const element = document.querySelector(selector);
    // Laid out and shown (SVG too: the chart's bars are <path>s, which have no offsetParent).
    if (!element || element.getClientRects().length === 0) return false;
  }
  const firstRow = document.querySelector('[data-testid="call-row"] a')?.getAttribute("href");
  if (ready.notFirstRow !== undefined && firstRow === ready.notFirstRow) return false;
  return performance.now();
}

/**
 * Clicks, then times in the page itself: from the click event's timestamp to the first
 * animation frame in which the new content is in the document and laid out (checked on
 * every frame, so the figure is not rounded up to a polling interval). The server's share
 * is the Resource Timing entry of the page's RSC request (`?_rsc=`) made after the click.
 */
async function timed(
  page: Page,
  meters: Meters,
  click: () => Promise<void>,
  ready: Ready,
): Promise<BrowserSample> {
  const cpuBefore = await cpuNow(meters);
  await page.evaluate(() => {
    const win = window as BenchWindow;
    win.benchClickAt = undefined;
    // The buffer holds 250 entries by default; the call log's links fill it in a few pages.
    performance.clearResourceTimings();
    performance.setResourceTimingBufferSize(10_000);
    // No named inner functions here: tsx would wrap them in a helper the page does not have.
    document.addEventListener("click", (event) => (win.benchClickAt = event.timeStamp), {
      capture: true,
      once: true,
    });
  });
  await click();
  const readyAt = Number(
    await (await page.waitForFunction(pageReady, ready, { polling: "raf" })).jsonValue(),
  );
  const cpuAfter = await cpuNow(meters);
  // The RSC response can finish streaming after its content is shown; wait for its entry.
  const timing = await page
    .waitForFunction(
      () => {
        const clickAt = (window as BenchWindow).benchClickAt ?? 0;
        const rsc = performance
          .getEntriesByType("resource")
          .filter((entry) => entry.name.includes("_rsc=") && entry.startTime >= clickAt);
        const first = rsc[0] as PerformanceResourceTiming | undefined;
        return first
          ? {
              clickAt,
              wait: first.startTime - clickAt,
              server: first.responseEnd - first.startTime,
            }
          : false;
      },
      undefined,
      { polling: 50, timeout: 2_000 },
    )
    .then(async (handle) => (await handle.jsonValue()) || null)
    .catch(() => null);
  const clickAt = timing
    ? timing.clickAt
    : await page.evaluate(() => (window as BenchWindow).benchClickAt ?? 0);
  return {
    total: readyAt - clickAt,
    cpu: {
      browser: cpuAfter.browser - cpuBefore.browser,
      app: cpuAfter.app - cpuBefore.app,
      db: cpuAfter.db - cpuBefore.db,
    },
    request: timing ? { wait: timing.wait, server: timing.server } : null,
  };
}

const overviewReady: Ready = {
  h1: "Overview",
  visible: [
    '[data-testid="daily-calls-chart"] .recharts-bar-rectangle',
    'table[aria-label="Failures by endpoint and status"]',
  ],
};
const logReady = (notFirstRow = ""): Ready => ({
  path: "/logs",
  visible: ['[data-testid="call-row"]'],
  notFirstRow,
});
const detailReady: Ready = { h1: "Call detail", visible: ['[data-testid="request-line"]'] };
const keysReady: Ready = { h1: "API keys", visible: [] };

/** The first call's detail link on the current log page (changes when the page does). */
async function firstCallHref(page: Page): Promise<string> {
  return (await page.getByTestId("call-row").first().getByRole("link").first().getAttribute("href")) ?? "";
}

/** One cycle through the dashboard; every step is a click a person makes. */
async function cycle(
  page: Page,
  meters: Meters,
  record: (step: string, sample: BrowserSample) => void,
): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Main" });
  record(
    "Overview (from the keys page)",
    await timed(page, meters, () => nav.getByRole("link", { name: "Overview" }).click(), overviewReady),
  );
  record(
    "Call log, first page",
    await timed(page, meters, () => nav.getByRole("link", { name: "Call log" }).click(), logReady()),
  );

  await page.getByLabel("Status").fill("failed");
  record(
    "Filtered log (Apply filters: status=failed)",
    await timed(
      page,
      meters,
      () => page.getByRole("button", { name: "Apply filters" }).click(),
      logReady(await firstCallHref(page)),
    ),
  );
  const older = page.getByRole("navigation", { name: "Pagination" }).getByRole("link", { name: "Older" });
  for (let i = 0; i < 5; i++) {
    record(
      "Older (five times in a row, filtered)",
      await timed(page, meters, () => older.click(), logReady(await firstCallHref(page))),
    );
  }

  const firstCall = page.getByTestId("call-row").first().getByRole("link").first();
  record("Call detail (a failed call)", await timed(page, meters, () => firstCall.click(), detailReady));
  record(
    "API keys",
    await timed(page, meters, () => nav.getByRole("link", { name: "API keys" }).click(), keysReady),
  );
}

/**
 * Starts the app, signs in and runs one warm-up cycle then `cycles` timed ones. Returns the
 * samples per step, in the order the steps are taken.
 */
export async function benchBrowser(
  options: BrowserBenchOptions,
): Promise<{ steps: BrowserSteps; pollingCpuPerSecond: number }> {
  const app = await startApp(options);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
    await page.goto(`${app.url}/sign-in`);
    await page.getByLabel("Email").fill(options.email);
    await page.getByLabel("Password").fill(options.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/`);
    // The time-zone cookie re-renders the first page once; start from a settled keys page.
    await page.waitForLoadState("networkidle");
    await page.goto(`${app.url}/keys`);
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();

    const meters: Meters = {
      browserPids: await chromiumPids(),
      appPids: await processTree(app.pid),
      databaseDir: options.databaseDir,
    };
    const steps: BrowserSteps = new Map();
    try {
      await cycle(page, meters, () => undefined);
      options.log("browser: warm-up cycle done");
      for (let i = 0; i < options.cycles; i++) {
        await cycle(page, meters, (step, sample) => steps.set(step, [...(steps.get(step) ?? []), sample]));
      }
    } catch (error) {
      // What the page showed when a step never finished, for the report and whoever reads it.
      const shot = path.join(os.tmpdir(), `bench-dashboard-failure-${Date.now()}.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
      const seen = await page
        .evaluate(() => ({
          url: location.href,
          h1: document.querySelector("h1")?.textContent ?? null,
          bars: document.querySelectorAll('[data-testid="daily-calls-chart"] .recharts-bar-rectangle').length,
          failures: document.querySelector('table[aria-label="Failures by endpoint and status"]') !== null,
          rows: document.querySelectorAll('[data-testid="call-row"]').length,
        }))
        .catch(() => null);
      throw new Error(
        `${error instanceof Error ? error.message.split("\n")[0] : String(error)}; page: ${JSON.stringify(seen)}; screenshot ${shot}`,
      );
    }
    options.log(`browser: ${options.cycles} cycles done`);
    // What the per-frame check alone costs: one second of it on a page that does not change.
    const before = await cpuNow(meters);
    await page
      .waitForFunction(() => false, undefined, { polling: "raf", timeout: 1_000 })
      .catch(() => undefined);
    const after = await cpuNow(meters);
    return { steps, pollingCpuPerSecond: after.browser - before.browser };
  } finally {
    await browser.close();
    await app.stop();
  }
}
