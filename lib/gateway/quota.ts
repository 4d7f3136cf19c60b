import type { CallRecord } from "../recorder/call-record.ts";
import { monthOf } from "../time/calendar.ts";

type Counter = {
  /** Billable calls this month as far as this instance knows (database + its own). */
  used: number;
  /** This instance's calls counted in `used` but not yet committed to the database. */
  unflushed: number;
  /** Of those, the ones in a write whose outcome is not known yet (maybe already committed). */
  inFlight: number;
};

export type QuotaDecision = { allowed: boolean; used: number; limit: number };

/**
 * Monthly quota counters per account (docs/gateway.md#what-counts-against-the-quota), and
 * every rule of their bookkeeping: reserve, release, follow (Redis), observe (the
 * database's total) and the recorder's writes. A call is reserved before it is forwarded,
 * so concurrent calls cannot overshoot; the call that reaches the limit passes and the next
 * is refused. The database total arrives from the key cache's queries; the counter never
 * goes below it plus this instance's unflushed calls, which keeps several gateway
 * instances approximately in step without double counting.
 */
export class QuotaCounters {
  private readonly counters = new Map<string, Counter>();
  private month = "";

  private counter(userId: string, month: string): Counter {
    const id = `${userId}|${month}`;
    let counter = this.counters.get(id);
    if (!counter) {
      counter = { used: 0, unflushed: 0, inFlight: 0 };
      this.counters.set(id, counter);
    }
    return counter;
  }

  /**
   * Raises the counter to the database's total plus this instance's unflushed calls.
   * Callers pass a total read BEFORE they call this, so calls committed in between are
   * at worst missed for one refresh, never counted twice. Calls in a write still in
   * flight may or may not be in that total, so they are left out (undercount, not double).
   */
  observe(userId: string, month: string, databaseUsed: number): void {
    if (month !== this.month) this.startMonth(month);
    const counter = this.counter(userId, month);
    counter.used = Math.max(counter.used, databaseUsed + counter.unflushed - counter.inFlight);
  }

  /** Reserves one call; refused when the month's quota is used up. */
  reserve(userId: string, limit: number, now = Date.now()): QuotaDecision {
    const counter = this.counter(userId, monthOf(now));
    if (counter.used >= limit) return { allowed: false, used: counter.used, limit };
    counter.used += 1;
    counter.unflushed += 1;
    return { allowed: true, used: counter.used, limit };
  }

  /**
   * Follows a decision the shared store (Redis) made: a call it reserved is this instance's
   * until written, and the shared total raises the counter, so that falling back to this
   * counter when the store goes away starts from the latest total this instance saw.
   */
  follow(userId: string, shared: number, reserved: boolean, now = Date.now()): void {
    const counter = this.counter(userId, monthOf(now));
    if (reserved) {
      counter.used += 1;
      counter.unflushed += 1;
    }
    counter.used = Math.max(counter.used, shared);
  }

  /** Calls used this month as far as this instance knows, without reserving one. */
  used(userId: string, now = Date.now()): number {
    return this.counters.get(`${userId}|${monthOf(now)}`)?.used ?? 0;
  }

  /** Gives back a reservation for a call that ended up refused (a body over the limit). */
  release(userId: string, at: number): void {
    const counter = this.counter(userId, monthOf(at));
    counter.used = Math.max(0, counter.used - 1);
    counter.unflushed = Math.max(0, counter.unflushed - 1);
  }

  /** The recorder is writing these records; the billable ones' commit may land any moment. */
  writing(records: readonly CallRecord[]): void {
    for (const { id, count } of billableByAccountMonth(records)) {
      const counter = this.counters.get(id);
      if (counter) counter.inFlight += count;
    }
  }

  /** The write ended: committed calls are the database's to count from now on. */
  written(records: readonly CallRecord[], committed: boolean): void {
    for (const { id, count } of billableByAccountMonth(records)) {
      const counter = this.counters.get(id);
      if (!counter) continue;
      counter.inFlight = Math.max(0, counter.inFlight - count);
      if (committed) counter.unflushed = Math.max(0, counter.unflushed - count);
    }
  }

  private startMonth(month: string): void {
    this.month = month;
    for (const id of this.counters.keys()) {
      if (id.slice(id.indexOf("|") + 1) < month) this.counters.delete(id);
    }
  }
}

/** A batch's billable calls counted per counter id (`userId|YYYY-MM-01`, the month it was made in). */
function billableByAccountMonth(records: readonly CallRecord[]): { id: string; count: number }[] {
  const counts = new Map<string, number>();
  // Runs twice per batch: neighbouring records mostly share the account and the millisecond
  // (the same createdAt string), so the date is parsed and the id built only when they change
  // (measured: ~350 → ~50 ns per record).
  let user: string | undefined;
  let created: string | undefined;
  let id = "";
  for (const record of records) {
    if (!record.billable) continue;
    if (record.createdAt !== created || record.userId !== user) {
      created = record.createdAt;
      user = record.userId;
      id = `${user}|${monthOf(Date.parse(created))}`;
    }
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts].map(([id, count]) => ({ id, count }));
}
