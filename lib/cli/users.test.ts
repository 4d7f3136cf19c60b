import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testDatabase } from "../db/test-database.ts";
import { CliError } from "./command.ts";
import { loadCommands } from "./index.ts";

const database = testDatabase();
const commands = await loadCommands();
const run = (name: string, flags: Record<string, string>) => {
  const command = commands[name];
  if (!command) throw new Error(`no command ${name}`);
  return command.run(flags);
};

describe("users CLI", () => {
  it("creates a user (plan, admin flag, normalised email) and never prints the hash", async () => {
    const email = `Cli-${randomUUID()}@Example.com`;
    const created = await run("users create", {
      email,
      password: "secret-1234",
      name: "Cli",
      plan: "basic",
      admin: "true",
    });
    expect(created).toMatchObject({ email: email.toLowerCase(), name: "Cli", plan: "basic", isAdmin: true });
    const printed = JSON.stringify(created) + commands["users create"]!.print(created as never);
    expect(printed).not.toMatch(/argon2|secret-1234/);
    const { rows } = await database.pool.query<{ plan: string; is_admin: boolean }>(
      "SELECT p.slug AS plan, u.is_admin FROM users u JOIN plans p ON p.id = u.plan_id WHERE u.email = $1",
      [email.toLowerCase()],
    );
    expect(rows).toEqual([{ plan: "basic", is_admin: true }]);
  });

  it("refuses a duplicate email, a short password and a missing flag as operator errors", async () => {
    const email = `cli-dup-${randomUUID()}@example.com`;
    await run("users create", { email, password: "secret-1234" });
    await expect(run("users create", { email, password: "secret-1234" })).rejects.toThrow(
      new CliError("An account with this email already exists"),
    );
    await expect(run("users create", { email: `x-${email}`, password: "short" })).rejects.toThrow(
      /password: Use at least 10 characters/,
    );
    await expect(run("users create", { email: `y-${email}` })).rejects.toThrow(
      new CliError("--password is required"),
    );
  });

  it("moves a user to another plan by email", async () => {
    const email = `cli-plan-${randomUUID()}@example.com`;
    await run("users create", { email, password: "secret-1234" });
    expect(await run("users set-plan", { email, plan: "vip" })).toMatchObject({ email, plan: "vip" });
    await expect(run("users set-plan", { email, plan: "gold-nope" })).rejects.toThrow(CliError);
    await expect(run("users set-plan", { email: `nobody-${email}`, plan: "vip" })).rejects.toThrow(CliError);
  });
});

describe("users list, suspend and delete", () => {
  it("lists matching users with paging, suspends, and deletes with keys", async () => {
    const tag = randomUUID().slice(0, 8);
    const email = `cli-list-${tag}@example.com`;
    await run("users create", { email, password: "secret-1234", name: "Listed" });
    const list = (await run("users list", { search: tag })) as { users: unknown[]; total: number };
    expect(list.total).toBe(1);
    expect(list.users[0]).toMatchObject({
      email,
      name: "Listed",
      plan: "free",
      suspended: false,
      callsThisMonth: 0,
    });
    expect(commands["users list"]!.print(list as never)).toContain("1 account, page 1 of 1");

    await run("users suspend", { email });
    const suspended = (await run("users list", { search: tag })) as { users: unknown[] };
    expect(suspended.users[0]).toMatchObject({ suspended: true });

    await run("keys create", { email, name: "doomed" });
    expect(await run("users delete", { email })).toMatchObject({ email });
    expect(((await run("users list", { search: tag })) as { total: number }).total).toBe(0);
    await expect(run("users delete", { email })).rejects.toThrow(CliError);
    await expect(run("users delete", {})).rejects.toThrow(new CliError("--email is required"));
  });
});

describe("plans CLI", () => {
  it("lists the seeded plans", async () => {
    const plans = (await run("plans list", {})) as Array<{ slug: string }>;
    expect(plans.map((p) => p.slug)).toEqual(expect.arrayContaining(["free", "basic", "advanced", "vip"]));
  });

  it("creates a new plan only with --rpm and --monthly, then edits it", async () => {
    const slug = `cli-${randomUUID().slice(0, 8)}`;
    await expect(run("plans set", { slug, rpm: "10" })).rejects.toThrow(/give --rpm and --monthly/);
    expect(await run("plans set", { slug, rpm: "10", monthly: "500" })).toMatchObject({
      slug,
      name: slug,
      rpm: 10,
      monthlyQuota: 500,
      created: true,
    });
    expect(await run("plans set", { slug, name: "Team", monthly: "900" })).toMatchObject({
      name: "Team",
      rpm: 10,
      monthlyQuota: 900,
      created: false,
    });
    await expect(run("plans set", { slug, rpm: "0" })).rejects.toThrow(/at least 1/);
    await expect(run("plans set", { slug, rpm: "true" })).rejects.toThrow(/--rpm needs a value/);
  });

  it("creates and deletes a plan, refusing one in use", async () => {
    const slug = `cli-${randomUUID().slice(0, 8)}`;
    await expect(run("plans create", { slug, name: "X", rpm: "1" })).rejects.toThrow(
      new CliError("--monthly is required"),
    );
    expect(await run("plans create", { slug, name: "Made", rpm: "2", monthly: "20" })).toMatchObject({
      slug,
      name: "Made",
      rpm: 2,
      monthlyQuota: 20,
    });
    await expect(run("plans create", { slug, name: "Made", rpm: "2", monthly: "20" })).rejects.toThrow(
      CliError,
    );
    const email = `cli-on-${slug}@example.com`;
    await run("users create", { email, password: "secret-1234", plan: slug });
    await expect(run("plans delete", { slug })).rejects.toThrow(
      new CliError(`Plan "${slug}" has 1 account on it: move them to another plan first`),
    );
    await run("users set-plan", { email, plan: "free" });
    expect(await run("plans delete", { slug })).toMatchObject({ slug });
    await expect(run("plans delete", { slug })).rejects.toThrow(CliError);
  });
});
