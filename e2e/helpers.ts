import { expect, type Page } from "@playwright/test";

/** The gateway URL of the server Playwright started (see playwright.config.ts). */
export const gatewayUrl = process.env.E2E_GATEWAY_URL ?? "http://localhost:3101";

let counter = 0;

/** A fresh, unique email per call so specs never share accounts. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${Date.now()}-${counter}@example.com`;
}

/** Signs up through the form and waits for the overview. */
export async function signUp(
  page: Page,
  email = uniqueEmail(),
  password = "correct horse battery",
): Promise<string> {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/$/);
  return email;
}

/** Signs in through the form and waits for the overview. */
export async function signIn(page: Page, email: string, password = "correct horse battery"): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}
