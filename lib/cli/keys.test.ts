import { describe, expect, it } from "vitest";
import type { CreatedKey, KeySummary } from "../data/keys.ts";
import { createTestUser, rawKeyRow } from "../data/keys-test-support.ts";
import { testDatabase } from "../db/test-database.ts";
import { hashKey, isWellFormedKey } from "../keys/key.ts";
import { CliError, type Command, type Flags } from "./command.ts";
import { loadCommands } from "./index.ts";

const database = testDatabase();
const commands = await loadCommands();

function command(name: string): Command {
  const found = commands[name];
  if (!found) throw new Error(`${name} is not registered`);
  return found;
}

async function run<T>(name: string, flags: Flags): Promise<T> {
  return (await command(name).run(flags)) as T;
}

describe("keys CLI", () => {
  it("creates a key for a user by email and prints the plaintext once", async () => {
    const user = await createTestUser(database, "cli");
    const created = await run<CreatedKey>("keys create", { email: user.email.toUpperCase(), name: "ci" });
    expect(isWellFormedKey(created.key)).toBe(true);
    expect(created).toMatchObject({ name: "ci", status: "active", last4: created.key.slice(-4) });
    expect((await rawKeyRow(database, created.id)).hash).toBe(hashKey(created.key));
    // The --json shape scripts rely on (README, "The operator CLI").
    const json = JSON.parse(JSON.stringify(created)) as Record<string, unknown>;
    expect(json).toMatchObject({ id: created.id, key: created.key, name: "ci", prefix: created.prefix });
    expect(command("keys create").print(created as never)).toContain(created.key);
  });

  it("lists, disables, enables and deletes by id, acting as the key's owner", async () => {
    const user = await createTestUser(database, "cli-ops");
    const { id, key } = await run<CreatedKey>("keys create", {
      email: user.email,
      name: "ops",
      expires: "30d",
    });

    const listed = await run<KeySummary[]>("keys list", { email: user.email });
    const json = JSON.parse(JSON.stringify(listed)) as Record<string, unknown>[];
    expect(json).toHaveLength(1);
    expect(Object.keys(json[0] ?? {})).toEqual(
      expect.arrayContaining(["id", "name", "prefix", "last4", "status", "createdAt", "lastUsedAt"]),
    );
    expect(JSON.stringify(json)).not.toContain(key);
    expect(command("keys list").print(listed as never)).toContain(id);

    expect((await run<KeySummary>("keys disable", { id })).status).toBe("inactive");
    expect((await run<KeySummary>("keys enable", { id })).status).toBe("active");
    expect(await run("keys delete", { id })).toEqual({ id, deleted: true });
    expect(await run("keys list", { email: user.email })).toEqual([]);
  });

  it("answers unknown emails, ids and bad input with a one-line CliError", async () => {
    const user = await createTestUser(database, "cli-bad");
    const { id } = await run<CreatedKey>("keys create", { email: user.email, name: "x" });
    await run("keys delete", { id });
    const cases: [string, Flags, RegExp][] = [
      ["keys create", { email: "nobody@example.com", name: "x" }, /No user with that email/],
      ["keys create", { email: user.email }, /--name is required/],
      ["keys create", { email: user.email, name: "   " }, /--name: Enter a name/],
      ["keys create", { email: user.email, name: "x", expires: "1y" }, /--expires/],
      ["keys list", { email: "nobody@example.com" }, /No user with that email/],
      ["keys disable", { id: "not-a-uuid" }, /No API key with that id/],
      ["keys enable", { id: "00000000-0000-4000-8000-000000000000" }, /No API key with that id/],
      ["keys delete", { id }, /No API key with that id/],
      ["keys delete", {}, /--id is required/],
    ];
    for (const [name, flags, message] of cases) {
      const attempt = run(name, flags);
      await expect(attempt).rejects.toBeInstanceOf(CliError);
      await expect(attempt).rejects.toThrow(message);
    }
  });
});
