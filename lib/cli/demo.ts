// `demo seed` (README, "The operator CLI"): a demo account with a few keys and 30 days of realistic traffic,
// written through the recorder's own batch writer so calls, usage_daily and the keys'
// last_used_at agree exactly as they would after real gateway traffic.
import { z } from "zod";
import type { SessionUser } from "../actor.ts";
import { newPasswordSchema } from "../auth/new-password.schema.ts";
import {
  activeKeys,
  backdateKey,
  backdateToFirstCalls,
  countCalls,
  deleteCallHistory,
  findDemoCandidate,
  markCreatedByDemo,
  recordCalls,
} from "../data/demo.ts";
import { createKey } from "../data/keys.ts";
import { createUser, setPassword } from "../data/users.ts";
import { demoTraffic } from "./demo-traffic.ts";
import { CliError, type Command } from "./command.ts";

export const DEMO_EMAIL = "demo@tollgate.local";
const DEMO_PASSWORD = "tollgate-demo";
const DEMO_KEYS = ["Production", "Staging", "CI pipeline"];
/** Created long ago and never used since: shows the overview's "unused" flag. */
const IDLE_KEY = "Old laptop";

type SeedResult = {
  email: string;
  /** The password to sign in with, or null when an existing account kept its own. */
  password: string | null;
  userId: string;
  createdUser: boolean;
  /** True when the demo account was the database's first, which becomes an admin (README, "Quick start"). */
  isAdmin: boolean;
  keys: { id: string; name: string }[];
  calls: number;
  days: number;
};

const seedFlags = z.object({
  email: z.email("--email must be an email address").optional(),
  password: newPasswordSchema.optional(),
  days: z.coerce.number().int().min(1, "--days must be 1–90").max(90, "--days must be 1–90").default(30),
  reset: z.enum(["true"]).optional(),
  "force-real-account": z.enum(["true"]).optional(),
});

/** What demo seed may do to an account it did not create itself. */
function refuseRealAccount(email: string, what: string): never {
  throw new CliError(
    `${email} was not created by demo seed: ${what}. Add --force-real-account if you really mean it.`,
  );
}

async function ensureUser(
  email: string,
  password: string | undefined,
  forceRealAccount: boolean,
): Promise<{ user: SessionUser; password: string | null; created: boolean; demo: boolean }> {
  const existing = await findDemoCandidate(email);
  if (existing) {
    const { createdByDemo, ...user } = existing;
    if (password) {
      if (!createdByDemo && !forceRealAccount)
        refuseRealAccount(email, "--password would replace its password");
      await setPassword(user.id, password);
    }
    return { user, password: password ?? null, created: false, demo: createdByDemo };
  }
  const chosen = password ?? DEMO_PASSWORD;
  const user = await createUser({ email, password: chosen, name: "Demo developer", planSlug: "basic" });
  await markCreatedByDemo(user.id);
  return { user, password: chosen, created: true, demo: true };
}

async function ensureKeys(user: SessionUser): Promise<{ id: string; name: string }[]> {
  const existing = await activeKeys(user.id);
  if (existing.length > 0) return existing;
  const keys: { id: string; name: string }[] = [];
  for (const name of DEMO_KEYS) {
    const key = await createKey(user, { name });
    keys.push({ id: key.id, name: key.name });
  }
  const idle = await createKey(user, { name: IDLE_KEY });
  await backdateKey(idle.id, 75);
  return keys;
}

const seed: Command = {
  usage: "demo seed [--email E] [--password P] [--days N] [--reset] [--force-real-account]",
  async run(flags): Promise<SeedResult> {
    const parsed = seedFlags.safeParse(flags);
    if (!parsed.success) throw new CliError(parsed.error.issues[0]?.message ?? "invalid flags");
    const { email = DEMO_EMAIL, password, days, reset } = parsed.data;
    const force = parsed.data["force-real-account"] === "true";
    const { user, password: shownPassword, created, demo } = await ensureUser(email, password, force);
    const keys = await ensureKeys(user);
    let calls = await countCalls(user.id);
    if (calls > 0 && reset) {
      if (!demo && !force) refuseRealAccount(email, "--reset would delete its real call history");
      // Only the demo account's own history, so the graph can be regenerated from scratch.
      await deleteCallHistory(user.id);
      calls = 0;
    }
    if (calls === 0) {
      calls = await recordCalls(
        demoTraffic({
          userId: user.id,
          keyIds: keys.map((k) => k.id),
          now: new Date(),
          days,
          seed: Math.floor(Math.random() * 1e9),
        }),
      );
    }
    if (demo) await backdateToFirstCalls(user.id);
    return {
      email: user.email,
      password: shownPassword,
      userId: user.id,
      createdUser: created,
      isAdmin: user.isAdmin,
      keys,
      calls,
      days,
    };
  },
  print(result: SeedResult) {
    return [
      `Demo account ${result.createdUser ? "created" : "ready"}: ${result.email}`,
      `Password: ${result.password ?? "(unchanged)"}`,
      ...(result.isAdmin ? ["Note: this is the first account in the database, so it is an admin."] : []),
      `Keys: ${result.keys.map((k) => k.name).join(", ")}`,
      `Calls: ${result.calls.toLocaleString("en-US")} over ${result.days} days`,
      "Sign in to the dashboard to see them.",
    ].join("\n");
  },
};

export const demoCommands: Record<string, Command> = { "demo seed": seed };
