import { expect, test } from "@playwright/test";
import { gatewayUrl, signUp } from "./helpers.ts";

// The whole product in one pass, as a new developer meets it: sign up, create a key, call the
// API through the gateway, then find those calls in the log, the quota bar and the graph.
test("a new developer's first calls show up in the log, the quota bar and the graph", async ({ page }) => {
  await signUp(page);
  await expect(page.getByRole("link", { name: "Create an API key" }).first()).toBeVisible();

  await page.goto("/keys");
  await page.getByRole("button", { name: "Create your first key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await dialog.getByLabel("Name").fill("Journey");
  await dialog.getByRole("button", { name: "Create key" }).click();
  const key = await dialog.getByLabel(/Your new key/).inputValue();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Journey" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/keys.png", fullPage: true });

  // New accounts are on `free`: 1 call a minute, 1,000 a month.
  const first = await fetch(`${gatewayUrl}/v2/price?symbol=BTC`, { headers: { "x-api-key": key } });
  expect(first.status).toBe(200);
  expect(first.headers.get("x-quota-limit")).toBe("1000");
  expect(first.headers.get("x-quota-remaining")).toBe("999");
  expect(((await first.json()) as { symbol?: string }).symbol).toBe("BTC");

  const second = await fetch(`${gatewayUrl}/v2/price?symbol=ETH`, { headers: { "x-api-key": key } });
  expect(second.status).toBe(429);
  expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
  const refused = (await second.json()) as { error: { code: string; request_id: string } };
  expect(refused.error.code).toBe("rate_limited");
  expect(refused.error.request_id).toBe(second.headers.get("x-request-id"));

  // Both calls are in the log within seconds: the success and the refused one.
  await page.goto("/logs");
  const rows = page.getByTestId("call-row");
  await expect
    .poll(
      async () => {
        await page.reload();
        return rows.count();
      },
      { timeout: 15_000 },
    )
    .toBe(2);
  await expect(rows.nth(0)).toContainText("429");
  await expect(rows.nth(0)).toContainText("Failure");
  await expect(rows.nth(1)).toContainText("200");
  await expect(rows.nth(1)).toContainText("Success");
  await rows.nth(0).getByRole("link").click();
  await expect(page.getByText(refused.error.request_id).first()).toBeVisible();
  await expect(page.getByText("rate_limited").first()).toBeVisible();

  // Only the forwarded call counts against the quota; the graph shows both, one failed.
  await page.goto("/");
  await expect(page.getByText("1 / 1,000 calls")).toBeVisible();
  await page.getByText("Show as a list").click();
  await expect(page.getByRole("link", { name: /: 2 calls$/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "1 failed", exact: true })).toBeVisible();
});
