import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { gatewayUrl, signIn, signUp, tollgate, uniqueEmail } from "./helpers.ts";

// axe on every page, in light and dark, at desktop and phone width; any violation fails.

const MODES = [
  { name: "light", colorScheme: "light", width: 1280, height: 800 },
  { name: "dark", colorScheme: "dark", width: 1280, height: 800 },
  { name: "phone light", colorScheme: "light", width: 390, height: 844 },
  { name: "phone dark", colorScheme: "dark", width: 390, height: 844 },
] as const;

type Account = { email: string; userId: string; callPath: string; newcomer: string };
let account: Account | undefined;

/** One admin with a key and a recorded call, made once for all modes. */
async function setUp(page: Page): Promise<Account> {
  if (account) return account;
  const email = uniqueEmail("a11y");
  const user = await tollgate<{ id: string }>(
    "users",
    "create",
    "--email",
    email,
    "--password",
    "correct horse battery",
    "--admin",
  );
  const { key } = await tollgate<{ key: string }>("keys", "create", "--email", email, "--name", "Axe");
  // And an account with no key and no call yet: the pages' empty states.
  const newcomer = uniqueEmail("a11y-new");
  await tollgate("users", "create", "--email", newcomer, "--password", "correct horse battery");
  // A success and a failure, so the log shows both result badges.
  for (const path of ["/v2/tokens", "/v2/price?symbol=NOPE"]) {
    const answered = await fetch(`${gatewayUrl}${path}`, { headers: { "x-api-key": key } });
    await answered.body?.cancel();
  }
  await signIn(page, email);
  let callPath = "";
  await expect
    .poll(
      async () => {
        await page.goto("/logs");
        callPath =
          // A table row on a wide screen, a card on a phone.
          (await page
            .getByTestId(/^call-(row|card)$/)
            .filter({ visible: true })
            .first()
            .getByRole("link")
            .first()
            .getAttribute("href")
            .catch(() => null)) ?? "";
        return callPath;
      },
      { timeout: 10_000 },
    )
    .toMatch(/^\/logs\/\d+/);
  account = { email, userId: user.id, callPath, newcomer };
  return account;
}

async function expectNoViolations(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(500);
  await page.waitForLoadState("networkidle");
  await expectAxeClean(page, path);
}

/** Opens a dialog with the button named `open` (after `fill`, if given), checks it, closes it. */
async function expectDialogNoViolations(page: Page, open: string, fill?: (dialog: Locator) => Promise<void>) {
  await page.getByRole("button", { name: open, exact: true }).filter({ visible: true }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await fill?.(dialog);
  await expectAxeClean(page, `${page.url()} with the "${open}" dialog`);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
}

async function expectAxeClean(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => ({
    page: label,
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`),
  }));
  expect.soft(found, `axe on ${label}`).toEqual([]);
}

for (const mode of MODES) {
  test(`every page passes axe (${mode.name})`, async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({
      colorScheme: mode.colorScheme,
      viewport: { width: mode.width, height: mode.height },
    });
    const page = await context.newPage();
    // Signed out first.
    for (const path of ["/sign-in", "/sign-up"]) await expectNoViolations(page, path);
    const { email, userId, callPath, newcomer } = await setUp(page);
    await page.goto("/");
    if (page.url().includes("/sign-in")) await signIn(page, email);
    for (const path of [
      "/",
      "/keys",
      "/logs",
      // Invalid filters: the alert, and on a phone the filter form open.
      "/logs?status=nope&from=yesterday",
      callPath,
      "/admin",
      `/admin/users/${userId}`,
      "/logs/999999999999",
      "/no-such-page",
    ]) {
      await expectNoViolations(page, path);
    }
    // The dialogs, open (the create dialog showing a field error).
    await expectNoViolations(page, "/keys");
    await expectDialogNoViolations(page, "Create key", async (dialog) => {
      await dialog.getByRole("button", { name: "Create key" }).click();
      await expect(dialog.getByText("Enter a name")).toBeVisible();
    });
    await expectDialogNoViolations(page, "Roll key Axe");
    await expectDialogNoViolations(page, "Delete key Axe");
    await expectNoViolations(page, "/admin");
    await expectDialogNoViolations(page, "Delete plan basic");
    await context.clearCookies();
    await signIn(page, newcomer);
    for (const path of ["/", "/keys", "/logs"]) await expectNoViolations(page, path);
    await context.close();
  });
}

test("unknown pages and calls get the branded 404", async ({ page }) => {
  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Nothing here" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Tollgate" })).toBeVisible();
  await signUp(page);
  const call = await page.goto("/logs/999999999999");
  expect(call?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Nothing here" })).toBeVisible();
  // Inside the dashboard's own frame: its navigation stays.
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});

test("pages name a favicon, app icons and an Open Graph image, all served", async ({ page, request }) => {
  await page.goto("/sign-in");
  const hrefs = await page
    .locator(
      'link[rel="icon"], link[rel="apple-touch-icon"], link[rel="manifest"], meta[property="og:image"]',
    )
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("href") ?? n.getAttribute("content") ?? ""));
  const paths = hrefs.map((href) => new URL(href, page.url()).pathname);
  expect(paths).toEqual(
    expect.arrayContaining([
      "/favicon.ico",
      "/icon.svg",
      "/apple-touch-icon.png",
      "/manifest.webmanifest",
      "/og.png",
    ]),
  );
  for (const path of [...paths, "/icon-192.png", "/icon-512.png"]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect((await response.body()).length, path).toBeGreaterThan(100);
  }
});
