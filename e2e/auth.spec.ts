import { randomUUID } from "node:crypto";
import http, { type IncomingHttpHeaders, type RequestOptions } from "node:http";
import { expect, test, type Page } from "@playwright/test";
import { signIn, signUp, tollgate, uniqueEmail } from "./helpers.ts";

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

test("sign-up explains a bad email, a short or common password, and does not reveal a taken email", async ({
  page,
}) => {
  await page.goto("/sign-up");
  await expect(page.getByText("At least 10 characters, and not a common password.")).toBeVisible();
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("12345678");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address, like you@example.com")).toBeVisible();
  await expect(page.getByText("Use at least 10 characters")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: "test-results/screenshots/sign-up-errors.png", fullPage: true });

  await page.getByLabel("Email").fill(uniqueEmail("common"));
  await page.getByLabel("Password").fill("1234567890");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("This password is one of the most common ones; choose another")).toBeVisible();

  // A taken email (any case, stray spaces) ends exactly like a new one: on sign-in, same words.
  const taken = await signUp(page, uniqueEmail("taken"));
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  const answers: string[] = [];
  for (const email of [`  ${taken.toUpperCase()} `, uniqueEmail("fresh")]) {
    await page.goto("/sign-up");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("another long password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/sign-in\?signed-up=1$/);
    answers.push(await page.getByRole("main").innerText());
  }
  expect(answers[0]).toContain("Thanks for signing up. Sign in with the email and password you just chose.");
  expect(answers[0]).toBe(answers[1]);
  // The existing account kept its password.
  await signIn(page, taken, PASSWORD);
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

test("after sign-out the old session cookie opens neither /keys nor the CSV export", async ({
  page,
  browser,
}) => {
  const email = await signUp(page, uniqueEmail("revoke"));
  const cookies = await page.context().cookies();
  expect(cookies.filter((c) => c.name.endsWith("authjs.session-token"))).toHaveLength(1);
  expect((await page.request.get("/api/calls/export")).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  // Someone who copied the cookie before the sign-out replays it.
  const replay = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  await replay.addCookies(cookies);
  const stolen = await replay.newPage();
  await stolen.goto("/keys");
  await expect(stolen).toHaveURL(/\/sign-in$/);
  expect((await replay.request.get("/api/calls/export")).status()).toBe(401);
  await replay.close();

  // Signing in again opens a fresh session that works.
  await signIn(page, email, PASSWORD);
  expect((await page.request.get("/api/calls/export")).status()).toBe(200);
});

type Answer = { status: number; headers: IncomingHttpHeaders; body: string };

/** One HTTP request to the dashboard from a chosen loopback address (127.0.0.0/8 is all ours). */
function fromAddress(
  localAddress: string,
  path: string,
  options: RequestOptions = {},
  body = "",
): Promise<Answer> {
  const base = new URL(test.info().project.use.baseURL ?? "");
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: base.port, path, localAddress, ...options },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** One credentials sign-in posted straight to next-auth from `from`, as a script would. */
async function postSignIn(from: string, email: string, password: string, forwardedFor: string) {
  const csrf = await fromAddress(from, "/api/auth/csrf");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const cookie = (csrf.headers["set-cookie"] ?? []).map((line) => line.split(";")[0]).join("; ");
  const answer = await fromAddress(
    from,
    "/api/auth/callback/credentials",
    {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie,
        "x-forwarded-for": forwardedFor,
      },
    },
    new URLSearchParams({ email, password, csrfToken }).toString(),
  );
  return { status: answer.status, location: answer.headers.location ?? "" };
}

test("the sign-in throttle counts the socket's address, not what X-Forwarded-For claims", async ({
  page,
}) => {
  const victim = await signUp(page, uniqueEmail("victim"));
  // An attacker at 127.0.0.77 fails 30 times, each time claiming to be the victim's 127.0.0.78.
  for (let i = 0; i < 30; i++) {
    const attempt = await postSignIn(
      "127.0.0.77",
      `spray-${i}-${randomUUID()}@example.com`,
      "guess",
      "127.0.0.78",
    );
    expect(attempt.status).toBe(302);
    expect(attempt.location).toContain("error=CredentialsSignin");
  }
  // A new made-up address does not give the attacker a fresh allowance...
  const rotated = await postSignIn(
    "127.0.0.77",
    `spray-x-${randomUUID()}@example.com`,
    "guess",
    "198.51.100.99",
  );
  expect(rotated.status).toBe(429);
  // ...and the victim, at the address the attacker named, signs in.
  const real = await postSignIn("127.0.0.78", victim, PASSWORD, "127.0.0.78");
  expect(real.status).toBe(302);
  expect(real.location).not.toContain("error");
});

const SECURITY_HEADERS = {
  "content-security-policy": /frame-ancestors 'none'/,
  "x-content-type-options": /^nosniff$/,
  "referrer-policy": /^strict-origin-when-cross-origin$/,
};

/** Collects every Content-Security-Policy violation the page reports. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|securitypolicyviolation/i.test(message.text()))
      violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `securitypolicyviolation ${event.violatedDirective} ${event.blockedURI} on ${location.pathname} from ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  return violations;
}

test("every dashboard response carries the security headers, and the pages run under the CSP", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const documents: string[] = [];
  page.on("response", (response) => {
    const headers = response.headers();
    for (const [name, pattern] of Object.entries(SECURITY_HEADERS)) {
      if (!pattern.test(headers[name] ?? "")) documents.push(`${response.url()} ${name}: ${headers[name]}`);
    }
  });
  const violations = await watchCsp(page);

  // A seeded account, so the overview draws its recharts graph.
  const email = `csp-${randomUUID()}@example.com`;
  await tollgate("demo", "seed", "--email", email, "--password", PASSWORD, "--days", "5");
  await signIn(page, email, PASSWORD);
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await page.goto("/keys");
  await page
    .getByRole("button", { name: /create/i })
    .first()
    .click();
  await page.keyboard.press("Escape");
  await page.goto("/logs");
  await expect(page.getByTestId("call-row").first()).toBeVisible();
  await page.getByTestId("call-row").first().getByRole("link").click();
  await page.goto("/sign-up");
  expect(violations).toEqual([]);
  expect(documents).toEqual([]);

  // Redirects, API answers, 404s and static files too; HSTS only when a TLS proxy says https.
  for (const path of [
    "/sign-in",
    "/keys",
    "/api/calls/export",
    "/api/auth/session",
    "/no-such-page",
    "/favicon.ico",
  ]) {
    const response = await request.get(path, { maxRedirects: 0 });
    for (const [name, pattern] of Object.entries(SECURITY_HEADERS)) {
      expect(response.headers()[name], `${path} ${name}`).toMatch(pattern);
    }
    expect(response.headers()["strict-transport-security"], path).toBeUndefined();
  }
  const https = await request.get("/sign-in", { headers: { "x-forwarded-proto": "https" } });
  expect(https.headers()["strict-transport-security"]).toMatch(/^max-age=\d{7,}/);
});
