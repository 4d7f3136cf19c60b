import path from "node:path";
import { z } from "zod";

const port = z.coerce
  .number({ error: "must be a port number (1-65535)" })
  .int("must be a port number (1-65535)")
  .min(1, "must be a port number (1-65535)")
  .max(65535, "must be a port number (1-65535)");
const flag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const headerLine = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+:\s*\S.*$/, "must look like `Name: value`")
  .transform((line) => {
    const at = line.indexOf(":");
    return { name: line.slice(0, at).trim().toLowerCase(), value: line.slice(at + 1).trim() };
  });

/** Capture defaults, also used by callers of the gateway that pass no configuration for it (tests). */
export const CAPTURE_DEFAULTS = { mode: "errors", maxBytes: 16 * 1024, retentionDays: 7 } as const;

const schema = z.object({
  PORT: port.default(3000),
  GATEWAY_PORT: port.default(8080),
  SAMPLE_API_PORT: port.default(8081),
  UPSTREAM_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  UPSTREAM_AUTH_HEADER: headerLine.optional(),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  GATEWAY_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
  /** How long a stop lets in-flight gateway calls finish before cutting them off. */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(25_000),
  /** Which calls keep redacted headers and capped bodies: failed ones, every one, or none. */
  CAPTURE_BODIES: z
    .enum(["errors", "all", "off"], { error: "must be errors, all or off" })
    .default(CAPTURE_DEFAULTS.mode),
  /** Bytes of each request and response body kept per captured call. */
  CAPTURE_MAX_BYTES: z.coerce
    .number({ error: "must be a whole number of bytes (0-1048576)" })
    .int("must be a whole number of bytes (0-1048576)")
    .min(0, "must be a whole number of bytes (0-1048576)")
    .max(1024 * 1024, "must be a whole number of bytes (0-1048576)")
    .default(CAPTURE_DEFAULTS.maxBytes),
  /** Captured headers and bodies are deleted after this many days (calls themselves stay). */
  PAYLOAD_RETENTION_DAYS: z.coerce
    .number({ error: "must be a whole number of days (1-3650)" })
    .int("must be a whole number of days (1-3650)")
    .min(1, "must be a whole number of days (1-3650)")
    .max(3650, "must be a whole number of days (1-3650)")
    .default(CAPTURE_DEFAULTS.retentionDays),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  TRUST_PROXY: flag,
  /** Accounts one client address may create per hour (sign-up throttle). */
  SIGN_UP_LIMIT: z.coerce.number().int().min(1, "must be at least 1").default(10),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  HOSTNAME: z.string().min(1).default("0.0.0.0"),
  /** Shared rate-limit and quota counters for several gateway instances; unset: in-process. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  /** A Redis answer slower than this falls back to per-instance limits for the call. */
  REDIS_TIMEOUT_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds (1-50)" })
    .int("must be a whole number of milliseconds (1-50)")
    .min(1, "must be a whole number of milliseconds (1-50)")
    .max(50, "must be a whole number of milliseconds (1-50)")
    .default(50),
  /** Prometheus metrics port for the gateway (GET /metrics); unset: no metrics server. */
  METRICS_PORT: port.optional(),
  LOG_FORMAT: z.enum(["text", "json"], { error: "must be text or json" }).default("text"),
  /** Raw calls are kept this many days (time partitions); the daily rollups are kept forever. */
  CALL_LOG_RETENTION_DAYS: z.coerce
    .number({ error: "must be a whole number of days (at least 1)" })
    .int("must be a whole number of days (at least 1)")
    .min(1, "must be a whole number of days (at least 1)")
    .default(90),
  /** The gateway's public URL, shown in the dashboard's curl examples (set by scripts/start.ts). */
  GATEWAY_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .default("http://localhost:8080"),
  /** Where `next build` writes and `next start` reads; lets parallel test runs coexist. */
  NEXT_DIST_DIR: z.string().min(1).default(".next"),
});

export type Env = z.infer<typeof schema> & { dataDir: string };

/** Thrown for a bad configuration value; its message is one line naming the variable. */
export class ConfigError extends Error {}

/** Parses configuration from an environment; throws ConfigError on the first bad value. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? "configuration");
    throw new ConfigError(`Invalid ${name}: ${issue?.message ?? "bad value"} (got "${source[name] ?? ""}")`);
  }
  return { ...result.data, dataDir: path.resolve(result.data.DATA_DIR) };
}

let cached: Env | undefined;

/** The validated configuration of this process (the only reader of process.env). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
