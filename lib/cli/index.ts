import type { Command } from "./command.ts";
import { demoCommands } from "./demo.ts";
import { keyCommands } from "./keys.ts";
import { planCommands } from "./plans.ts";
import { usageCommands } from "./usage.ts";
import { userCommands } from "./users.ts";

/**
 * Every CLI command by its words ("keys create"). Each group lives in its own
 * module (users.ts, plans.ts, keys.ts, usage.ts, demo.ts) and is spread in here.
 */
export const commands: Record<string, Command> = {
  ...userCommands,
  ...planCommands,
  ...keyCommands,
  ...usageCommands,
  ...demoCommands,
};
