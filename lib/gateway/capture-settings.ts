import type pg from "pg";
import { REDACTED_QUERY_PARAMS_SETTING, redactedQueryParamsSchema } from "../schemas/capture-settings.ts";
import { DEFAULT_REDACTED_QUERY_PARAMS } from "./capture.ts";

/**
 * The redacted query parameter names, as an admin last saved them, re-read every few
 * seconds (one indexed row) so an edit reaches every gateway instance without a restart.
 * Until the first read, and while the database is down, the last known list applies.
 */
export class QueryRedaction {
  names: ReadonlySet<string> = new Set(DEFAULT_REDACTED_QUERY_PARAMS);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly refreshMs = 5_000,
  ) {}

  /** Reads the list now; keeps the current one if the database cannot answer. */
  async refresh(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ value: unknown }>(
        "SELECT value FROM settings WHERE name = $1",
        [REDACTED_QUERY_PARAMS_SETTING],
      );
      const parsed = redactedQueryParamsSchema.safeParse(
        rows[0]?.value ?? [...DEFAULT_REDACTED_QUERY_PARAMS],
      );
      if (parsed.success) this.names = new Set(parsed.data);
    } catch {
      // Database unreachable: the last list stays, calls go on.
    }
  }

  /** Re-reads the list every refreshMs (call refresh() first to start with the stored one). */
  start(): void {
    this.timer ??= setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
