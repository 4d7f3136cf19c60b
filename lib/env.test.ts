import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./env.ts";

describe("configuration", () => {
  it("has the README's configuration defaults", () => {
    const config = parseEnv({});
    expect(config.PORT).toBe(3000);
    expect(config.GATEWAY_PORT).toBe(8080);
    expect(config.SAMPLE_API_PORT).toBe(8081);
    expect(config.UPSTREAM_URL).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TRUST_PROXY).toBe(false);
    expect(config.SIGN_UP_LIMIT).toBe(10);
    expect(config.GATEWAY_BODY_LIMIT).toBe(10 * 1024 * 1024);
    expect(config.UPSTREAM_TIMEOUT_MS).toBe(30_000);
    expect(config.dataDir).toBe(path.resolve(".data"));
    expect(config).toMatchObject({
      CAPTURE_BODIES: "errors",
      CAPTURE_MAX_BYTES: 16_384,
      PAYLOAD_RETENTION_DAYS: 7,
    });
  });

  it("parses values and the upstream auth header", () => {
    const config = parseEnv({
      GATEWAY_PORT: "9000",
      TRUST_PROXY: "1",
      UPSTREAM_URL: "https://api.example.com/base",
      UPSTREAM_AUTH_HEADER: "X-Provider-Secret:  s3cr3t value",
    });
    expect(config.GATEWAY_PORT).toBe(9000);
    expect(config.TRUST_PROXY).toBe(true);
    expect(config.UPSTREAM_AUTH_HEADER).toEqual({ name: "x-provider-secret", value: "s3cr3t value" });
  });

  it.each([
    ["GATEWAY_PORT", "abc", /^Invalid GATEWAY_PORT: must be a port number/],
    ["PORT", "70000", /^Invalid PORT: must be a port number/],
    ["UPSTREAM_URL", "ftp://x", /^Invalid UPSTREAM_URL/],
    ["UPSTREAM_AUTH_HEADER", "no colon here", /^Invalid UPSTREAM_AUTH_HEADER: must look like `Name: value`/],
    ["DATABASE_URL", "mysql://x", /^Invalid DATABASE_URL: must be a postgres/],
    ["AUTH_SECRET", "short", /^Invalid AUTH_SECRET: must be at least 32 characters/],
    ["TRUST_PROXY", "yes", /^Invalid TRUST_PROXY/],
    ["SIGN_UP_LIMIT", "0", /^Invalid SIGN_UP_LIMIT: must be at least 1/],
    ["SIGN_UP_LIMIT", "ten", /^Invalid SIGN_UP_LIMIT/],
    ["REDIS_URL", "http://localhost:6379", /^Invalid REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
    ["REDIS_TIMEOUT_MS", "51", /^Invalid REDIS_TIMEOUT_MS: must be a whole number of milliseconds \(1-50\)/],
    ["METRICS_PORT", "0", /^Invalid METRICS_PORT: must be a port number/],
    ["LOG_FORMAT", "xml", /^Invalid LOG_FORMAT: must be text or json/],
    ["CALL_LOG_RETENTION_DAYS", "0", /^Invalid CALL_LOG_RETENTION_DAYS: must be a whole number of days/],
    ["CAPTURE_BODIES", "failures", /^Invalid CAPTURE_BODIES: must be errors, all or off/],
    ["CAPTURE_MAX_BYTES", "2000000", /^Invalid CAPTURE_MAX_BYTES: must be a whole number of bytes/],
    ["PAYLOAD_RETENTION_DAYS", "0", /^Invalid PAYLOAD_RETENTION_DAYS: must be a whole number of days/],
  ])("names the variable when %s=%s is bad", (name, value, message) => {
    expect(() => parseEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => parseEnv({ [name]: value })).toThrow(message);
  });
});
