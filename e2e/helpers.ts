import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, type Page } from "@playwright/test";
import { Agent, setGlobalDispatcher } from "undici";

// The specs' fetch() calls drop idle sockets after 1 s. With the default, a socket idle for
// about the gateway's keep-alive timeout (65 s, e.g. while a long spec drives the browser)
// could be reused just as the gateway closed it: "other side closed", seen under load.
setGlobalDispatcher(new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 }));

/** The gateway URL of the server Playwright started (see playwright.config.ts). */
export const gatewayUrl = process.env.E2E_GATEWAY_URL ?? "http://localhost:3101";

let counter = 0;

/** A fresh, unique email per call so specs never share accounts. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${Date.now()}-${counter}@example.com`;
}

/**
 * Signs up through the form, then signs in (sign-up always ends on the sign-in page, so it
 * does not reveal whether the email was new) and waits for the overview.
 */
export async function signUp(
  page: Page,
  email = uniqueEmail(),
  password = "correct horse battery",
): Promise<string> {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/sign-in\?signed-up=1$/);
  await signIn(page, email, password);
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

/** Runs the operator CLI against the e2e server's data folder and returns its --json output. */
export async function tollgate<T = unknown>(...args: string[]): Promise<T> {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set (see playwright.config.ts)");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["scripts/tollgate.mjs", ...args, "--json"],
    {
      env: { ...process.env, DATA_DIR: dataDir },
    },
  );
  return JSON.parse(stdout) as T;
}

/**
 * A new account on the basic plan, signed in on `page`, with one API key (returned): the
 * start of every spec that follows real gateway calls into the dashboard.
 */
export async function signUpWithKey(
  page: Page,
  email: string,
  keyName: string,
  password?: string,
): Promise<string> {
  await signUp(page, email, password);
  await tollgate("users", "set-plan", "--email", email, "--plan", "basic");
  const { key } = await tollgate<{ key: string }>("keys", "create", "--email", email, "--name", keyName);
  return key;
}

/**
 * Calls the gateway once per path, in order (with `x-api-key` unless other headers are given),
 * waits until the account's log holds that many calls (records are written within ~2 s) and
 * returns the statuses.
 */
export async function callGateway(
  email: string,
  paths: string[],
  headers: Record<string, string>,
): Promise<number[]> {
  const statuses: number[] = [];
  for (const path of paths) {
    const response = await fetch(`${gatewayUrl}${path}`, { headers });
    statuses.push(response.status);
    await response.body?.cancel();
  }
  await expect
    .poll(async () => (await tollgate<unknown[]>("logs", "--email", email)).length, { timeout: 20_000 })
    .toBeGreaterThanOrEqual(paths.length);
  return statuses;
}
