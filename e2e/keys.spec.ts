import { expect, test, type Locator, type Page } from "@playwright/test";
import { gatewayUrl, signUp, tollgate } from "./helpers.ts";

const KEY_FORMAT = /^tg_[0-9A-Za-z]{28}$/;

/** One call through the gateway with `key`; returns the HTTP status. */
async function callGateway(key: string): Promise<number> {
  const response = await fetch(`${gatewayUrl}/v2/price?symbol=BTC`, {
    headers: { authorization: `Bearer ${key}` },
  });
  await response.body?.cancel();
  return response.status;
}

function display(key: string): string {
  return `${key.slice(0, 7)}…${key.slice(-4)}`;
}

/** The table row showing a key, found by its prefix…last4. */
function rowOf(page: Page, key: string): Locator {
  return page.getByRole("row").filter({ hasText: display(key) });
}

async function expectNotOnPage(page: Page, key: string) {
  // The random part alone, so neither the page text nor its payload hides a copy.
  expect(await page.content()).not.toContain(key.slice(3));
}

test("create a key, see it once, copy it, toggle, roll and delete it", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  // The basic plan (60 calls a minute), so every accepted call below must answer 200.
  await tollgate("users", "set-plan", "--email", await signUp(page), "--plan", "basic");
  await page.goto("/keys");

  // The empty state says what to do next.
  await expect(page.getByRole("heading", { name: "No keys yet — create one" })).toBeVisible();
  await expect(page.getByText(`${gatewayUrl}/v2/price?symbol=BTC`)).toBeVisible();

  // Create: the name is validated, then the key is shown once with a copy button.
  await page.getByRole("button", { name: "Create your first key" }).click();
  const create = page.getByRole("dialog", { name: "Create API key" });
  await create.getByRole("button", { name: "Create key" }).click();
  await expect(create.getByText("Enter a name")).toBeVisible();
  await create.getByLabel("Name").fill("  Production  ");
  await create.getByRole("button", { name: "Create key" }).click();
  const revealed = create.getByLabel(/Your new key/);
  await expect(revealed).toHaveValue(KEY_FORMAT);
  const key = await revealed.inputValue();
  await expect(create.getByText("Copy it now — you will not see this key again.")).toBeVisible();
  await create.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(create.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await create.getByRole("button", { name: "Done" }).click();
  await expect(create).toBeHidden();

  // The key works at the gateway.
  expect(await callGateway(key)).toBe(200);

  // After a reload only prefix…last4 is left; "Last used" fills in once the call is recorded.
  await page.reload();
  const row = rowOf(page, key);
  await expect(row).toContainText("Production");
  await expectNotOnPage(page, key);
  await expect
    .poll(
      async () => {
        await page.reload();
        return row.getByRole("cell").nth(3).innerText();
      },
      { timeout: 15_000 },
    )
    .not.toBe("Never");

  // Disable: the switch flips, survives a reload, and the gateway refuses the key.
  const status = row.getByRole("switch", { name: "Key Production active" });
  await expect(status).toBeChecked();
  await status.click();
  await expect(status).not.toBeChecked();
  await expect(status).toHaveAttribute("aria-busy", "false");
  await page.reload();
  await expect(status).not.toBeChecked();
  await expect(row).toContainText("Inactive");
  await expect.poll(() => callGateway(key), { timeout: 2_000 }).toBe(403);

  // Re-enable.
  await status.click();
  await expect(status).toBeChecked();
  await expect(status).toHaveAttribute("aria-busy", "false");
  await page.reload();
  await expect(status).toBeChecked();
  await expect.poll(() => callGateway(key), { timeout: 5_000 }).toBe(200);

  // Roll: the old key stays until the chosen expiry, the new one is shown once.
  await row.getByRole("button", { name: "Roll key Production" }).click();
  const roll = page.getByRole("dialog", { name: "Roll key “Production”" });
  await roll.getByLabel("In 1 hour").check();
  await roll.getByRole("button", { name: "Roll key" }).click();
  const rolledReveal = roll.getByLabel(/Your new key/);
  await expect(rolledReveal).toHaveValue(KEY_FORMAT);
  const newKey = await rolledReveal.inputValue();
  expect(newKey).not.toBe(key);
  await expect(roll.getByText("Copy it now — you will not see this key again.")).toBeVisible();
  await roll.getByRole("button", { name: "Done" }).click();
  await expect(roll).toBeHidden();
  expect(await callGateway(newKey)).toBe(200);

  await page.reload();
  await expectNotOnPage(page, newKey);
  const newRow = rowOf(page, newKey);
  await expect(newRow).toContainText("Production");
  await expect(newRow.getByRole("cell").nth(4)).toHaveText("Never");
  await expect(row.getByRole("cell").nth(4)).not.toHaveText("Never");
  await expect(row.getByRole("cell").nth(4)).not.toHaveText("");

  // Delete the old key: confirm, it disappears, and the gateway refuses it.
  await row.getByRole("button", { name: "Delete key Production" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete key “Production”?" });
  await expect(confirm).toContainText(display(key));
  await confirm.getByRole("button", { name: "Delete key" }).click();
  await expect(row).toHaveCount(0);
  await expect(newRow).toBeVisible();
  await expect.poll(() => callGateway(key), { timeout: 2_000 }).toBe(401);

  // Delete the new one too, cancelling once first: the page is back to its empty state.
  await newRow.getByRole("button", { name: "Delete key Production" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(newRow).toBeVisible();
  await newRow.getByRole("button", { name: "Delete key Production" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete key" }).click();
  await expect(page.getByRole("heading", { name: "No keys yet — create one" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "No keys yet — create one" })).toBeVisible();
});

test("keys work by keyboard on a phone-sized screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page);
  await page.goto("/keys");

  await page.getByRole("button", { name: "Create your first key" }).focus();
  await page.keyboard.press("Enter");
  const create = page.getByRole("dialog", { name: "Create API key" });
  await expect(create.getByLabel("Name")).toBeFocused();
  await page.keyboard.type("Phone");
  await create.getByLabel("Expires").selectOption({ label: "In 30 days" });
  await create.getByLabel("Name").focus();
  await page.keyboard.press("Enter");
  // Focus moves to the new key, selected, ready to copy.
  await expect(create.getByLabel(/Your new key/)).toBeFocused();
  await expect(create.getByLabel(/Your new key/)).toHaveValue(KEY_FORMAT);
  const key = await create.getByLabel(/Your new key/).inputValue();
  await page.keyboard.press("Escape");
  await expect(create).toBeHidden();

  const row = rowOf(page, key);
  await expect(row).toBeVisible();
  await expect(row.getByRole("cell").nth(4)).not.toHaveText("Never");
  // The table scrolls inside its card; the page itself never scrolls sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // A confirmation opens on Cancel, so Enter never deletes by accident.
  await row.getByRole("button", { name: "Delete key Phone" }).click();
  await expect(page.getByRole("dialog").getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(row).toBeVisible();

  // Roll by keyboard, letting the old key stop immediately: the table marks it expired
  // and the gateway refuses it with key_expired.
  await row.getByRole("button", { name: "Roll key Phone" }).focus();
  await page.keyboard.press("Enter");
  const roll = page.getByRole("dialog", { name: "Roll key “Phone”" });
  await expect(roll.getByLabel("In 24 hours")).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  await expect(roll.getByLabel("Immediately")).toBeChecked();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(roll.getByRole("button", { name: "Roll key" })).toBeFocused();
  await page.keyboard.press("Enter");
  const rolledReveal = roll.getByLabel(/Your new key/);
  await expect(rolledReveal).toBeFocused();
  const newKey = await rolledReveal.inputValue();
  await page.keyboard.press("Escape");
  await expect(roll).toBeHidden();
  await expect(row.getByRole("cell").nth(4)).toHaveText("Expired");
  // The expired key's switch is gone rather than claiming "Active".
  await expect(row.getByRole("cell").nth(5)).toHaveText("Stopped");
  await expect(row.getByRole("switch")).toHaveCount(0);
  await expect(rowOf(page, newKey).getByRole("cell").nth(4)).toHaveText("Never");
  const refused = await fetch(`${gatewayUrl}/v2/price?symbol=BTC`, { headers: { "x-api-key": key } });
  expect(refused.status).toBe(401);
  expect(await refused.json()).toMatchObject({ error: { code: "key_expired" } });

  // The switch answers to the keyboard like a button.
  const status = rowOf(page, newKey).getByRole("switch", { name: "Key Phone active" });
  await status.focus();
  await page.keyboard.press("Space");
  await expect(status).not.toBeChecked();
  await expect(status).toHaveAttribute("aria-busy", "false");
  await page.reload();
  await expect(status).not.toBeChecked();
});

test.describe("in the viewer's time zone", () => {
  test.use({ timezoneId: "Asia/Kolkata" });

  test("times are local with a 24-hour clock, the zone is named and UTC is on hover", async ({ page }) => {
    await signUp(page);
    await page.goto("/keys");
    await page.getByRole("button", { name: "Create your first key" }).click();
    const create = page.getByRole("dialog", { name: "Create API key" });
    await create.getByLabel("Name").fill("Zoned");
    await create.getByRole("button", { name: "Create key" }).click();
    await create.getByRole("button", { name: "Done" }).click();

    // Named as the browser names it (Chromium says Asia/Calcutta).
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(zone).toMatch(/^Asia\/(Kolkata|Calcutta)$/);
    const header = page.getByRole("columnheader", { name: /Created/ });
    await expect(header).toHaveText(`Created (${zone}, UTC+5:30)`);
    const created = page
      .getByRole("row")
      .filter({ hasText: "Zoned" })
      .getByRole("cell")
      .nth(2)
      .locator("time");
    const iso = await created.getAttribute("datetime");
    if (!iso) throw new Error("no datetime on the created time");
    const expected = new Intl.DateTimeFormat("en-US", {
      timeZone: "Asia/Kolkata",
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
    await expect(created).toHaveText(expected);
    await expect(created).toHaveAttribute("title", `${iso.slice(0, 19).replace("T", " ")} UTC`);

    // The server already renders the local time (no "… UTC" first and a swap after hydration).
    const html = await (await page.request.get("/keys")).text();
    expect(html).toContain(`${zone}, UTC+5:30`);
    expect(html).toContain(expected);
  });
});
