export type RateDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window resets (1–60). */
  resetSeconds: number;
};

const WINDOW_MS = 60_000;

/** One account's current window: when it ends and how many calls it has taken. */
type Window = { endsAt: number; taken: number };

/**
 * Per-account requests-per-minute limits (docs/gateway.md: all of an account's keys share one).
 * A fixed 60 s window per account and rpm value that starts with the account's first call,
 * as rate-limiter-flexible's memory limiter does, but synchronous: the hot path needs no
 * promise per call. Limits are per gateway instance, so N instances behind a balancer
 * allow up to N × rpm in the worst case.
 */
export class RateLimits {
  /** rpm → user id → window. A plan change (new rpm) starts a fresh window, as before. */
  private readonly windows = new Map<number, Map<string, Window>>();
  private sweepAt = 0;

  /** Takes one request from the account's window and says whether it may pass. */
  take(userId: string, rpm: number, now = Date.now()): RateDecision {
    if (now >= this.sweepAt) this.sweep(now);
    const byUser = this.accounts(rpm);
    let window = byUser.get(userId);
    if (!window || window.endsAt <= now) {
      window = { endsAt: now + WINDOW_MS, taken: 0 };
      byUser.set(userId, window);
    }
    window.taken += 1;
    return {
      allowed: window.taken <= rpm,
      limit: rpm,
      remaining: Math.max(0, rpm - window.taken),
      resetSeconds: Math.min(60, Math.max(1, Math.ceil((window.endsAt - now) / 1000))),
    };
  }

  /**
   * Adopts a shared limiter's count of the account's last minute (Redis), so that if this
   * instance has to fall back to its own windows, it continues from there, not from zero.
   */
  adopt(userId: string, rpm: number, taken: number, endsAt: number): void {
    this.accounts(rpm).set(userId, { endsAt, taken });
  }

  private accounts(rpm: number): Map<string, Window> {
    let byUser = this.windows.get(rpm);
    if (!byUser) {
      byUser = new Map();
      this.windows.set(rpm, byUser);
    }
    return byUser;
  }

  /** Forgets windows that have ended, so memory follows the accounts active lately. */
  private sweep(now: number): void {
    this.sweepAt = now + WINDOW_MS;
    for (const [rpm, byUser] of this.windows) {
      for (const [userId, window] of byUser) if (window.endsAt <= now) byUser.delete(userId);
      if (byUser.size === 0) this.windows.delete(rpm);
    }
  }
}
