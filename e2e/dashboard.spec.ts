import fs from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { gatewayUrl, signIn, signUp, tollgate, uniqueEmail } from "./helpers.ts";

// The usage dashboard end to end (README, "The dashboard"): empty state, overview with seeded traffic,
// drill-down from the graph to the call log, filters in the URL, keyset pages, row detail,
// CSV export, bad filters, and a real gateway call showing up in the log.

const SHOTS = "test-results/screenshots";
const password = "correct horse battery";

/** The status codes shown in the call log table, in order. */
async function statuses(page: Page): Promise<number[]> {
  const rows = page.getByTestId("call-row");
  const texts = await rows.locator("td:nth-child(4)").allInnerTexts();
  return texts.map((text) => Number(text.trim()));
}

/**
 * The UTC day of the account's newest failed or successful call: the day of the chart's last
 * segment of that kind. Usually today, but not in the first hours of a UTC day, before the
 * seeded traffic has any calls of that kind today.
 */
async function newestDay(email: string, status: "failed" | "success"): Promise<string> {
  const [newest] = await tollgate<{ createdAt: string }[]>(
    "logs",
    "--email",
    email,
    "--status",
    status,
    "--limit",
    "1",
  );
  if (!newest) throw new Error(`no ${status} calls`);
  return newest.createdAt.slice(0, 10);
}

async function firstRowHref(page: Page): Promise<string | null> {
  return page.getByTestId("call-row").first().getByRole("link").getAttribute("href");
}

test.describe.serial("usage dashboard", () => {
  const email = uniqueEmail("dashboard");
  let seededCalls = 0;

  test("a new user sees how to start, then their seeded traffic", async ({ page }) => {
    await signUp(page, email, password);
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page.getByTestId("quota-usage")).toHaveText("0 / 1,000 calls");
    await expect(page.getByRole("link", { name: "Create an API key" }).first()).toHaveAttribute(
      "href",
      "/keys",
    );
    await expect(page.getByTestId("curl-line")).toContainText(`${gatewayUrl}/v2/price?symbol=BTC`);
    await page.screenshot({ path: `${SHOTS}/overview-empty.png`, fullPage: true });

    await tollgate("users", "set-plan", "--email", email, "--plan", "basic");
    const seeded = await tollgate<{ calls: number; keys: { id: string; name: string }[] }>(
      "demo",
      "seed",
      "--email",
      email,
    );
    expect(seeded.calls).toBeGreaterThan(1_000);
    seededCalls = seeded.calls;
    const usage = await tollgate<{ used: number; limit: number }>("usage", "--email", email);

    await page.reload();
    await expect(page.getByTestId("quota-usage")).toHaveText(
      `${usage.used.toLocaleString("en-US")} / 20,000 calls`,
    );
    await expect(page.getByRole("progressbar", { name: "Monthly quota used" })).toBeVisible();
    await expect(page.getByText(/Resets Dec 1, 00:00 UTC|Resets \w{3} 1, 00:00 UTC/)).toBeVisible();
    await expect(page.getByText("60 requests/min · 20,000 calls/month")).toBeVisible();
    await expect(
      page.getByTestId("daily-calls-chart").locator(".recharts-bar-rectangle").first(),
    ).toBeVisible();
    await expect(page.getByRole("heading", { name: "Most failing endpoints" })).toBeVisible();
    await expect(page.getByText("Unused 30 days")).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(page.getByTestId("quota-usage")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/overview-390.png`, fullPage: true });
  });

  test("the graph's red segment opens that UTC day's failures, the green one its successes", async ({
    page,
  }) => {
    await signIn(page, email, password);
    const chart = page.getByTestId("daily-calls-chart");
    const day = await newestDay(email, "failed");
    // The last segment of each series: the newest day with calls of that kind.
    const failed = chart.locator(".recharts-bar").nth(1).locator(".recharts-bar-rectangle").last();
    await failed.hover();
    await expect(chart.getByText(/successful/)).toBeVisible();
    await failed.click();
    await expect(page).toHaveURL(`/logs?status=failed&from=${day}&to=${day}`);
    await expect(page.getByRole("heading", { name: "API call statistics" })).toBeVisible();
    await expect(page.getByTestId("call-row").first()).toBeVisible();
    const rows = await page.getByTestId("call-row").count();
    expect((await statuses(page)).every((status) => status >= 400)).toBe(true);
    const times = await page
      .getByTestId("call-row")
      .locator("time")
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute("datetime") ?? ""));
    // One time per row, so the check below cannot pass on an empty list.
    expect(rows).toBeGreaterThan(0);
    expect(times).toHaveLength(rows);
    expect(times.filter((time) => !time.startsWith(day))).toEqual([]);

    await page.goto("/");
    const successDay = await newestDay(email, "success");
    await chart.locator(".recharts-bar").nth(0).locator(".recharts-bar-rectangle").last().click();
    await expect(page).toHaveURL(`/logs?status=success&from=${successDay}&to=${successDay}`);
    await expect(page.getByTestId("call-row").first()).toBeVisible();
    expect((await statuses(page)).every((status) => status < 400)).toBe(true);
  });

  test("filters change the rows and the URL; pages are stable; a row opens its detail", async ({
    page,
    browser,
    baseURL,
  }) => {
    await signIn(page, email, password);
    await page.goto("/logs");
    await expect(page.getByTestId("call-row")).toHaveCount(50);
    await page.screenshot({ path: `${SHOTS}/logs.png`, fullPage: true });

    // Keyset pagination: Older, then Newer comes back to the same rows.
    const newest = await firstRowHref(page);
    await page.getByRole("link", { name: "Older" }).click();
    await expect(page).toHaveURL(/cursor=o\./);
    await expect(page.getByTestId("call-row")).toHaveCount(50);
    expect(await firstRowHref(page)).not.toBe(newest);
    await page.getByRole("link", { name: "Newer" }).click();
    await expect(page).toHaveURL(/cursor=n\./);
    await expect.poll(() => firstRowHref(page)).toBe(newest);

    // Status class filter.
    await page.goto("/logs");
    await page.getByLabel("Status").fill("5xx");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/[?&]status=5xx/);
    await expect(page.getByTestId("call-row").first()).toBeVisible();
    expect((await statuses(page)).every((status) => status >= 500 && status < 600)).toBe(true);

    // Endpoint on top of it.
    await page.getByLabel("Endpoint").fill("/v1/chat/completions");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/endpoint=%2Fv1%2Fchat%2Fcompletions/);
    await expect(page.getByTestId("call-row").first()).toBeVisible();
    const paths = await page.getByTestId("call-row").getByRole("link").allInnerTexts();
    expect(new Set(paths)).toEqual(new Set(["/v1/chat/completions"]));
    expect((await statuses(page)).every((status) => status >= 500)).toBe(true);

    // The detail of a failed call explains it.
    await page.getByTestId("call-row").first().getByRole("link").click();
    await expect(page).toHaveURL(/\/logs\/\d+\?/);
    await expect(page.getByRole("heading", { name: "Call detail" })).toBeVisible();
    for (const label of ["Request ID", "Upstream", "Sizes", "User agent", "IP address"]) {
      await expect(page.getByText(label, { exact: true })).toBeVisible();
    }
    await expect(page.getByTestId("call-explanation")).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/call-detail.png`, fullPage: true });
    const detailUrl = page.url();
    await page.getByRole("link", { name: "Back to the call log" }).click();
    await expect(page).toHaveURL(/status=5xx&endpoint=/);

    // Someone else asking for this call by id gets a 404, not the call.
    const other = await browser.newContext({ baseURL });
    const stranger = await other.newPage();
    await signUp(stranger, uniqueEmail("stranger"), password);
    const response = await stranger.goto(detailUrl);
    expect(response?.status()).toBe(404);
    await expect(stranger.getByText("Request ID")).toHaveCount(0);
    await other.close();
  });

  test("CSV export downloads the filtered view", async ({ page, browser, baseURL }) => {
    await signIn(page, email, password);
    const expected = await tollgate<unknown[]>(
      "logs",
      "--email",
      email,
      "--status",
      "5xx",
      "--limit",
      "1000",
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(1_000);
    await page.goto("/logs?status=5xx");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^tollgate-calls-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await fs.readFile(await download.path(), "utf8");
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines[0]).toBe(
      "timestamp,request_id,method,endpoint,query,status,result,outcome,error_code,latency_ms,upstream_latency_ms,request_bytes,response_bytes,ip,key_id,key,user_agent",
    );
    expect(lines).toHaveLength(expected.length + 1);
    expect(lines.slice(1).every((line) => /,5\d\d,failure,(upstream_error|completed),/.test(line))).toBe(
      true,
    );

    // The whole unfiltered history, too.
    const all = await page.request.get("/api/calls/export");
    expect(all.headers()["content-disposition"]).toMatch(/^attachment; filename=/);
    expect((await all.text()).split("\r\n").filter(Boolean)).toHaveLength(seededCalls + 1);
    // Signed out: no data.
    const anonymous = await browser.newContext({ baseURL });
    expect((await anonymous.request.get("/api/calls/export")).status()).toBe(401);
    await anonymous.close();
  });

  test("bad filters get a clear message, never an error page", async ({ page }) => {
    await signIn(page, email, password);
    const cases: [string, string][] = [
      [
        "status=abc",
        "Status must be failed, success, 2xx, 4xx, 5xx, a code such as 404, or a list like 429,503",
      ],
      // A forged page link (out of bigint range: used to be a 500).
      ["cursor=o.1.9999999999999999999", "This page link is not valid (any more)"],
      [`q=${"x".repeat(10_000)}`, "Search is too long (at most 200 characters)"],
      ["error=teapot", "Error code must be one of missing_api_key"],
      ["method=G%20T", "Method must be an HTTP method such as GET or POST"],
      ["endpoint=/v2/%00", "Endpoint must be a path starting with /"],
      ["from=2026-11-20&to=2026-11-01", "“From” must be before “To”"],
      [`endpoint=/${"a".repeat(10_000)}`, "Endpoint is too long (at most 512 characters)"],
      ["ip=not-an-ip", "IP address must look like 203.0.113.7 or 2001:db8::1"],
    ];
    for (const [query, message] of cases) {
      const response = await page.goto(`/logs?${query}`);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole("alert").filter({ hasText: "These filters cannot be used" })).toContainText(
        message,
      );
      await expect(page.getByTestId("call-row")).toHaveCount(0);
    }
    expect((await page.request.get("/api/calls/export?status=abc")).status()).toBe(400);
    expect((await page.request.get("/api/calls/export?cursor=o.1.9999999999999999999")).status()).toBe(400);
    // Invalid UTF-8 in a path: read as a path with a replacement character, which matches nothing.
    for (const url of ["/logs?endpoint=/v2/%FF%FE", "/logs?q=%C3%28"]) {
      const response = await page.goto(url);
      expect(response?.status(), url).toBe(200);
      await expect(page.getByText("No calls match these filters.")).toBeVisible();
    }
    expect((await page.goto("/logs/%FF"))?.status()).toBe(404);
  });

  test("a call through the gateway appears in the log", async ({ page }) => {
    await signIn(page, email, password);
    const created = await tollgate<{ key: string; name: string }>(
      "keys",
      "create",
      "--email",
      email,
      "--name",
      "e2e gateway",
    );
    const response = await fetch(`${gatewayUrl}/v2/price?symbol=ETH`, {
      headers: { authorization: `Bearer ${created.key}`, "user-agent": "tollgate-e2e" },
    });
    await response.body?.cancel();
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toBeTruthy();

    await page.goto("/logs");
    await page.getByLabel("Auto-refresh (5 s)").check();
    const row = page.getByTestId("call-row").first();
    // Recorded within 2 s (docs/gateway.md#what-is-recorded), shown by the next 5-second auto-refresh; margin for a busy CI machine.
    await expect(row).toContainText("e2e gateway", { timeout: 20_000 });
    await expect(row).toContainText("/v2/price");
    await row.getByRole("link").click();
    await expect(page.getByText(requestId ?? "missing").first()).toBeVisible();
    await expect(page.getByText("tollgate-e2e")).toBeVisible();
  });
});
