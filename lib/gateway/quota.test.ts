import { describe, expect, it } from "vitest";
import { monthOf } from "../time/calendar.ts";
import type { CallRecord } from "../recorder/call-record.ts";
import { QuotaCounters } from "./quota.ts";

const now = Date.parse("2026-05-20T12:00:00Z");
const month = monthOf(now);

/** A batch of `count` records of `userId` made at `at` (only what the bookkeeping reads). */
function batch(userId: string, count: number, { at = now, billable = true } = {}): CallRecord[] {
  return Array.from(
    { length: count },
    () => ({ userId, createdAt: new Date(at).toISOString(), billable }) as CallRecord,
  );
}

describe("QuotaCounters", () => {
  it("passes the call that reaches the limit and refuses the next", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 8);
    expect(quota.reserve("u", 10, now)).toEqual({ allowed: true, used: 9, limit: 10 });
    expect(quota.reserve("u", 10, now)).toEqual({ allowed: true, used: 10, limit: 10 });
    expect(quota.reserve("u", 10, now).allowed).toBe(false);
    expect(quota.used("u", now)).toBe(10);
  });

  it("gives a released reservation back", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 9);
    quota.reserve("u", 10, now);
    quota.release("u", now);
    expect(quota.reserve("u", 10, now).allowed).toBe(true);
  });

  it("never double counts its own calls once the database has them", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 100);
    for (let i = 0; i < 5; i++) quota.reserve("u", 1000, now);
    // The database total was read before the write committed: 100 + 5 unflushed.
    quota.observe("u", month, 100);
    expect(quota.used("u", now)).toBe(105);
    quota.writing(batch("u", 5));
    // A refresh that may or may not include the in-flight write leaves it out.
    quota.observe("u", month, 105);
    expect(quota.used("u", now)).toBe(105);
    quota.written(batch("u", 5), true);
    quota.observe("u", month, 105);
    expect(quota.used("u", now)).toBe(105);
  });

  it("counts a written batch against each record's own account, whatever the order", () => {
    const quota = new QuotaCounters();
    for (const id of ["u", "v"]) {
      quota.observe(id, month, 0);
      for (let i = 0; i < 3; i++) quota.reserve(id, 1000, now);
    }
    // Same millisecond, accounts interleaved; one refused call (not billable) among them.
    const records = [
      ...batch("u", 1),
      ...batch("v", 1),
      ...batch("u", 1),
      ...batch("u", 1, { billable: false }),
      ...batch("v", 1),
    ];
    quota.writing(records);
    quota.written(records, true);
    // Two of each account's three calls are the database's now: 10 + 1 unflushed.
    quota.observe("u", month, 10);
    quota.observe("v", month, 10);
    expect(quota.used("u", now)).toBe(11);
    expect(quota.used("v", now)).toBe(11);
  });

  it("rises to what other instances recorded", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 100);
    quota.reserve("u", 1000, now);
    quota.observe("u", month, 150); // another gateway wrote 50 more
    expect(quota.used("u", now)).toBe(151);
  });

  it("starts each UTC month from zero", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 10);
    const next = Date.parse("2026-06-01T00:00:00Z");
    expect(quota.reserve("u", 1, next)).toEqual({ allowed: true, used: 1, limit: 1 });
  });

  it("follows the shared store: its reservations count as this instance's until written, its total raises the counter", () => {
    const quota = new QuotaCounters();
    quota.follow("u", 40, true, now);
    expect(quota.used("u", now)).toBe(40);
    quota.follow("u", 10, true, now);
    expect(quota.used("u", now)).toBe(41);
    quota.follow("u", 10, false, now);
    expect(quota.used("u", now)).toBe(41);
    // Both reservations are unflushed: a database total without them is topped up by 2.
    quota.observe("u", month, 50);
    expect(quota.used("u", now)).toBe(52);
    quota.written(batch("u", 2), true);
    quota.observe("u", month, 60);
    expect(quota.used("u", now)).toBe(60);
  });

  it("counts a write that failed as still unflushed, and never below zero", () => {
    const quota = new QuotaCounters();
    quota.observe("u", month, 0);
    quota.reserve("u", 10, now);
    quota.writing(batch("u", 1));
    quota.written(batch("u", 1), false);
    quota.observe("u", month, 0);
    expect(quota.used("u", now)).toBe(1);
    quota.release("u", now);
    quota.release("u", now);
    expect(quota.used("u", now)).toBe(0);
    quota.observe("u", month, 0);
    expect(quota.used("u", now)).toBe(0);
    // The unflushed count is what tops a database total up: a failed write keeps its call in
    // it, a release takes exactly one out.
    const other = new QuotaCounters();
    other.observe("u", month, 0);
    other.reserve("u", 10, now);
    other.reserve("u", 10, now);
    other.reserve("u", 10, now);
    other.writing(batch("u", 1));
    other.written(batch("u", 1), false);
    other.release("u", now);
    other.observe("u", month, 5); // another instance's calls
    expect(other.used("u", now)).toBe(7);
    // Unknown accounts and months are left alone.
    quota.writing(batch("nobody", 3));
    quota.written(batch("nobody", 3), true);
    expect(quota.used("nobody", now)).toBe(0);
  });

  it("forgets last month's counters once a new month is observed, and keeps this month's", () => {
    const quota = new QuotaCounters();
    const may = Date.parse("2026-05-31T23:00:00Z");
    const june = Date.parse("2026-06-01T01:00:00Z");
    quota.observe("u", monthOf(may), 7);
    quota.observe("v", monthOf(june), 3);
    expect(quota.used("u", may)).toBe(0);
    expect(quota.used("v", june)).toBe(3);
    quota.observe("v", monthOf(june), 2);
    expect(quota.used("v", june)).toBe(3);
  });

  it("counts one account's records of two months in one batch against their own months", () => {
    const may = Date.parse("2026-05-31T23:59:59Z");
    const june = Date.parse("2026-06-01T00:00:01Z");
    const quota = new QuotaCounters();
    quota.observe("u", monthOf(may), 0);
    quota.reserve("u", 100, may);
    quota.reserve("u", 100, june);
    quota.written([...batch("u", 1, { at: may }), ...batch("u", 1, { at: june })], true);
    // June's call is the database's now: a June total of 10 includes it.
    quota.observe("u", monthOf(june), 10);
    expect(quota.used("u", june)).toBe(10);
  });

  it("counts only a batch's billable records, each against the month it was made in", () => {
    const may = Date.parse("2026-05-31T23:59:59Z");
    const june = Date.parse("2026-06-01T00:00:01Z");
    const quota = new QuotaCounters();
    quota.observe("u", monthOf(may), 0);
    for (let i = 0; i < 3; i++) quota.reserve("u", 100, may);
    // Refused calls and June's calls do not take May's three calls off the unflushed count…
    quota.written(batch("u", 2, { at: may, billable: false }), true);
    quota.written(batch("u", 2, { at: june }), true);
    quota.observe("u", monthOf(may), 10);
    expect(quota.used("u", may)).toBe(13);
    // …two of them in flight are left out of the next total, and once committed they are the database's.
    const writes = [...batch("u", 2, { at: may }), ...batch("u", 5, { at: may, billable: false })];
    quota.writing(writes);
    quota.observe("u", monthOf(may), 20);
    expect(quota.used("u", may)).toBe(21);
    quota.written(writes, true);
    quota.observe("u", monthOf(may), 30);
    expect(quota.used("u", may)).toBe(31);
  });
});
