import type { Command } from "./command.ts";

type Group = Record<string, Command>;

// Each group's module is imported only when one of its commands runs: `plans list` does not
// load the password hasher, the recorder or the call log (README, "The operator CLI").
const usage = async () => (await import("./usage.ts")).usageCommands;
const groups: Record<string, () => Promise<Group>> = {
  users: async () => (await import("./users.ts")).userCommands,
  plans: async () => (await import("./plans.ts")).planCommands,
  keys: async () => (await import("./keys.ts")).keyCommands,
  usage,
  logs: usage,
  demo: async () => (await import("./demo.ts")).demoCommands,
};

/** The command named by its words ("keys create"), loading only its group; undefined if unknown. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  const load = groups[name.split(" ")[0] ?? ""];
  return load ? (await load())[name] : undefined;
}

/** Every command by its words, in help order (loads every group: for help and tests). */
export async function loadCommands(): Promise<Group> {
  const all: Group = {};
  for (const load of new Set(Object.values(groups))) Object.assign(all, await load());
  return all;
}
