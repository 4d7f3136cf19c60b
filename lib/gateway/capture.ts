// What the call log keeps of a call besides its numbers: the redacted query string for
// every call, and for the calls the capture mode selects, redacted headers and a capped
// prefix of each body. Secrets never reach the record: the key headers, cookies, the
// upstream auth header and any `tg_` key anywhere in a captured value become [REDACTED].
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallRecord, CapturedMessageRecord } from "../recorder/call-record.ts";
import type { QueryRedaction } from "./capture-settings.ts";
import type { ForwardOutcome } from "./forward.ts";

export const REDACTED = "[REDACTED]";

/** CAPTURE_BODIES: failed calls only (status >= 400, refusals, client aborts), every call, or none. */
export type CaptureMode = "errors" | "all" | "off";

/** How the running gateway captures calls (CAPTURE_BODIES, CAPTURE_MAX_BYTES, the redaction lists). */
export type CaptureSettings = {
  mode: CaptureMode;
  maxBytes: number;
  /** Lower-case header names whose values are never stored. */
  redactedHeaders: ReadonlySet<string>;
  /** The admin-edited query parameter names, kept current in the background. */
  query: Pick<QueryRedaction, "names">;
};

/** Query parameters redacted until an admin edits the list (the settings table starts with the same). */
export const DEFAULT_REDACTED_QUERY_PARAMS = [
  "key",
  "api_key",
  "apikey",
  "token",
  "access_token",
  "password",
  "secret",
  "signature",
  "sig",
] as const;

/** Headers whose values are never stored, whatever their content. */
const ALWAYS_REDACTED_HEADERS = ["authorization", "x-api-key", "cookie", "set-cookie", "proxy-authorization"];

/** The redacted header names: the fixed ones plus UPSTREAM_AUTH_HEADER's name, lower case. */
export function redactedHeaderNames(upstreamAuthHeader: string | undefined): ReadonlySet<string> {
  const names = new Set(ALWAYS_REDACTED_HEADERS);
  if (upstreamAuthHeader) names.add(upstreamAuthHeader.toLowerCase());
  return names;
}

// A Tollgate key is `tg_` + 28 base62 characters; 16 or more already make it a secret worth
// hiding (a key cut short, or glued to other text, is still most of a key); underscores are
// taken in so that two keys glued together (`tg_…tg_…`) go as one.
const KEY_PATTERN = /tg_[0-9A-Za-z_]{16,}/g;

/** Replaces every `tg_` key in a text with [REDACTED]. */
export function redactKeys(text: string): string {
  return text.includes("tg_") ? text.replace(KEY_PATTERN, REDACTED) : text;
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll("+", " ")).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/**
 * The query string as stored: parameters named in `names` (compared case-insensitively,
 * after percent-decoding the name) keep their name with the value [REDACTED]; everything
 * else stays exactly as sent, except `tg_` keys, which are redacted wherever they appear.
 */
export function redactQuery(query: string, names: ReadonlySet<string>): string {
  const parts = query.split("&");
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const at = part.indexOf("=");
    const name = at === -1 ? part : part.slice(0, at);
    // Every call with a query comes here: decode only names that need it.
    const plain = name.includes("%") || name.includes("+") ? decodeName(name) : name.toLowerCase();
    if (names.has(plain)) {
      parts[i] = `${name}=${REDACTED}`;
      changed = true;
    }
  }
  // A key percent-encoded into the query is still a key: base62 has nothing to encode,
  // so only a key split by an encoded character would slip through, and that is no key.
  return redactKeys(changed ? parts.join("&") : query);
}

/** The headers as [name, value] pairs in the order received, secrets redacted. */
export function captureRawHeaders(raw: readonly string[], redacted: ReadonlySet<string>): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    out.push([name, redacted.has(name.toLowerCase()) ? REDACTED : redactKeys(raw[i + 1]!)]);
  }
  return out;
}

/** The same for a header object (what the gateway wrote with writeHead or setHeader). */
export function captureHeaderObject(
  headers: Readonly<Record<string, string | number | readonly string[] | undefined>>,
  redacted: ReadonlySet<string>,
): [string, string][] {
  const out: [string, string][] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [String(value)]) {
      out.push([name, redacted.has(name.toLowerCase()) ? REDACTED : redactKeys(String(one))]);
    }
  }
  return out;
}

/**
 * Counts a body as it streams past and keeps references to its chunks until `max` bytes
 * are held: no copy while streaming, so the client's stream is never delayed. The prefix
 * is joined and decoded only if the call is recorded with its payload.
 */
export class BodyTap {
  bytes = 0;
  private held = 0;
  private readonly chunks: Buffer[] = [];

  constructor(private readonly max: number) {}

  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.held < this.max) {
      this.chunks.push(chunk);
      this.held += chunk.length;
    }
  }

  /** The kept prefix, at most `max` bytes. */
  prefix(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    return all.length > this.max ? all.subarray(0, this.max) : all;
  }
}

// Content types stored as text; anything else (images, protobuf, compressed bodies) is kept
// as type and size only.
const TEXT_TYPE =
  /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|x-ndjson|graphql|yaml|x-yaml|csv|problem\+json))/i;

function isText(contentType: string | null, contentEncoding: string | null, sample: Buffer): boolean {
  if (contentEncoding && contentEncoding !== "identity") return false;
  if (contentType) return TEXT_TYPE.test(contentType);
  // No type given: text if the prefix has no NUL byte and decodes as UTF-8.
  if (sample.includes(0)) return false;
  return !sample.toString("utf8").includes("\uFFFD");
}

/** What one side of a call keeps: its headers, and its body as text when it is text. */
export function capturedMessage(
  headers: [string, string][],
  tap: BodyTap | null,
  bytes: number,
  max: number,
): CapturedMessageRecord {
  const contentType = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1] ?? null;
  const encoding = headers.find(([name]) => name.toLowerCase() === "content-encoding")?.[1] ?? null;
  const size = tap ? tap.bytes : bytes;
  let body: string | null = null;
  if (tap && tap.bytes > 0 && max > 0) {
    const prefix = tap.prefix();
    if (isText(contentType, encoding, prefix)) {
      // A cut through a multi-byte character decodes as U+FFFD: drop that half character.
      let text = prefix.toString("utf8");
      if (tap.bytes > max && text.endsWith("\uFFFD")) text = text.slice(0, -1);
      body = redactKeys(text.replaceAll("\u0000", ""));
    }
  }
  return {
    headers,
    body,
    bytes: size,
    // Truncated: the body was bigger than what was kept (or could be kept, for the gateway's own).
    truncated: tap ? tap.bytes > max : false,
    contentType: contentType?.slice(0, 200) ?? null,
  };
}

/**
 * The payload of a call the capture mode selected, built once its response closed: the
 * request's headers as received and its kept body prefix; the response's headers and body
 * as the client was sent them (the upstream's, or the gateway's own error). A body the
 * gateway did not read (a refused call) or did not keep (a 2xx answer whose client then
 * left, in `errors` mode) is recorded as its size only.
 */
export function payloadOf(
  req: IncomingMessage,
  res: ServerResponse,
  outcome: ForwardOutcome,
  capture: CaptureSettings,
): NonNullable<CallRecord["payload"]> {
  const { maxBytes, redactedHeaders } = capture;
  let responseBody = outcome.responseBody;
  if (!responseBody && outcome.gatewayBody !== null) {
    responseBody = new BodyTap(maxBytes);
    responseBody.add(Buffer.from(outcome.gatewayBody));
  }
  const responseHeaders = outcome.responseHeaders
    ? captureHeaderObject(outcome.responseHeaders, redactedHeaders)
    : captureHeaderObject(res.getHeaders(), redactedHeaders);
  return {
    request: capturedMessage(
      captureRawHeaders(req.rawHeaders, redactedHeaders),
      outcome.requestBody,
      outcome.requestBytes,
      maxBytes,
    ),
    response: capturedMessage(responseHeaders, responseBody, outcome.responseBytes, maxBytes),
  };
}
