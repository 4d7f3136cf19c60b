import type { Plan } from "./auth-cache.ts";
import type { QuotaCounters, QuotaDecision } from "./quota.ts";
import type { RateDecision, RateLimits } from "./rate-limit.ts";

/** One call's rate decision and, when it was asked for and the rate allowed it, its quota reservation. */
export type Admission = { rate: RateDecision; quota: QuotaDecision | null };

/** Where the gateway's limits live right now: this process, Redis, or this process while Redis is away. */
export type LimiterMode = "local" | "redis" | "fallback";

/**
 * Rate limit + monthly quota reservation for one call, in one step so a shared store can
 * answer both in one round trip. Synchronous for the in-process limiter (the hot path
 * makes no promise then); a promise when Redis has to be asked.
 */
export type Limiter = {
  /** Takes one request from the account's rpm and, if `reserve`, one call from its quota. */
  admit(userId: string, plan: Plan, now: number, reserve: boolean): Admission | Promise<Admission>;
  /** Gives back a reservation for a call that turned out not billable. */
  release(userId: string, at: number): void;
  /** Calls used this month as far as this instance knows, without reserving (for headers). */
  used(userId: string, now: number): number;
  /** The database's count of an account's billable calls this month (from the key cache). */
  observe(userId: string, month: string, databaseUsed: number): void;
  mode(): LimiterMode;
  close(): Promise<void>;
};

/** The single-instance limiter: per-process fixed windows and quota counters, no I/O. */
export class LocalLimiter implements Limiter {
  constructor(
    readonly limits: RateLimits,
    readonly quota: QuotaCounters,
  ) {}

  admit(userId: string, plan: Plan, now: number, reserve: boolean): Admission {
    const rate = this.limits.take(userId, plan.rpm, now);
    if (!rate.allowed || !reserve) return { rate, quota: null };
    return { rate, quota: this.quota.reserve(userId, plan.monthlyQuota, now) };
  }

  release(userId: string, at: number): void {
    this.quota.release(userId, at);
  }

  used(userId: string, now: number): number {
    return this.quota.used(userId, now);
  }

  observe(userId: string, month: string, databaseUsed: number): void {
    this.quota.observe(userId, month, databaseUsed);
  }

  mode(): LimiterMode {
    return "local";
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
