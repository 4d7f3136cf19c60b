// `users …` operator commands (README, "The operator CLI"). Same data layer as the dashboard; the CLI acts
// as an admin (CLI_OPERATOR). Output never includes password hashes.
import { ZodError } from "zod";
import { CLI_OPERATOR } from "../actor.ts";
import { PlanExistsError, PlanInUseError, PlanNotFoundError } from "../data/plans.ts";
import {
  AdminGuardError,
  changeAccount,
  createUser,
  EmailTakenError,
  listUsersWithUsage,
  setUserPlan,
  UserNotFoundError,
  type AccountChange,
  type UserSummary,
  type UserWithUsage,
} from "../data/users.ts";
import { countOf } from "../format.ts";
import { CliError, required, type Command } from "./command.ts";

/** Turns the data layer's expected refusals into one-line operator errors. */
export async function operatorErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ZodError) {
      const issue = error.issues[0];
      const field = issue?.path.join(".");
      throw new CliError(`${field ? `${field}: ` : ""}${issue?.message ?? "invalid value"}`);
    }
    if (
      error instanceof EmailTakenError ||
      error instanceof PlanNotFoundError ||
      error instanceof PlanExistsError ||
      error instanceof PlanInUseError ||
      error instanceof UserNotFoundError ||
      error instanceof AdminGuardError
    ) {
      throw new CliError(error.message);
    }
    throw error;
  }
}

type UserResult = {
  id: string;
  email: string;
  name: string | null;
  isAdmin: boolean;
  plan: string;
  createdAt: Date;
  suspended?: boolean;
  callsThisMonth?: number;
};

function result(user: UserSummary): UserResult {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    isAdmin: user.isAdmin,
    plan: user.planSlug,
    createdAt: user.createdAt,
  };
}

function describe(user: UserResult): string {
  const name = user.name ? ` (${user.name})` : "";
  const flags = `${user.isAdmin ? "  admin" : ""}${user.suspended ? "  suspended" : ""}`;
  const calls =
    user.callsThisMonth === undefined
      ? ""
      : `  ${user.callsThisMonth.toLocaleString("en-US")} calls this month`;
  return `${user.email}${name}  plan ${user.plan}${flags}${calls}  id ${user.id}`;
}

function listed(user: UserWithUsage): UserResult {
  return {
    ...result(user),
    suspended: user.suspendedAt !== null,
    callsThisMonth: user.callsThisMonth,
  };
}

type UserList = { users: UserResult[]; total: number; page: number; pages: number };

/** `users suspend` and friends: one account change by email. */
function accountCommand(change: AccountChange, done: string): Command {
  return {
    usage: `users ${change} --email E`,
    run: async (flags) => {
      const email = required(flags, "email");
      return operatorErrors(() => changeAccount(CLI_OPERATOR, { email }, change));
    },
    print: (user: { email: string }) => `${done} ${user.email}`,
  };
}

export const userCommands: Record<string, Command> = {
  "users create": {
    usage: "users create --email E --password P [--name N] [--plan SLUG] [--admin]",
    run: async (flags) => {
      const email = required(flags, "email");
      const password = required(flags, "password");
      const user = await operatorErrors(() =>
        createUser({
          email,
          password,
          name: flags.name === "true" ? undefined : flags.name,
          planSlug: flags.plan === "true" ? undefined : flags.plan,
          isAdmin: flags.admin === "true",
        }),
      );
      return result(user);
    },
    print: (user: UserResult) => `Created ${describe(user)}`,
  },
  "users set-plan": {
    usage: "users set-plan --email E --plan SLUG",
    run: async (flags) => {
      const email = required(flags, "email");
      const plan = required(flags, "plan");
      return result(await operatorErrors(() => setUserPlan(CLI_OPERATOR, { email }, plan)));
    },
    print: (user: UserResult) => `Moved ${describe(user)}`,
  },
  "users list": {
    usage: "users list [--search TEXT] [--page N]",
    run: async (flags): Promise<UserList> => {
      const search = flags.search === "true" ? undefined : flags.search;
      const page = await listUsersWithUsage(CLI_OPERATOR, { q: search, page: flags.page });
      return { ...page, users: page.users.map(listed) };
    },
    print: (list: UserList) =>
      [
        ...list.users.map(describe),
        `${countOf(list.total, "account")}, page ${list.page} of ${list.pages}`,
      ].join("\n"),
  },
  "users delete": {
    usage: "users delete --email E   (with its keys and calls)",
    run: async (flags) => {
      const email = required(flags, "email");
      return operatorErrors(() => changeAccount(CLI_OPERATOR, { email }, "delete"));
    },
    print: (user: { email: string }) => `Deleted ${user.email}, its keys and its calls`,
  },
  "users suspend": accountCommand("suspend", "Suspended"),
  "users unsuspend": accountCommand("unsuspend", "Unsuspended"),
};
