import { expect, test, type Page } from "@playwright/test";
import { callGateway, signIn, signUpWithKey, uniqueEmail } from "./helpers.ts";

// Issue 8's path from a spike to its cause: the graph's red segment → that day's failures →
// the failing call's detail, where the upstream's own error body says what was wrong. Once on
// a desktop and once on a phone; neither page may grow wider than the screen.

const SHOTS = "test-results/screenshots";
const password = "correct horse battery";

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test.describe.serial("from a spike to the failing call", () => {
  const email = uniqueEmail("debug");

  test("set up: one good call and one the upstream rejects", async ({ page }) => {
    const key = await signUpWithKey(page, email, "debugging", password);
    const paths = ["BTC", "DOGEZZ"].map((symbol) => `/v2/price?symbol=${symbol}&api_key=${key}`);
    const headers = { authorization: `Bearer ${key}`, "user-agent": "tollgate-e2e" };
    expect(await callGateway(email, paths, headers)).toEqual([200, 400]);
  });

  for (const viewport of [
    { name: "desktop", width: 1280, height: 900 },
    { name: "phone", width: 390, height: 844 },
  ]) {
    test(`graph → failures → detail with the upstream's error body (${viewport.name})`, async ({ page }) => {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await signIn(page, email, password);
      const today = new Date().toISOString().slice(0, 10);
      // One day of traffic: each percentile is a dot (a one-point line would draw nothing).
      await expect(page.getByTestId("latency-chart").locator(".recharts-line-dot")).toHaveCount(3);
      await page.screenshot({ path: `${SHOTS}/overview-${viewport.width}.png`, fullPage: true });
      await page
        .getByTestId("daily-calls-chart")
        .locator(".recharts-bar")
        .nth(1)
        .locator(".recharts-bar-rectangle")
        .last()
        .click();
      await expect(page).toHaveURL(`/logs?status=failed&from=${today}&to=${today}`);
      const calls = page.getByTestId(viewport.width < 640 ? "call-card" : "call-row");
      await expect(calls).toHaveCount(1);
      await expect(calls.first()).toContainText("/v2/price");
      await expect(calls.first()).toContainText("400");
      await noSidewaysScroll(page);
      await page.screenshot({ path: `${SHOTS}/failures-${viewport.width}.png`, fullPage: true });
      await calls.first().getByRole("link").first().click();

      await expect(page.getByRole("heading", { name: "Call detail" })).toBeVisible();
      // The query is kept, its secret parameter redacted.
      await expect(page.getByTestId("request-line")).toHaveText(
        "GET /v2/price?symbol=DOGEZZ&api_key=[REDACTED]",
      );
      // The upstream's own message, explained and in its body.
      await expect(page.getByTestId("call-explanation")).toContainText(
        'The upstream says: “Unknown symbol "DOGEZZ"',
      );
      await expect(page.getByTestId("response-body")).toContainText('Unknown symbol "DOGEZZ"');
      await expect(page.getByRole("table", { name: "request headers" })).toContainText("tollgate-e2e");
      await expect(page.getByRole("table", { name: "request headers" })).toContainText("[REDACTED]");
      await expect(page.getByTestId("timing-bar")).toContainText("Upstream, until its headers");
      await expect(page.getByRole("button", { name: "Copy as curl" })).toBeVisible();
      await expect(page.getByRole("link", { name: "Calls like this" })).toHaveAttribute(
        "href",
        "/logs?status=400&endpoint=%2Fv2%2Fprice",
      );
      await noSidewaysScroll(page);
      await page.screenshot({ path: `${SHOTS}/call-detail-${viewport.width}.png`, fullPage: true });
    });
  }
});
