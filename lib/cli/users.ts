// `users …` operator commands (SPEC §2). Same data layer as the dashboard; the CLI acts
// as an admin (CLI_OPERATOR). Output never includes password hashes.
import { ZodError } from "zod";
import { CLI_OPERATOR } from "../auth/admin.ts";
import { PlanNotFoundError } from "../data/plans.ts";
import {
  createUser,
  EmailTakenError,
  setUserPlan,
  UserNotFoundError,
  type UserSummary,
} from "../data/users.ts";
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
      error instanceof UserNotFoundError
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
  return `${user.email}${name}  plan ${user.plan}${user.isAdmin ? "  admin" : ""}  id ${user.id}`;
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
};
