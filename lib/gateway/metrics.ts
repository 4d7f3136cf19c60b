import http from "node:http";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CallRecord } from "../recorder/call-record.ts";
import type { LimiterMode } from "./limiter.ts";

/** What the gauges read when Prometheus scrapes. */
export type MetricSources = {
  pendingRecords: () => number;
  spooledRecords: () => number;
  limiterMode: () => LimiterMode;
};

// Seconds, from well under a millisecond (refusals) to the upstream timeout.
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const STATUS_CLASSES = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways can run in
 * one process, as in the tests). Fed from call records, so it counts what the call log shows.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<"status_class" | "outcome">;
  private readonly latency: Histogram;
  private readonly upstreamLatency: Histogram;
  private readonly rateLimited: Counter;
  private readonly quotaExceeded: Counter;
  private readonly batchWrite: Histogram;
  private readonly fallbackCalls: Counter;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.calls = new Counter({
      name: "tollgate_gateway_calls_total",
      help: "Calls made with a key of an account, by status class and outcome (forwarded or the gateway's error code)",
      labelNames: ["status_class", "outcome"],
      registers,
    });
    this.latency = new Histogram({
      name: "tollgate_gateway_call_duration_seconds",
      help: "Total time from a call's arrival to the end of its answer",
      buckets: BUCKETS,
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: "tollgate_gateway_upstream_duration_seconds",
      help: "Time the upstream took to send its response headers",
      buckets: BUCKETS,
      registers,
    });
    this.rateLimited = new Counter({
      name: "tollgate_gateway_rate_limited_total",
      help: "Calls refused with 429 rate_limited",
      registers,
    });
    this.quotaExceeded = new Counter({
      name: "tollgate_gateway_quota_exceeded_total",
      help: "Calls refused with 429 quota_exceeded",
      registers,
    });
    this.batchWrite = new Histogram({
      name: "tollgate_recorder_batch_write_seconds",
      help: "Time to write one batch of call records (with its rollups) to PostgreSQL",
      buckets: BUCKETS,
      registers,
    });
    new Gauge({
      name: "tollgate_recorder_queue_length",
      help: "Call records waiting in memory to be written",
      registers,
      collect() {
        this.set(sources.pendingRecords());
      },
    });
    new Gauge({
      name: "tollgate_recorder_spooled_records",
      help: "Call records this process moved to spool files because PostgreSQL did not take them",
      registers,
      collect() {
        this.set(sources.spooledRecords());
      },
    });
    this.fallbackCalls = new Counter({
      name: "tollgate_redis_fallback_calls_total",
      help: "Calls whose rate limit and quota this instance decided alone because Redis did not answer in time",
      registers,
    });
    new Gauge({
      name: "tollgate_redis_fallback",
      help: "1 while Redis is configured but not answering and limits are per instance, else 0",
      registers,
      collect() {
        this.set(sources.limiterMode() === "fallback" ? 1 : 0);
      },
    });
  }

  /** Counts one finished call. */
  observe(record: CallRecord): void {
    const status = STATUS_CLASSES[Math.floor(record.status / 100)] ?? "other";
    this.calls.inc({ status_class: status, outcome: record.errorCode ?? "forwarded" });
    this.latency.observe(record.latencyMs / 1000);
    if (record.upstreamLatencyMs !== null) this.upstreamLatency.observe(record.upstreamLatencyMs / 1000);
    if (record.errorCode === "rate_limited") this.rateLimited.inc();
    else if (record.errorCode === "quota_exceeded") this.quotaExceeded.inc();
  }

  /** Notes how long one batch write took. */
  batchWritten(seconds: number): void {
    this.batchWrite.observe(seconds);
  }

  /** Counts one call decided without Redis (see tollgate_redis_fallback_calls_total). */
  fallbackCall(): void {
    this.fallbackCalls.inc();
  }

  /** Serves GET /metrics on its own port (kept off the gateway's public port). */
  async listen(port: number, hostname: string): Promise<{ url: string; close: () => Promise<void> }> {
    const server = http.createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": this.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, hostname, resolve);
    });
    const address = server.address();
    const bound = typeof address === "object" && address ? address.port : port;
    const host = ["0.0.0.0", "::"].includes(hostname) ? "localhost" : hostname;
    return {
      url: `http://${host}:${bound}/metrics`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }
}
