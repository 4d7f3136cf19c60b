import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { signIn, signUp, tollgate, uniqueEmail } from "./helpers.ts";

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

  // On a phone the page does not scroll sideways (the users table scrolls inside its card).
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-results/screenshots/admin-phone.png", fullPage: true });

  // The CLI sees the same data the page changed.
  const plans = (await tollgate("plans", "list")) as Array<{ slug: string; rpm: number }>;
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
