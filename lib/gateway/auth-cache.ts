import { LRUCache } from "lru-cache";
import type pg from "pg";
import { monthOf, nextMonthStart } from "../time/calendar.ts";

export type Plan = { slug: string; rpm: number; monthlyQuota: number };

/** What the gateway knows about a key, refreshed from the database in the background. */
export type KeyEntry = {
  hash: string;
  keyId: string;
  userId: string;
  status: "active" | "inactive";
  /** Epoch ms, or null for a key that never expires. */
  expiresAt: number | null;
  deleted: boolean;
  /** The key's account is suspended by an admin. */
  suspended: boolean;
  plan: Plan;
  /** When the database last confirmed this entry (epoch ms). */
  verifiedAt: number;
};

export type KeyLookup = { kind: "found"; entry: KeyEntry } | { kind: "unknown" } | { kind: "unavailable" };

/** Called with an account's billable calls this month, as the database counts them. */
export type UsageListener = (userId: string, month: string, used: number) => void;

export type KeyCacheOptions = {
  /** How often every cached entry is re-read in one query (ms); 250 leaves headroom under the 1 s of docs/gateway.md#limits. */
  refreshMs?: number;
  /** While the database is down, entries confirmed this recently keep working (ms). */
  graceMs?: number;
  /**
   * Unknown hashes are remembered this long, so a forged key that passes the checksum costs
   * one query per TTL, not one per call (ms). Nothing tells the gateway a key was created,
   * so this stays under the 1 s in which key changes take effect: a key created right after
   * a miss (a client trying it before the dashboard finished) works within that second.
   */
  negativeTtlMs?: number;
  /** How many unknown hashes are remembered; beyond it the least recently seen drop out. */
  negativeMax?: number;
  /** Upper bound on a single key lookup, so a hung database turns into 503s, not hung calls. */
  queryTimeoutMs?: number;
  max?: number;
  onUsage?: UsageListener;
  /** The clock that decides which month's usage a lookup reads (the gateway's clock). */
  now?: () => number;
};

type Row = {
  hash: string;
  key_id: string;
  user_id: string;
  status: "active" | "inactive";
  expires_at: Date | null;
  deleted: boolean;
  suspended: boolean;
  slug: string;
  rpm: number;
  monthly_quota: number;
  month_used: string;
};

// One statement answers both questions the hot path has: what is this key, and how much
// of its account's quota is used. The usage sum reads the daily rollup, never raw calls.
const LOOKUP_SQL = `
WITH k AS (
  SELECT k.hash, k.id::text AS key_id, k.user_id, k.status::text AS status, k.expires_at,
         k.deleted_at IS NOT NULL AS deleted, u.suspended_at IS NOT NULL AS suspended, p.slug, p.rpm, p.monthly_quota
  FROM api_keys k
  JOIN users u ON u.id = k.user_id
  JOIN plans p ON p.id = u.plan_id
  WHERE k.hash = ANY($1::text[])
), used AS (
  SELECT d.user_id, SUM(d.billable)::bigint AS month_used
  FROM usage_daily d
  WHERE d.user_id IN (SELECT user_id FROM k) AND d.day >= $2::date AND d.day < $3::date
  GROUP BY d.user_id
)
SELECT k.hash, k.key_id, k.user_id::text AS user_id, k.status, k.expires_at, k.deleted, k.suspended,
       k.slug, k.rpm,
       k.monthly_quota, COALESCE(used.month_used, 0)::text AS month_used
FROM k LEFT JOIN used ON used.user_id = k.user_id`;

function timeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("database query timed out")), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The gateway's view of API keys. A hit costs no database round trip; a miss costs one
 * (concurrent misses for the same key share it). A background refresher re-reads every
 * cached entry in ONE query, so a disabled, deleted or expired key, or a plan change,
 * takes effect within about `refreshMs` (docs/gateway.md#limits: within 1 s).
 */
export class KeyCache {
  private readonly entries: LRUCache<string, KeyEntry>;
  private readonly unknown: LRUCache<string, true>;
  private readonly pending = new Map<string, Promise<KeyLookup>>();
  private readonly settings: Required<Omit<KeyCacheOptions, "onUsage" | "now">>;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** After a failed query, misses fail fast for a moment instead of queueing on a dead database. */
  private downUntil = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: KeyCacheOptions = {},
  ) {
    this.settings = {
      refreshMs: options.refreshMs ?? 250,
      graceMs: options.graceMs ?? 60_000,
      negativeTtlMs: options.negativeTtlMs ?? 750,
      negativeMax: options.negativeMax ?? 10_000,
      queryTimeoutMs: options.queryTimeoutMs ?? 2_000,
      max: options.max ?? 100_000,
    };
    // Keys unused for 10 minutes drop out, which also keeps the refresh query small.
    this.entries = new LRUCache({ max: this.settings.max, ttl: 600_000, updateAgeOnGet: true });
    this.unknown = new LRUCache({ max: this.settings.negativeMax, ttl: this.settings.negativeTtlMs });
  }

  /** Starts the background refresher. */
  start(): void {
    this.timer ??= setInterval(() => void this.refresh(), this.settings.refreshMs);
    this.timer.unref();
  }

  /** Stops the refresher and waits for a refresh in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing;
  }

  /** A fresh cached answer without any I/O, or undefined when the database must be asked. */
  peek(hash: string, now = Date.now()): KeyLookup | undefined {
    const entry = this.entries.get(hash);
    if (entry && now - entry.verifiedAt <= this.settings.graceMs) return { kind: "found", entry };
    if (this.unknown.has(hash)) return { kind: "unknown" };
    return undefined;
  }

  /** The key for a SHA-256 hash: from the cache, or from one (shared) database lookup. */
  lookup(hash: string): KeyLookup | Promise<KeyLookup> {
    const cached = this.peek(hash);
    if (cached) return cached;
    let pending = this.pending.get(hash);
    if (!pending) {
      pending = this.load(hash).finally(() => this.pending.delete(hash));
      this.pending.set(hash, pending);
    }
    return pending;
  }

  private async load(hash: string): Promise<KeyLookup> {
    if (Date.now() < this.downUntil) return { kind: "unavailable" };
    try {
      const rows = await this.query([hash]);
      const entry = rows.get(hash);
      if (entry) return { kind: "found", entry };
      this.entries.delete(hash);
      this.unknown.set(hash, true);
      return { kind: "unknown" };
    } catch {
      this.downUntil = Date.now() + 500;
      return { kind: "unavailable" };
    }
  }

  /** Re-reads every cached entry in one query. Exposed so tests and close() can force one. */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshAll().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshAll(): Promise<void> {
    this.entries.purgeStale();
    const hashes = [...this.entries.keys()];
    if (hashes.length === 0) return;
    try {
      const rows = await this.query(hashes);
      for (const hash of hashes) {
        // A key whose row is gone (its account was deleted) is unknown from now on.
        if (rows.has(hash)) continue;
        this.entries.delete(hash);
        this.unknown.set(hash, true);
      }
    } catch {
      // Entries keep their old verifiedAt and so expire from service after graceMs.
    }
  }

  private async query(hashes: string[]): Promise<Map<string, KeyEntry>> {
    const now = this.options.now?.() ?? Date.now();
    const month = monthOf(now);
    const result = await timeout(
      this.pool.query<Row>(LOOKUP_SQL, [hashes, month, monthOf(nextMonthStart(now))]),
      this.settings.queryTimeoutMs,
    );
    const found = new Map<string, KeyEntry>();
    const verifiedAt = Date.now();
    const seenUsers = new Set<string>();
    for (const row of result.rows) {
      const entry: KeyEntry = {
        hash: row.hash,
        keyId: row.key_id,
        userId: row.user_id,
        status: row.status,
        expiresAt: row.expires_at ? row.expires_at.getTime() : null,
        deleted: row.deleted,
        suspended: row.suspended,
        plan: { slug: row.slug, rpm: row.rpm, monthlyQuota: row.monthly_quota },
        verifiedAt,
      };
      // `noUpdateTTL` keeps the refresher from making idle keys look used.
      this.entries.set(row.hash, entry, { noUpdateTTL: this.entries.has(row.hash) });
      this.unknown.delete(row.hash);
      found.set(row.hash, entry);
      if (!seenUsers.has(row.user_id)) {
        seenUsers.add(row.user_id);
        this.options.onUsage?.(row.user_id, month, Number(row.month_used));
      }
    }
    return found;
  }
}
