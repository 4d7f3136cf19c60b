import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export type RateDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window resets (1–60). */
  resetSeconds: number;
};

const WINDOW_SECONDS = 60;

/**
 * Per-account requests-per-minute limits (SPEC §3: all of an account's keys share one).
 * One in-memory limiter per distinct rpm value, keyed by user id: limits are per gateway
 * instance, so N instances behind a balancer allow up to N × rpm in the worst case.
 */
export class RateLimits {
  private readonly limiters = new Map<number, RateLimiterMemory>();

  private limiter(rpm: number): RateLimiterMemory {
    let limiter = this.limiters.get(rpm);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: rpm, duration: WINDOW_SECONDS });
      this.limiters.set(rpm, limiter);
    }
    return limiter;
  }

  /** Takes one request from the account's window and says whether it may pass. */
  async take(userId: string, rpm: number): Promise<RateDecision> {
    const decide = (res: RateLimiterRes, allowed: boolean): RateDecision => ({
      allowed,
      limit: rpm,
      remaining: res.remainingPoints,
      resetSeconds: Math.min(WINDOW_SECONDS, Math.max(1, Math.ceil(res.msBeforeNext / 1000))),
    });
    try {
      return decide(await this.limiter(rpm).consume(userId), true);
    } catch (error) {
      if (error instanceof RateLimiterRes) return decide(error, false);
      throw error;
    }
  }
}
