import { Redis, type Result } from "ioredis";
import type { Plan } from "./auth-cache.ts";
import type { Admission, Limiter, LimiterMode, LocalLimiter } from "./limiter.ts";
import { monthOf, nextMonthStart } from "../time/calendar.ts";

const WINDOW_MS = 60_000;

// One script per call answers the rate limit and the quota reservation atomically for every
// instance. The rpm is a sliding window counter (Cloudflare's): the calls of the current
// minute plus those of the previous minute in proportion to how much of it is still within
// the last 60 s, rounded up. O(1) per call and per account, where a log of each call's time
// costs memory and work in proportion to the rpm (300,000 entries for an account doing
// 5,000 calls/s). A burst gets exactly rpm calls; rounding up errs towards refusing.
// Windows are whole minutes of Redis's own clock, so instances with skewed clocks share them.
// The quota is a counter per account and month, seeded from PostgreSQL's count when missing
// (first call of the month, or Redis lost its data).
// Reply: [allowed, remaining, ms until the window ends (refused: until a call may pass),
//         quota used or -1, quota allowed].
const ADMIT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rpm = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local current = math.floor(now / window)
local elapsed = now - current * window
local state = redis.call('HMGET', KEYS[1], 'window', 'count', 'previous')
local stored = tonumber(state[1])
local count, previous = 0, 0
if stored == current then
  count, previous = tonumber(state[2]), tonumber(state[3])
elseif stored == current - 1 then
  previous = tonumber(state[2])
end
local weighted = math.ceil(previous * (window - elapsed) / window)
if weighted + count >= rpm then
  -- When the sum first drops below rpm: in this window as the previous one's share shrinks,
  -- or, with this window full, once enough of it has slid out in the next one.
  local wait
  if count < rpm then
    wait = window - (rpm - count - 1) * window / previous - elapsed
  else
    wait = window - elapsed + window - (rpm - 1) * window / count
  end
  return {0, 0, math.max(1, math.ceil(wait)), -1, 0}
end
count = count + 1
redis.call('HSET', KEYS[1], 'window', current, 'count', count, 'previous', previous)
-- Kept through the next window, where this one's calls still count.
if stored ~= current then redis.call('PEXPIRE', KEYS[1], 2 * window) end
local remaining = rpm - weighted - count
local reset = window - elapsed
if ARGV[3] ~= '1' then return {1, remaining, reset, -1, 0} end
local used = redis.call('GET', KEYS[2])
if not used then
  used = ARGV[5]
  redis.call('SET', KEYS[2], used, 'PXAT', ARGV[6])
end
used = tonumber(used)
if used >= tonumber(ARGV[4]) then return {1, remaining, reset, used, 0} end
return {1, remaining, reset, redis.call('INCR', KEYS[2]), 1}
`;

// Reconciliation: PostgreSQL's count only ever raises the shared counter. Redis counts
// reservations before their records are written, so it is normally ahead; it falls behind
// only when it lost data or missed the calls instances let through while it was away.
const RAISE_LUA = `
local used = redis.call('GET', KEYS[1])
if used and tonumber(used) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL') end
return 0
`;

const RELEASE_LUA = `
local used = redis.call('GET', KEYS[1])
if used and tonumber(used) > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

type AdmitReply = [number, number, number, number, number];

declare module "ioredis" {
  interface RedisCommander<Context> {
    tollgateAdmit(
      rateKey: string,
      quotaKey: string,
      rpm: number,
      windowMs: number,
      reserve: number,
      limit: number,
      seed: number,
      expireAt: number,
    ): Result<AdmitReply, Context>;
    tollgateRaise(quotaKey: string, used: number): Result<number, Context>;
    tollgateRelease(quotaKey: string): Result<number, Context>;
  }
}

export type RedisLimiterOptions = {
  url: string;
  /** An answer slower than this (ms, ≤ 50) makes the call use the local limiter. */
  timeoutMs: number;
  log: (message: string) => void;
  /** After a failure, calls use the local limiter this long before Redis is tried again (ms). */
  retryMs?: number;
  /** How often PostgreSQL's counts are pushed into Redis's counters (ms). */
  reconcileMs?: number;
  /** Told of every call decided by this instance alone because Redis did not answer. */
  onFallbackCall?: () => void;
};

function rateKey(userId: string): string {
  // The braces keep an account's keys in one Redis Cluster slot, as one script needs.
  return `tollgate:{${userId}}:rate`;
}

function quotaKey(userId: string, month: string): string {
  return `tollgate:{${userId}}:quota:${month}`;
}

const LOG_EVERY_MS = 60_000;
/** However lively Redis looks, no call waits longer than this for it. */
const MAX_WAIT_MS = 1000;
/** How often calls waiting on Redis are checked: a slow Redis is noticed within timeoutMs + this. */
const WATCH_EVERY_MS = 5;

/** A call waiting for Redis's answer. */
type Waiter = { sentAt: number; settled: boolean; fallBack: (reason: string) => void };

/**
 * Rate limits and quota reservations shared by every gateway instance through Redis.
 * When Redis is down, unreachable or slower than `timeoutMs`, calls fall back to the
 * per-instance limiter and the cached quota (fail open, as Kong's `fault_tolerant` does):
 * an outage of the counter store must not become an outage of the API. That is logged
 * at most once a minute, shows in mode(), and ends by itself when Redis answers again.
 */
export class RedisLimiter implements Limiter {
  private readonly client: Redis;
  private readonly retryMs: number;
  private readonly timer: NodeJS.Timeout;
  private downUntil = 0;
  private failing = true;
  /** When Redis last answered anything (performance.now()). */
  private answeredAt = 0;
  private loggedAt = -Infinity;
  /** PostgreSQL's latest counts, pushed into Redis on the next reconcile. */
  private readonly observed = new Map<string, number>();
  /** Calls waiting on Redis, oldest first, and the one timer that watches them. */
  private waiting: Waiter[] = [];
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly local: LocalLimiter,
    private readonly options: RedisLimiterOptions,
  ) {
    this.retryMs = options.retryMs ?? 1000;
    this.client = new Redis(options.url, {
      // Nothing queues while disconnected: a call falls back at once instead of waiting.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: () => 500,
    });
    this.client.defineCommand("tollgateAdmit", { numberOfKeys: 2, lua: ADMIT_LUA });
    this.client.defineCommand("tollgateRaise", { numberOfKeys: 1, lua: RAISE_LUA });
    this.client.defineCommand("tollgateRelease", { numberOfKeys: 1, lua: RELEASE_LUA });
    this.client.on("error", (error: Error) => this.fail(error.message));
    this.client.on("close", () => this.fail("connection closed"));
    this.client.on("ready", () => this.recover());
    this.timer = setInterval(() => this.tick(), options.reconcileMs ?? 2000);
    this.timer.unref();
  }

  /** Resolves once connected, or after `ms` (then calls start in fallback). */
  async ready(ms: number): Promise<void> {
    if (this.client.status === "ready") return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const client = this.client;
      client.once("ready", done);
      function done() {
        clearTimeout(timer);
        client.off("ready", done);
        resolve();
      }
    });
  }

  admit(userId: string, plan: Plan, now: number, reserve: boolean): Admission | Promise<Admission> {
    if (this.failing || this.client.status !== "ready") {
      if (now < this.downUntil || this.client.status !== "ready") {
        this.options.onFallbackCall?.();
        return this.local.admit(userId, plan, now, reserve);
      }
    }
    const month = monthOf(now);
    return new Promise<Admission>((resolve) => {
      const waiter: Waiter = {
        sentAt: performance.now(),
        settled: false,
        fallBack: (reason) => {
          waiter.settled = true;
          this.fail(reason);
          this.options.onFallbackCall?.();
          resolve(this.local.admit(userId, plan, now, reserve));
        },
      };
      this.watch(waiter);
      this.client
        .tollgateAdmit(
          rateKey(userId),
          quotaKey(userId, month),
          plan.rpm,
          WINDOW_MS,
          reserve ? 1 : 0,
          plan.monthlyQuota,
          this.local.used(userId, now),
          nextMonthStart(now).getTime() + 86_400_000,
        )
        .then(
          (reply) => {
            this.answeredAt = performance.now();
            if (waiter.settled) return;
            waiter.settled = true;
            this.recover();
            resolve(this.decide(userId, plan, now, reply));
          },
          (error: Error) => {
            if (!waiter.settled) waiter.fallBack(error.message);
          },
        );
    });
  }

  /**
   * One timer for every call waiting on Redis (not one per call): a call falls back once it
   * has waited `timeoutMs` while Redis said nothing that long. The check runs after the
   * I/O phase, and answers to other calls also count as signs of life: when this process is
   * the busy one (a burst of calls), answers that arrived in time still win, and a deep
   * queue of calls does not pass for a dead Redis. No call waits longer than MAX_WAIT_MS.
   */
  private watch(waiter: Waiter): void {
    this.waiting.push(waiter);
    this.watchdog ??= setInterval(() => setImmediate(() => this.check()), WATCH_EVERY_MS);
  }

  private check(): void {
    const at = performance.now();
    const silent = at - this.answeredAt >= this.options.timeoutMs;
    // Redis answers in order, so the oldest calls come first; settled ones are dropped.
    let kept = 0;
    for (const waiter of this.waiting) {
      if (waiter.settled) continue;
      const waited = at - waiter.sentAt;
      if ((silent && waited >= this.options.timeoutMs) || waited >= MAX_WAIT_MS) {
        waiter.fallBack(`no answer within ${this.options.timeoutMs} ms`);
      } else this.waiting[kept++] = waiter;
    }
    this.waiting.length = kept;
    if (kept === 0) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }

  private decide(userId: string, plan: Plan, now: number, reply: AdmitReply): Admission {
    const [allowed, remaining, resetMs, used, reserved] = reply;
    const rate = {
      allowed: allowed === 1,
      limit: plan.rpm,
      remaining,
      resetSeconds: Math.min(60, Math.max(1, Math.ceil(resetMs / 1000))),
    };
    this.local.limits.adopt(userId, plan.rpm, plan.rpm - remaining, now + resetMs);
    if (used < 0) return { rate, quota: null };
    this.local.quota.follow(userId, used, reserved === 1, now);
    return { rate, quota: { allowed: reserved === 1, used, limit: plan.monthlyQuota } };
  }

  release(userId: string, at: number): void {
    this.local.release(userId, at);
    if (this.mode() !== "redis") return;
    this.client
      .tollgateRelease(quotaKey(userId, monthOf(at)))
      .catch((error: Error) => this.fail(error.message));
  }

  used(userId: string, now: number): number {
    return this.local.used(userId, now);
  }

  observe(userId: string, month: string, databaseUsed: number): void {
    this.local.observe(userId, month, databaseUsed);
    this.observed.set(quotaKey(userId, month), databaseUsed);
  }

  mode(): LimiterMode {
    return this.failing || this.client.status !== "ready" ? "fallback" : "redis";
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.watchdog);
    this.client.removeAllListeners("close");
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private tick(): void {
    if (this.mode() === "redis") this.reconcile();
    else if (this.client.status === "ready" && Date.now() >= this.downUntil) this.probe();
  }

  /**
   * While calls use the local limiter, a PING: a Redis that answers within timeoutMs is back.
   * A hung Redis keeps its connection, so no reconnect would say so, and an instance whose
   * /readyz reads "unreachable" may get no calls to find out by.
   */
  private probe(): void {
    const sentAt = performance.now();
    this.client.ping().then(
      () => {
        this.answeredAt = performance.now();
        if (this.answeredAt - sentAt < this.options.timeoutMs) this.recover();
      },
      (error: Error) => this.fail(error.message),
    );
  }

  /** Pushes PostgreSQL's counts seen since the last time into Redis, in one pipeline. */
  private reconcile(): void {
    if (this.observed.size === 0) return;
    const pipeline = this.client.pipeline();
    for (const [key, used] of this.observed) pipeline.tollgateRaise(key, used);
    this.observed.clear();
    pipeline.exec().catch((error: Error) => this.fail(error.message));
  }

  private fail(reason: string): void {
    const now = Date.now();
    this.downUntil = now + this.retryMs;
    this.failing = true;
    if (now - this.loggedAt < LOG_EVERY_MS) return;
    this.loggedAt = now;
    this.options.log(
      `redis: ${reason}; using per-instance rate limits and the cached quota until it answers again`,
    );
  }

  private recover(): void {
    if (!this.failing) return;
    this.failing = false;
    // Logged only if the failure was: the first connection is not news.
    if (this.loggedAt > -Infinity) this.options.log("redis: answering again; limits are shared again");
  }
}
