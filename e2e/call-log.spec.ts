import { expect, test } from "@playwright/test";
import { callGateway, signUpWithKey, uniqueEmail } from "./helpers.ts";

// The call log as a debugger uses it: a shared link that survives signing in, and the log on
// a phone (one card per call, the filters folded away).

const SHOTS = "test-results/screenshots";
const password = "correct horse battery";

test.describe.serial("call log", () => {
  const email = uniqueEmail("call-log");

  test("a shared link opened signed out comes back after signing in", async ({ page }) => {
    const key = await signUpWithKey(page, email, "phone", password);
    const paths = ["/v2/price?symbol=BTC", "/v2/price?symbol=DOGEZZ", "/status/503", "/v2/tokens"];
    expect(await callGateway(email, paths, { "x-api-key": key })).toEqual([200, 400, 503, 200]);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);

    await page.goto("/logs?status=400,503");
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/logs\?status=400%2C503$|\/logs\?status=400,503$/);
    await expect(page.getByLabel("Status")).toHaveValue("400,503");
    await expect(page.getByTestId("call-row")).toHaveCount(2);

    // Used once: the next sign-in goes to the overview again.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/$/);
  });

  test("on a phone each call is a card and the filters fold behind a button", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/$/);

    await page.goto("/logs?method=GET");
    const cards = page.getByTestId("call-card");
    await expect(cards).toHaveCount(4);
    await expect(page.getByTestId("call-row").first()).toBeHidden();
    // Status, result, latency and time are all on screen, without scrolling sideways.
    const failed = cards.filter({ hasText: "/status/503" });
    await expect(failed).toContainText("503");
    await expect(failed).toContainText("Failure");
    await expect(failed).toContainText(/\d+ ms/);
    await expect(failed.locator("time")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    const toggle = page.getByRole("button", { name: "Filters (1)" });
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByLabel("Status")).toBeHidden();
    await page.screenshot({ path: `${SHOTS}/logs-390.png`, fullPage: true });
    await toggle.click();
    await page.getByLabel("Status").fill("failed");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/status=failed/);
    await expect(cards).toHaveCount(2);
    await expect(page.getByRole("button", { name: "Filters (2)" })).toBeVisible();
  });
});
