import type pg from "pg";
import type { CallRecord } from "./call-record.ts";
import { listSpool, readSpool, removeSpool, SpoolWriter } from "./spool.ts";
import { writeCalls } from "./sql.ts";

export type { CallRecord } from "./call-record.ts";

/** Told about every batch write of records from this process, so quota counters stay honest. */
export type RecorderHooks = {
  writing?: (records: readonly CallRecord[]) => void;
  written?: (records: readonly CallRecord[], committed: boolean) => void;
};

export type RecorderOptions = {
  /** Folder for spool files (DATA_DIR/spool). */
  spoolDir: string;
  flushMs?: number;
  batchSize?: number;
  /** Above this many records waiting in memory (a slow database), `backlogged` is true. */
  memoryLimit?: number;
  /** Wait after a failed write before trying again (ms). */
  retryMs?: number;
  /**
   * A write that takes longer counts as failed, so an unresponsive database cannot hold
   * up shutdown. Safe: if it commits after all, the retry skips the stored records.
   */
  writeTimeoutMs?: number;
  hooks?: RecorderHooks;
  onError?: (message: string) => void;
};

// SQLSTATE classes that mean "the database is unreachable or busy", worth retrying as is.
// Anything else is a problem with the data, and the batch is split to isolate the bad row.
const TRANSIENT = /^(08|40|53|57|58|XX)/;

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code !== "string" || code.length !== 5 || TRANSIENT.test(code);
}

/**
 * Batches call records into PostgreSQL: no database round trip per call, one statement per
 * batch of up to `batchSize`, flushed every `flushMs`. From the first failed write until the
 * database takes writes again (tried every `retryMs`), records go to an append-only spool
 * file instead, fsynced every `flushMs`, so a crash during an outage loses no more than a
 * crash loses normally; the spool is replayed when the database is back (idempotent by
 * request id). close() writes everything (or spools it) before resolving.
 */
export class Recorder {
  private buffer: CallRecord[] = [];
  private readonly settings: Required<Omit<RecorderOptions, "hooks" | "onError">>;
  private readonly spool: SpoolWriter;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Appends to and seals of the spool, one after another, apart from database writes. */
  private spooling: Promise<void> = Promise.resolve();
  /** The last write failed: new records go to the spool until a replay succeeds. */
  private outage = false;
  private retryAt = 0;
  /** Spool files may exist (from this run or an earlier one) and should be replayed. */
  private spoolPending = true;
  /** Spool files this process wrote: their records are still in its quota counters. */
  private readonly ownSpool = new Set<string>();
  private written = 0;
  private spilled = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: RecorderOptions,
  ) {
    this.settings = {
      spoolDir: options.spoolDir,
      flushMs: options.flushMs ?? 200,
      batchSize: options.batchSize ?? 1000,
      memoryLimit: options.memoryLimit ?? 100_000,
      retryMs: options.retryMs ?? 1000,
      writeTimeoutMs: options.writeTimeoutMs ?? 15_000,
    };
    this.spool = new SpoolWriter(options.spoolDir);
  }

  start(): void {
    this.timer ??= setInterval(() => {
      // Spooling does not wait for a write that hangs on an unresponsive database.
      if (this.outage) void this.spill();
      if (Date.now() >= this.retryAt) void this.flush();
    }, this.settings.flushMs);
    this.timer.unref();
  }

  /** Queues one record; never waits and never throws. */
  record(record: CallRecord): void {
    this.buffer.push(record);
    if (this.buffer.length >= this.settings.batchSize && !this.outage) void this.flush("full batches");
  }

  /** Records waiting in memory (not yet written, not spooled). */
  get pending(): number {
    return this.buffer.length;
  }

  /** Records this process has moved to spool files so far. */
  get spooled(): number {
    return this.spilled;
  }

  /** More records wait in memory than it should hold: the database is not keeping up. */
  get backlogged(): boolean {
    return this.buffer.length >= this.settings.memoryLimit;
  }

  /** Records this process has committed so far. */
  get committed(): number {
    return this.written;
  }

  /**
   * Writes everything queued so far; resolves when done or when the database failed. With
   * "full batches" (a batch's worth queued before the next tick), only whole batches: the rest
   * waits for the tick. Writing each remainder at once instead would keep the recorder writing
   * back to back under load in batches of whatever arrived during the last write, and a
   * batch's fixed cost (round trips, planning, a transaction) would be paid every few calls.
   */
  flush(what: "everything" | "full batches" = "everything"): Promise<void> {
    this.flushing ??= this.drain(what).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stops the timer and writes every record, spooling what the database will not take. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    this.retryAt = 0;
    await this.flush();
    await this.spill();
    await this.seal();
  }

  private async drain(what: "everything" | "full batches"): Promise<void> {
    if (!this.outage && !(await this.writeBuffer(what === "everything" ? 1 : this.settings.batchSize)))
      return;
    if (!this.spoolPending && !this.outage) return;
    // In an outage everything waiting goes to the spool first, so that the records are on
    // disk while a write hangs on an unresponsive database.
    if (this.outage) await this.spill();
    if (!(await this.replay())) return;
    if (this.outage) {
      // The sealed files were written: now the one still open, which proves the database is back.
      await this.seal();
      if (!(await this.replay())) return;
      this.outage = false;
      // Records spooled while that replay ran went to a new file, for the next flush.
      await this.seal();
      this.spoolPending = true;
      // Records the spool could not take (an unwritable DATA_DIR) are still in memory.
      await this.writeBuffer();
    }
  }

  /**
   * Writes what is in memory in batches while at least `least` records wait; false when an
   * outage begins (the rest is spooled).
   */
  private async writeBuffer(least = 1): Promise<boolean> {
    while (this.buffer.length >= least) {
      const batch = this.buffer.splice(0, this.settings.batchSize);
      if (!(await this.write(batch, true))) {
        this.buffer.unshift(...batch);
        this.outage = true;
        this.retryAt = Date.now() + this.settings.retryMs;
        await this.spill();
        return false;
      }
    }
    return true;
  }

  /** Writes a batch; false when the database is unreachable (the batch is kept). */
  private async write(batch: CallRecord[], own: boolean): Promise<boolean> {
    if (own) this.options.hooks?.writing?.(batch);
    try {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        writeCalls(this.pool, batch),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("write timed out")), this.settings.writeTimeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      this.written += batch.length;
      if (own) this.options.hooks?.written?.(batch, true);
      return true;
    } catch (error) {
      if (own) this.options.hooks?.written?.(batch, false);
      if (isTransient(error)) return false;
      return this.isolate(batch, own, error);
    }
  }

  /** A data error: split the batch until the offending record is alone, then drop it. */
  private async isolate(batch: CallRecord[], own: boolean, error: unknown): Promise<boolean> {
    if (batch.length === 1) {
      this.options.onError?.(
        `recorder: dropped call ${batch[0]?.requestId} the database refused: ${(error as Error).message}`,
      );
      return true;
    }
    const half = Math.ceil(batch.length / 2);
    return (await this.write(batch.slice(0, half), own)) && (await this.write(batch.slice(half), own));
  }

  /** Appends every record in memory to the open spool file. */
  private spill(): Promise<void> {
    return this.spoolTask(async () => {
      const records = this.buffer.splice(0, this.buffer.length);
      try {
        await this.spool.append(records);
        this.spilled += records.length;
        this.spoolPending ||= records.length > 0;
      } catch (error) {
        this.buffer.unshift(...records);
        this.options.onError?.(`recorder: could not write the spool: ${(error as Error).message}`);
      }
    });
  }

  /** Seals the open spool file so it can be replayed, remembering it as this process's own. */
  private seal(): Promise<void> {
    return this.spoolTask(async () => {
      try {
        const file = await this.spool.seal();
        if (file) this.ownSpool.add(file);
      } catch (error) {
        this.options.onError?.(`recorder: could not seal the spool: ${(error as Error).message}`);
      }
    });
  }

  /** Runs appends and seals one after another (each task handles its own errors). */
  private spoolTask(task: () => Promise<void>): Promise<void> {
    this.spooling = this.spooling.then(task);
    return this.spooling;
  }

  /** Writes spooled records, deleting each file only after all its records committed. */
  private async replay(): Promise<boolean> {
    for (const file of await listSpool(this.settings.spoolDir)) {
      const records = await readSpool(file);
      const own = this.ownSpool.has(file);
      for (let i = 0; i < records.length; i += this.settings.batchSize) {
        if (!(await this.write(records.slice(i, i + this.settings.batchSize), own))) {
          this.retryAt = Date.now() + this.settings.retryMs;
          return false;
        }
      }
      await removeSpool(file);
      this.ownSpool.delete(file);
    }
    this.spoolPending = false;
    return true;
  }
}
