import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { gatewayUrl, signIn, signUp, tollgate, uniqueEmail } from "./helpers.ts";

const PASSWORD = "correct horse battery";

test("an admin changes a user's plan and edits a plan's rate limit", async ({ page }) => {
  // Four CLI runs (each a Node start plus a database connection) come before the browser work.
  test.setTimeout(120_000);
  const adminEmail = uniqueEmail("admin");
  await tollgate("users", "create", "--email", adminEmail, "--password", PASSWORD, "--admin");
  const memberEmail = uniqueEmail("member");
  await tollgate("users", "create", "--email", memberEmail, "--password", PASSWORD, "--name", "Member");
  // A plan of this test's own, so other specs keep the seeded limits.
  const slug = `e2e-${randomUUID().slice(0, 8)}`;
  await tollgate("plans", "set", "--slug", slug, "--name", "Scratch", "--rpm", "5", "--monthly", "500");

  await signIn(page, adminEmail);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Admin", exact: true })).toBeVisible();

  // Users table: the member's row with plan, usage against the quota, and the admin badge on the admin.
  const memberRow = page.getByRole("row").filter({ hasText: memberEmail });
  await expect(memberRow).toContainText("Member");
  await expect(memberRow).toContainText("0 / 1,000");
  await expect(page.getByRole("row").filter({ hasText: adminEmail })).toContainText("Admin");

  const select = page.getByRole("combobox", { name: `Plan for ${memberEmail}` });
  await expect(select).toHaveValue("free");
  await select.selectOption("basic");
  await page.getByRole("button", { name: `Save plan for ${memberEmail}` }).click();
  await expect(memberRow.getByText("Saved")).toBeVisible();
  await expect(memberRow).toContainText("0 / 20,000");
  await page.reload();
  await expect(page.getByRole("combobox", { name: `Plan for ${memberEmail}` })).toHaveValue("basic");

  // Plans: a bad value gets a field error; a good one is saved.
  const plan = page.getByRole("form", { name: `Plan ${slug}` });
  await plan.getByLabel("Requests per minute").fill("0");
  await plan.getByRole("button", { name: "Save plan" }).click();
  await expect(plan.getByText("Requests per minute must be at least 1")).toBeVisible();
  await plan.getByLabel("Requests per minute").fill("42");
  await plan.getByRole("button", { name: "Save plan" }).click();
  await expect(plan.getByText("Saved Scratch")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/admin.png", fullPage: true });
  await page.reload();
  await expect(
    page.getByRole("form", { name: `Plan ${slug}` }).getByLabel("Requests per minute"),
  ).toHaveValue("42");

  // The CLI sees the same data the page changed.
  const plans = await tollgate<Array<{ slug: string; rpm: number }>>("plans", "list");
  expect(plans.find((p) => p.slug === slug)?.rpm).toBe(42);
});

test("a non-admin gets 404 at /admin and no Admin link", async ({ page }) => {
  // Someone else is first (and so admin) even when this test runs alone on a fresh database.
  await tollgate("users", "create", "--email", uniqueEmail("first"), "--password", PASSWORD);
  await signUp(page, uniqueEmail("plain"));
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }),
  ).toHaveCount(0);
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(404);
  await expect(page.getByText("Users", { exact: true })).toHaveCount(0);
});

/** Signs up a fresh admin (via the CLI) and a member, and signs the admin in. */
async function adminAndMember(page: Page): Promise<{ adminEmail: string; memberEmail: string }> {
  const adminEmail = uniqueEmail("admin");
  await tollgate("users", "create", "--email", adminEmail, "--password", PASSWORD, "--admin");
  const memberEmail = uniqueEmail("member");
  await tollgate("users", "create", "--email", memberEmail, "--password", PASSWORD, "--name", "Mia Member");
  await signIn(page, adminEmail);
  return { adminEmail, memberEmail };
}

test("an admin searches users, opens one, suspends, unsuspends, promotes and deletes it", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const { adminEmail, memberEmail } = await adminAndMember(page);
  // The member signs in elsewhere and has a working key.
  const { key } = await tollgate<{ key: string }>(
    "keys",
    "create",
    "--email",
    memberEmail,
    "--name",
    "Member key",
  );
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signIn(memberPage, memberEmail);
  const call = () => fetch(`${gatewayUrl}/v2/tokens`, { headers: { "x-api-key": key } });
  expect((await call()).status).toBe(200);

  // Search by a piece of the name, in another case; the URL keeps the search.
  await page.goto("/admin");
  await page
    .getByRole("searchbox", { name: "Search users" })
    .fill(memberEmail.split("@")[0]?.toUpperCase() ?? "");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/admin\?q=/);
  await expect(page.getByText(/^1 account matching/)).toBeVisible();
  await page.getByRole("link", { name: memberEmail }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(memberEmail);
  await expect(page.getByRole("table", { name: "API keys of this account" })).toContainText("Member key");

  // Suspend: the gateway refuses the key within a second and the member's session ends.
  await page.getByRole("button", { name: "Suspend account" }).click();
  await expect(page.getByRole("status").getByText(`${memberEmail} is suspended`)).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Suspended");
  await expect
    .poll(
      async () => {
        const res = await call();
        return res.status === 403
          ? ((await res.json()) as { error: { code: string } }).error.code
          : res.status;
      },
      { timeout: 3_000 },
    )
    .toBe("account_suspended");
  await memberPage.goto("/keys");
  await expect(memberPage).toHaveURL(/\/sign-in/);
  await memberContext.close();

  await page.getByRole("button", { name: "Unsuspend account" }).click();
  await expect(page.getByRole("status").getByText(`${memberEmail} is active again`)).toBeVisible();
  // Accepted again: 200, or 429 since the free plan's one call a minute went before the suspension.
  await expect.poll(async () => (await call()).status, { timeout: 3_000 }).not.toBe(403);
  expect([200, 429]).toContain((await call()).status);

  await page.getByRole("button", { name: "Make admin" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Admin");
  await page.getByRole("button", { name: "Remove admin" }).click();
  await expect(page.getByRole("button", { name: "Make admin" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/admin-user.png", fullPage: true });

  // Delete asks for the email again.
  await page.getByRole("button", { name: "Delete account" }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${memberEmail}?` });
  await dialog.getByRole("button", { name: "Delete account" }).click();
  await expect(
    dialog.getByText("Type the account's email to confirm", { exact: false }).last(),
  ).toBeVisible();
  await dialog.getByLabel("Type the account's email to confirm").fill(memberEmail);
  await dialog.getByRole("button", { name: "Delete account" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("link", { name: memberEmail })).toHaveCount(0);
  // A deleted account's key is refused within the 1 s key changes take to reach the gateway.
  await expect.poll(async () => (await call()).status, { timeout: 3_000 }).toBe(401);

  // Your own account cannot be demoted, suspended or deleted from here.
  await page.goto("/admin?q=" + encodeURIComponent(adminEmail));
  await page.getByRole("link", { name: adminEmail }).click();
  await expect(page.getByRole("button", { name: "Remove admin" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Suspend account" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Delete account" })).toBeDisabled();
});

test("an admin creates a plan, cannot delete it while in use, then deletes it", async ({ page }) => {
  test.setTimeout(120_000);
  const { memberEmail } = await adminAndMember(page);
  const slug = `e2e-${randomUUID().slice(0, 8)}`;
  await page.goto("/admin");
  const form = page.getByRole("form", { name: "New plan" });
  await form.getByLabel("Slug").fill("Bad Slug!");
  await form.getByRole("button", { name: "Create plan" }).click();
  await expect(form.getByText("Use 1–40 lowercase letters, digits or dashes")).toBeVisible();
  await form.getByLabel("Slug").fill(slug);
  await form.getByLabel("Name").fill("Team");
  await form.getByLabel("Requests per minute").fill("30");
  await form.getByLabel("Monthly quota (calls)").fill("3000");
  await form.getByRole("button", { name: "Create plan" }).click();
  await expect(page.getByRole("form", { name: `Plan ${slug}` })).toBeVisible();
  await expect(form.getByLabel("Slug")).toHaveValue("");

  // Move the member onto it: now it cannot be deleted.
  await page.getByRole("combobox", { name: `Plan for ${memberEmail}` }).selectOption(slug);
  await page.getByRole("button", { name: `Save plan for ${memberEmail}` }).click();
  await expect(page.getByRole("row").filter({ hasText: memberEmail })).toContainText("0 / 3,000");
  await page.getByRole("button", { name: `Delete plan ${slug}` }).click();
  let dialog = page.getByRole("dialog", { name: "Delete plan “Team”?" });
  await expect(dialog).toContainText("1 account is on this plan");
  await dialog.getByRole("button", { name: "Delete plan" }).click();
  await expect(dialog.getByText(`Plan "${slug}" has 1 account on it`)).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("combobox", { name: `Plan for ${memberEmail}` }).selectOption("free");
  await page.getByRole("button", { name: `Save plan for ${memberEmail}` }).click();
  await expect(page.getByRole("row").filter({ hasText: memberEmail })).toContainText("0 / 1,000");
  await page.reload();
  await page.getByRole("button", { name: `Delete plan ${slug}` }).click();
  dialog = page.getByRole("dialog", { name: "Delete plan “Team”?" });
  await expect(dialog).toContainText("No account is on this plan");
  await dialog.getByRole("button", { name: "Delete plan" }).click();
  await expect(page.getByRole("form", { name: `Plan ${slug}` })).toHaveCount(0);
});

test("on a phone the admin pages fit: users as cards, the nav's Admin tab in view", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const { memberEmail } = await adminAndMember(page);
  await page.goto("/admin");
  const admin = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" });
  await expect(admin).toBeInViewport({ ratio: 1 });
  const cards = page.getByRole("list", { name: "Users" });
  await expect(cards).toBeVisible();
  await expect(page.getByRole("table", { name: "Users" })).toBeHidden();
  const card = cards.getByRole("listitem").filter({ hasText: memberEmail });
  await expect(card.getByRole("combobox", { name: `Plan for ${memberEmail}` })).toBeInViewport();
  await expect(card.getByRole("button", { name: `Save plan for ${memberEmail}` })).toBeInViewport();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/screenshots/admin-phone.png", fullPage: true });

  await card.getByRole("link", { name: memberEmail }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(memberEmail);
  await expect(page.getByRole("button", { name: "Suspend account" })).toBeInViewport();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/screenshots/admin-user-phone.png", fullPage: true });
});
