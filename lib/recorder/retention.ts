import type pg from "pg";

// Through the created_at index, a few thousand rows per statement: each statement is short,
// so retention never holds locks or a long transaction against the recorder's writes.
const DELETE_SQL = `
DELETE FROM call_payloads
 WHERE (request_id, created_at) IN (
   SELECT request_id, created_at FROM call_payloads
    WHERE created_at < now() - make_interval(days => $1)
    LIMIT $2)`;

/**
 * Deletes captured payloads older than `days`, in bulk batches (never row by row on the
 * hot path). The calls themselves stay. Returns how many payloads were deleted.
 */
export async function deleteExpiredPayloads(pool: pg.Pool, days: number, batchSize = 5_000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rowCount } = await pool.query(DELETE_SQL, [days, batchSize]);
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return deleted;
  }
}

/**
 * Runs {@link deleteExpiredPayloads} at start and then every `everyMs` (hourly by default).
 * Several gateway instances may each run it: deleting what another just deleted is a no-op.
 */
export class PayloadRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly days: number,
    private readonly onError: (message: string) => void,
    private readonly everyMs = 60 * 60 * 1000,
  ) {}

  /** One pass now; a pass already running is joined rather than doubled. */
  run(): Promise<void> {
    this.running ??= deleteExpiredPayloads(this.pool, this.days)
      .then(
        () => undefined,
        (error: unknown) => this.onError(`payload retention: ${(error as Error).message}`),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  start(): void {
    void this.run();
    this.timer ??= setInterval(() => void this.run(), this.everyMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
