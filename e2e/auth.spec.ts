import { expect, test } from "@playwright/test";
import { signIn, signUp, uniqueEmail } from "./helpers.ts";

const PASSWORD = "correct horse battery";

test("sign up, land on the overview, sign out, sign in again", async ({ page }) => {
  await page.goto("/sign-up");
  await page.screenshot({ path: "test-results/screenshots/sign-up.png", fullPage: true });
  const email = await signUp(page, uniqueEmail("auth"));
  await expect(page.getByRole("heading", { name: "Overview" }).first()).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }),
  ).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.screenshot({ path: "test-results/screenshots/sign-in.png", fullPage: true });
  // Signed out, the dashboard is out of reach again.
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);

  // The email is matched case-insensitively, as typed on a phone.
  await signIn(page, email.toUpperCase(), PASSWORD);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  // A signed-in visitor of the auth pages is sent to the overview.
  await page.goto("/sign-in");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/sign-up");
  await expect(page).toHaveURL(/\/$/);
});

test("a wrong password shows an error and keeps the email", async ({ page }) => {
  const email = await signUp(page, uniqueEmail("wrong"));
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel("Email")).toHaveValue(email);
});

test("sign-up explains a bad email, a short password and a taken email", async ({ page }) => {
  await page.goto("/sign-up");
  await expect(page.getByText("At least 8 characters.")).toBeVisible();
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address, like you@example.com")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: "test-results/screenshots/sign-up-errors.png", fullPage: true });

  const taken = await signUp(page, uniqueEmail("taken"));
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(`  ${taken.toUpperCase()} `);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
});

test("signed-out visits to dashboard pages go to sign-in", async ({ page }) => {
  for (const path of ["/", "/keys", "/logs", "/admin"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/sign-in$/);
  }
});

test("repeated failed sign-ins are throttled, in the form and at the sign-in route", async ({
  page,
  request,
}) => {
  const email = await signUp(page, uniqueEmail("throttle"));
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  // Each attempt waits for the server's answer, so the form is never filled while it resets.
  const attempt = async (password: string) => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await Promise.all([
      page.waitForResponse((response) => response.request().method() === "POST"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    // The form resets (clearing the password) once the answer is rendered.
    await expect(page.getByLabel("Password")).toHaveValue("");
  };
  for (let i = 0; i < 5; i++) {
    await attempt(`wrong guess ${i}`);
    await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password." })).toBeVisible();
  }
  // Now even the right password is refused until the window passes.
  await attempt(PASSWORD);
  await expect(
    page.getByRole("alert").filter({ hasText: /Too many attempts, try again in 1[45] minutes/ }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);

  const direct = await request.post("/api/auth/callback/credentials", {
    form: { email, password: PASSWORD },
    maxRedirects: 0,
  });
  expect(direct.status()).toBe(429);
  expect(Number(direct.headers()["retry-after"])).toBeGreaterThan(60);
});

test("the header fits a 390px phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, uniqueEmail("phone"));
  await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport();
  const header = page.getByRole("banner");
  expect(await header.evaluate((element) => element.scrollWidth)).toBeLessThanOrEqual(390);
  // Every nav link is reachable (the row scrolls sideways if it must).
  for (const name of ["Overview", "API keys", "Call log"]) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).scrollIntoViewIfNeeded();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name })).toBeInViewport();
  }
  await page.screenshot({ path: "test-results/screenshots/header-phone.png" });
});

test("the pages follow the system's dark mode", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/sign-in");
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe("rgb(11, 11, 14)");
  await page.screenshot({ path: "test-results/screenshots/sign-in-dark.png", fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(
    "rgb(247, 247, 248)",
  );
});
