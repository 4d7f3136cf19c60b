// `keys …` operator commands (README, "The operator CLI"). The operator acts as the key's owner: the user is
// found by email (or the key's owner by key id) and the same lib/data functions the
// dashboard uses are called with that user as the actor, so the rules are identical.
import type { z } from "zod";
import type { SessionUser } from "../actor.ts";
import {
  createKey,
  deleteKey,
  findKeyOwner,
  KeyNotFoundError,
  listKeys,
  setKeyStatus,
  type CreatedKey,
  type KeySummary,
} from "../data/keys.ts";
import { findUserByEmail } from "../data/users.ts";
import { creationExpiry, keyName, type KeyStatus } from "../keys/schema.ts";
import { CliError, required, type Command, type Flags } from "./command.ts";

async function userByEmail(email: string): Promise<SessionUser> {
  const user = await findUserByEmail(email);
  if (!user) throw new CliError("No user with that email");
  return user;
}

/** The owner of a live key: who the operator acts as for `keys disable|enable|delete`. */
async function ownerOfKey(flags: Flags): Promise<{ owner: SessionUser; id: string }> {
  const id = required(flags, "id");
  const owner = await findKeyOwner(id);
  if (!owner) throw new CliError("No API key with that id");
  return { owner, id };
}

/** Runs a data-layer call, turning "not found" into the operator's one-line error. */
async function asOperator<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof KeyNotFoundError) throw new CliError("No API key with that id");
    throw error;
  }
}

function parseFlag<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliError(`--${flag}: ${parsed.error.issues[0]?.message ?? "invalid value"}`);
  return parsed.data;
}

function date(value: Date | null): string {
  return value ? value.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "never";
}

const COLUMNS = ["ID", "KEY", "STATUS", "NAME", "CREATED", "LAST USED", "EXPIRES"] as const;

function cells(key: KeySummary): string[] {
  return [
    key.id,
    `${key.prefix}…${key.last4}`,
    key.status,
    key.name,
    date(key.createdAt),
    date(key.lastUsedAt),
    key.expiresAt ? date(key.expiresAt) : "-",
  ];
}

/** Keys as an aligned text table, one per line under a header. */
function table(keys: KeySummary[]): string {
  const rows = [[...COLUMNS], ...keys.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function toggle(status: KeyStatus): Command {
  return {
    usage: `keys ${status === "active" ? "enable" : "disable"} --id ID`,
    run: async (flags) => {
      const { owner, id } = await ownerOfKey(flags);
      return asOperator(() => setKeyStatus(owner, id, status));
    },
    print: (key: KeySummary) =>
      `${status === "active" ? "Enabled" : "Disabled"} API key "${key.name}" (${key.prefix}…${key.last4}, ${key.id}).`,
  };
}

export const keyCommands: Record<string, Command> = {
  "keys create": {
    usage: "keys create --email E --name N [--expires never|7d|30d|90d]",
    run: async (flags) => {
      const owner = await userByEmail(required(flags, "email"));
      const name = parseFlag(keyName, required(flags, "name"), "name");
      const expiresIn = parseFlag(creationExpiry, flags.expires ?? "never", "expires");
      return createKey(owner, { name, expiresIn });
    },
    print: (key: CreatedKey) =>
      [
        `Created API key "${key.name}" (${key.id})${key.expiresAt ? `, expires ${date(key.expiresAt)}` : ""}:`,
        "",
        `  ${key.key}`,
        "",
        "Store it now: it is not kept anywhere and will not be shown again.",
      ].join("\n"),
  },

  "keys list": {
    usage: "keys list --email E",
    run: async (flags) => {
      return listKeys(await userByEmail(required(flags, "email")));
    },
    print: (keys: KeySummary[]) => (keys.length === 0 ? "No API keys." : table(keys)),
  },

  "keys disable": toggle("inactive"),
  "keys enable": toggle("active"),

  "keys delete": {
    usage: "keys delete --id ID",
    run: async (flags) => {
      const { owner, id } = await ownerOfKey(flags);
      await asOperator(() => deleteKey(owner, id));
      return { id, deleted: true };
    },
    print: ({ id }: { id: string }) => `Deleted API key ${id}; its call history is kept.`,
  },
};
