/**
 * A maintenance pass run at start and then every `everyMs` (hourly by default) in every
 * gateway process; each pass must be safe to run in several processes at once. Errors go
 * to `onError` (a failed pass is retried at the next tick), never to the caller.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly pass: () => Promise<unknown>,
    private readonly onError: (message: string) => void,
    private readonly everyMs = 60 * 60 * 1000,
  ) {}

  /** One pass now; a pass already running is joined rather than doubled. */
  run(): Promise<void> {
    this.running ??= this.pass()
      .then(
        () => undefined,
        (error: unknown) => this.onError(`${this.name}: ${(error as Error).message}`),
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
