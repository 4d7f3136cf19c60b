// `plans …` operator commands (README, "The operator CLI"): list, and set (edit, or create when the slug is new).
import { CLI_OPERATOR } from "../actor.ts";
import {
  createPlan,
  deletePlan,
  listPlans,
  PlanExistsError,
  PlanNotFoundError,
  updatePlan,
  type Plan,
} from "../data/plans.ts";
import { CliError, required, type Command, type Flags } from "./command.ts";
import { operatorErrors } from "./users.ts";

type PlanResult = Omit<Plan, "id">;

function result({ id: _id, ...plan }: Plan): PlanResult {
  return plan;
}

function describe(plan: PlanResult): string {
  const n = (value: number) => value.toLocaleString("en-US");
  return `${plan.slug.padEnd(10)} ${plan.name.padEnd(12)} ${`${n(plan.rpm)} req/min`.padEnd(14)} ${n(plan.monthlyQuota)} calls/month`;
}

/** A flag's value, or undefined when absent (a bare `--rpm` is an error, not "true"). */
function optional(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  if (value === "true") throw new CliError(`--${name} needs a value`);
  return value;
}

export const planCommands: Record<string, Command> = {
  "plans list": {
    usage: "plans list",
    run: async () => (await listPlans()).map(result),
    print: (plans: PlanResult[]) => plans.map(describe).join("\n"),
  },
  "plans set": {
    usage: "plans set --slug SLUG [--name N] [--rpm N] [--monthly N]",
    run: async (flags) => {
      const slug = required(flags, "slug");
      const changes = {
        name: optional(flags, "name"),
        rpm: optional(flags, "rpm"),
        monthlyQuota: optional(flags, "monthly"),
      };
      return operatorErrors(async () => {
        try {
          return { ...result(await updatePlan(CLI_OPERATOR, slug, changes)), created: false };
        } catch (error) {
          if (!(error instanceof PlanNotFoundError)) throw error;
        }
        if (changes.rpm === undefined || changes.monthlyQuota === undefined) {
          throw new CliError(`No plan "${slug}": to create it, give --rpm and --monthly`);
        }
        try {
          const plan = await createPlan(CLI_OPERATOR, {
            ...changes,
            slug,
            name: changes.name ?? slug,
            rpm: changes.rpm,
            monthlyQuota: changes.monthlyQuota,
          });
          return { ...result(plan), created: true };
        } catch (error) {
          if (error instanceof PlanExistsError)
            throw new CliError(`${error.message}; run the command again to edit it`);
          throw error;
        }
      });
    },
    print: (plan: PlanResult & { created: boolean }) =>
      `${plan.created ? "Created" : "Updated"} ${describe(plan)}`,
  },
  "plans create": {
    usage: "plans create --slug SLUG --name N --rpm N --monthly N",
    run: async (flags) => {
      const plan = await operatorErrors(() =>
        createPlan(CLI_OPERATOR, {
          slug: required(flags, "slug"),
          name: required(flags, "name"),
          rpm: required(flags, "rpm"),
          monthlyQuota: required(flags, "monthly"),
        }),
      );
      return result(plan);
    },
    print: (plan: PlanResult) => `Created ${describe(plan)}`,
  },
  "plans delete": {
    usage: "plans delete --slug SLUG   (refused while accounts are on it)",
    run: async (flags) => {
      const slug = required(flags, "slug");
      return result(await operatorErrors(() => deletePlan(CLI_OPERATOR, slug)));
    },
    print: (plan: PlanResult) => `Deleted ${plan.slug}`,
  },
};
