import { expect, test } from "@playwright/test";
import { gatewayUrl, signIn, tollgate, uniqueEmail } from "./helpers.ts";

const PASSWORD = "correct horse battery";

test("an admin adds a redacted query parameter and the gateway stops storing its value", async ({ page }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("capture-admin");
  await tollgate("users", "create", "--email", email, "--password", PASSWORD, "--admin");
  const { key } = await tollgate<{ key: string }>("keys", "create", "--email", email, "--name", "capture");

  await signIn(page, email);
  await page.goto("/admin");
  const card = page.getByRole("form", { name: "Call capture" });
  await expect(card).toContainText("CAPTURE_BODIES = errors");
  await expect(card).toContainText("first 16 KB of each body");
  await expect(card).toContainText("7 days");
  const list = card.getByLabel("Redacted query parameters");
  await expect(list).toHaveValue(/api_key/);

  // A bad name gets a field error and nothing is saved.
  const before = await list.inputValue();
  await list.fill(`${before}, a&b`);
  await card.getByRole("button", { name: "Save list" }).click();
  await expect(card.getByText("A parameter name cannot contain spaces, &, = or #")).toBeVisible();

  await list.fill(`${before}, Session_ID`);
  await card.getByRole("button", { name: "Save list" }).click();
  await expect(card.getByText(/^Saved \d+ names/)).toBeVisible();
  await page.reload();
  await expect(
    page.getByRole("form", { name: "Call capture" }).getByLabel("Redacted query parameters"),
  ).toHaveValue(/session_id/);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // The gateway reads the list every few seconds: calls made after that store the value redacted.
  await expect
    .poll(
      async () => {
        const res = await fetch(`${gatewayUrl}/v2/price?symbol=BTC&session_id=abc123`, {
          headers: { "x-api-key": key },
        });
        await res.text();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const rows = await tollgate<Array<{ query: string }>>("logs", "--email", email, "--limit", "1");
        return rows[0]?.query;
      },
      { timeout: 30_000, intervals: [500] },
    )
    .toBe("symbol=BTC&session_id=[REDACTED]");
});
