// `usage` and `logs` operator commands (README, "The operator CLI"): the operator acts as the account found by
// email and calls the same lib/data functions, with the same filter schema, as the dashboard.
import { z } from "zod";
import type { SessionUser } from "../actor.ts";
import { listCalls, type CallRow } from "../data/calls.ts";
import { getUsageOverview } from "../data/usage.ts";
import { findUserByEmail } from "../data/users.ts";
import { parseCallFilters } from "../schemas/call-filters.ts";
import { isFailure } from "../schemas/outcome.ts";
import { CliError, required, type Command } from "./command.ts";

/** The account an operator command acts as; a CliError naming the email if there is none. */
async function actingUser(email: string): Promise<SessionUser> {
  const user = await findUserByEmail(email);
  if (!user) throw new CliError(`No user with email ${email}`);
  return user;
}

type UsageResult = {
  email: string;
  used: number;
  limit: number;
  remaining: number;
  percent: number;
  resetsAt: string;
  plan: string;
  planName: string;
  rpm: number;
  last30Days: { calls: number; failures: number; errorRate: number };
};

type LogEntry = Omit<CallRow, "createdAt"> & { result: "success" | "failure"; createdAt: string };

const limitFlag = z.coerce.number().int().min(1).max(1_000);

const usage: Command = {
  usage: "usage --email E",
  async run(flags): Promise<UsageResult> {
    const user = await actingUser(required(flags, "email"));
    const { quota, totals } = await getUsageOverview(user);
    return {
      email: user.email,
      used: quota.used,
      limit: quota.limit,
      remaining: quota.remaining,
      percent: quota.percent,
      resetsAt: quota.resetsAt.toISOString(),
      plan: quota.plan.slug,
      planName: quota.plan.name,
      rpm: quota.plan.rpm,
      last30Days: totals,
    };
  },
  print(result: UsageResult) {
    const n = (value: number) => value.toLocaleString("en-US");
    return [
      `${result.email} — plan ${result.planName} (${n(result.rpm)} req/min)`,
      `This month: ${n(result.used)} / ${n(result.limit)} calls (${result.percent}%), ${n(result.remaining)} remaining`,
      `Resets at ${result.resetsAt} (00:00 UTC on the 1st)`,
      `Last 30 days: ${n(result.last30Days.calls)} calls, ${n(result.last30Days.failures)} failed (${result.last30Days.errorRate}%)`,
    ].join("\n");
  },
};

const logs: Command = {
  usage:
    "logs --email E [--limit N] [--status failed|success|4xx|CODE|429,503] [--error CODE] [--method M] [--endpoint PATH] [--q TEXT] [--key ID] [--from T] [--to T] [--ip IP]",
  async run(flags): Promise<LogEntry[]> {
    const user = await actingUser(required(flags, "email"));
    const limit = limitFlag.safeParse(flags.limit ?? 20);
    if (!limit.success) throw new CliError("--limit must be a whole number from 1 to 1000");
    const parsed = parseCallFilters({ ...flags, cursor: undefined });
    if (!parsed.ok) throw new CliError(parsed.errors.map((e) => `--${e.field}: ${e.message}`).join("; "));
    const page = await listCalls(user, parsed.filters, limit.data);
    return page.rows.map((row) => ({
      ...row,
      result: isFailure(row) ? "failure" : "success",
      createdAt: row.createdAt.toISOString(),
    }));
  },
  print(result: LogEntry[]) {
    if (result.length === 0) return "No calls match.";
    return result
      .map((c) =>
        [
          c.createdAt,
          c.method.padEnd(6),
          String(c.status),
          `${c.latencyMs} ms`.padStart(8),
          c.path,
          c.ip,
          c.errorCode ?? "",
        ]
          .join("  ")
          .trimEnd(),
      )
      .join("\n");
  },
};

export const usageCommands: Record<string, Command> = { usage, logs };
