import { z } from "zod";
import type { SessionUser } from "../actor.ts";
import { db } from "../db/client.ts";
import type { CallFilters, Cursor, StatusTerm } from "../schemas/call-filters.ts";
import { callOutcomes, type CallOutcome } from "../schemas/outcome.ts";

/** One recorded call as the call log shows it, with its key's display name. */
export type CallRow = {
  /** The row id (a bigint in the database; a string here so it survives JSON). */
  id: string;
  requestId: string;
  keyId: string;
  /** The key's name, or null if the key row is gone. */
  keyName: string | null;
  /** `tg_AbCd…wxyz`, or null if the key row is gone. */
  keyLabel: string | null;
  method: string;
  path: string;
  /** The query string without `?`, secret-looking parameters `[REDACTED]`; null when there was none. */
  query: string | null;
  status: number;
  outcome: CallOutcome;
  /** Receipt → the end of the response. */
  latencyMs: number;
  /** Receipt → the upstream's response headers; null when the upstream never answered. */
  upstreamLatencyMs: number | null;
  /** Receipt → the upstream's first body byte. */
  ttfbMs: number | null;
  /** Receipt → the upstream's last byte, or its failure; null when the call was not forwarded. */
  upstreamDoneMs: number | null;
  /** Gateway overhead: before the upstream was asked + after it finished (never its streaming time). */
  gatewayMs: number | null;
  requestBytes: number;
  responseBytes: number;
  ip: string;
  userAgent: string | null;
  errorCode: string | null;
  billable: boolean;
  createdAt: Date;
};

export type CallPage = {
  rows: CallRow[];
  /** Where the next-older page starts, or null on the oldest page. */
  older: Cursor | null;
  /** Where the next-newer page starts, or null when this page holds the newest rows. */
  newer: Cursor | null;
};

/** The call log's page size. */
export const PAGE_SIZE = 50;

// Raw SQL for the call log: keyset pages over the partitioned calls table with filters chosen
// at run time, each spelled to match its index (docs/bench/dashboard.md); rows checked by zod.
const dbRow = z.object({
  id: z.string(),
  request_id: z.string(),
  key_id: z.string(),
  key_name: z.string().nullable(),
  key_prefix: z.string().nullable(),
  key_last4: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  query: z.string().nullable(),
  status: z.number().int(),
  outcome: z.enum(callOutcomes),
  latency_ms: z.number(),
  upstream_latency_ms: z.number().nullable(),
  ttfb_ms: z.number().nullable(),
  upstream_done_ms: z.number().nullable(),
  gateway_ms: z.number().nullable(),
  // bigint columns, read as text (a JavaScript number is exact up to 2^53 bytes).
  request_bytes: z.coerce.number(),
  response_bytes: z.coerce.number(),
  ip: z.string(),
  user_agent: z.string().nullable(),
  error_code: z.string().nullable(),
  billable: z.boolean(),
  created_at: z.date(),
});

const SELECT = `
  SELECT c.id::text AS id, c.request_id, c.key_id, k.name AS key_name, k.prefix AS key_prefix,
         k.last4 AS key_last4, c.method, c.path, c.query, c.status, c.outcome::text AS outcome,
         c.latency_ms, c.upstream_latency_ms, c.ttfb_ms, c.upstream_done_ms, c.gateway_ms,
         c.request_bytes::text AS request_bytes, c.response_bytes::text AS response_bytes, c.ip,
         c.user_agent, c.error_code, c.billable, c.created_at
    FROM calls c
    LEFT JOIN api_keys k ON k.id = c.key_id AND k.user_id = c.user_id`;

/** A call log row from the database, checked. */
function toRow(raw: unknown): CallRow {
  const row = dbRow.parse(raw);
  return {
    id: row.id,
    requestId: row.request_id,
    keyId: row.key_id,
    keyName: row.key_name,
    keyLabel: row.key_prefix && row.key_last4 ? `${row.key_prefix}…${row.key_last4}` : null,
    method: row.method,
    path: row.path,
    query: row.query,
    status: row.status,
    outcome: row.outcome,
    latencyMs: row.latency_ms,
    upstreamLatencyMs: row.upstream_latency_ms,
    ttfbMs: row.ttfb_ms,
    upstreamDoneMs: row.upstream_done_ms,
    gatewayMs: row.gateway_ms,
    requestBytes: row.request_bytes,
    responseBytes: row.response_bytes,
    ip: row.ip,
    userAgent: row.user_agent,
    errorCode: row.error_code,
    billable: row.billable,
    createdAt: row.created_at,
  };
}

// "Failed" everywhere (lib/schemas/outcome.ts isFailure): an error status or a client that hung
// up before the answer was complete. Spelled exactly as migration 0010's partial index.
const FAILED_SQL = "c.status >= 400 OR c.outcome = 'client_aborted'";

/** The SQL condition for one status term; every form matches an index (0001, 0005, 0010). */
function statusSql(term: StatusTerm, add: (value: unknown) => string): string {
  switch (term.kind) {
    case "failed":
      return `(${FAILED_SQL})`;
    case "success":
      return `NOT (${FAILED_SQL})`;
    case "class":
      return `c.status / 100 = ${add(term.hundreds)}`;
    case "code":
      return `c.status = ${add(term.code)}`;
  }
}

/** `%text%` for ILIKE, with the user's own % and _ matched literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * The WHERE conditions for a user's filtered calls except the status, which may be a list
 * (see `pageSql`). Every single filter has an index that starts with (user_id, <column>) and
 * goes on in (created_at, id) order, so a page never scans the whole history; `q` text and
 * endpoint patterns are the exceptions, filtered while walking the history newest first.
 */
function commonWhere(user: SessionUser, filters: CallFilters, add: (value: unknown) => string): string[] {
  const where = [`c.user_id = ${add(user.id)}`];
  if (filters.key) where.push(`c.key_id = ${add(filters.key)}`);
  if (filters.error) where.push(`c.error_code = ${add(filters.error)}`);
  if (filters.method) where.push(`c.method = ${add(filters.method)}`);
  if (filters.endpoint?.kind === "path") where.push(`c.path = ${add(filters.endpoint.path)}`);
  if (filters.endpoint?.kind === "pattern") {
    where.push(`endpoint_pattern(c.path) = ${add(filters.endpoint.pattern)}`);
  }
  if (filters.q?.kind === "request-id") where.push(`c.request_id = ${add(filters.q.requestId)}`);
  if (filters.q?.kind === "text") {
    const pattern = add(containsPattern(filters.q.text));
    where.push(`(c.path ILIKE ${pattern} OR c.query ILIKE ${pattern})`);
  }
  if (filters.ip) where.push(`c.ip = ${add(filters.ip)}`);
  if (filters.from) where.push(`c.created_at >= ${add(filters.from)}`);
  if (filters.to) where.push(`c.created_at < ${add(filters.to)}`);
  return where;
}

/**
 * One keyset page (newest or oldest first from `cursor`) as SQL. A status list such as
 * `429,503` becomes a UNION of one index-ordered, LIMITed query per term: an OR of the terms
 * would read every matching row and sort them.
 */
function pageSql(
  user: SessionUser,
  filters: CallFilters,
  cursor: Cursor | undefined,
  newestFirst: boolean,
  limit: number,
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const add = (value: unknown) => `$${params.push(value)}`;
  const where = commonWhere(user, filters, add);
  if (cursor) {
    const at = add(cursor.createdAt);
    const id = add(cursor.id.toString());
    where.push(`(c.created_at, c.id) ${newestFirst ? "<" : ">"} (${at}, ${id}::bigint)`);
  }
  const dir = newestFirst ? "DESC" : "ASC";
  const terms = (filters.status ?? []).map((term) => statusSql(term, add));
  const one = (extra: string | undefined) =>
    `${SELECT} WHERE ${[...where, ...(extra ? [extra] : [])].join(" AND ")}
     ORDER BY c.created_at ${dir}, c.id ${dir} LIMIT ${limit}`;
  if (terms.length <= 1) return { text: one(terms[0]), params };
  const union = terms.map((term) => `(${one(term)})`).join(" UNION ");
  return {
    text: `SELECT * FROM (${union}) u ORDER BY u.created_at ${dir}, u.id::bigint ${dir} LIMIT ${limit}`,
    params,
  };
}

function cursorOf(row: CallRow, direction: Cursor["direction"]): Cursor {
  return { direction, createdAt: row.createdAt, id: BigInt(row.id) };
}

/**
 * One page of the user's calls, newest first, by keyset pagination on (created_at, id):
 * pages stay stable while new calls arrive, and a deep page costs the same as the first.
 * `filters.cursor` says where to start and in which direction.
 */
export async function listCalls(
  user: SessionUser,
  filters: CallFilters,
  pageSize = PAGE_SIZE,
): Promise<CallPage> {
  const cursor = filters.cursor;
  const newerFirst = cursor?.direction !== "newer";
  const { text, params } = pageSql(user, filters, cursor, newerFirst, pageSize + 1);
  const { rows } = await db().pool.query(text, params);
  const hasMore = rows.length > pageSize;
  const page = rows.slice(0, pageSize).map(toRow);
  if (!newerFirst) page.reverse();
  const first = page[0];
  const last = page.at(-1);
  if (!first || !last) {
    // Past either end: offer the way back rather than a dead end.
    return {
      rows: [],
      older: cursor?.direction === "newer" ? { ...cursor, direction: "older" } : null,
      newer: cursor?.direction === "older" ? { ...cursor, direction: "newer" } : null,
    };
  }
  return {
    rows: page,
    older: newerFirst ? (hasMore ? cursorOf(last, "older") : null) : cursorOf(last, "older"),
    newer: newerFirst
      ? cursor
        ? cursorOf(first, "newer")
        : null
      : hasMore
        ? cursorOf(first, "newer")
        : null,
  };
}

/** One of the user's calls by its row id; null for a missing id or another user's call. */
export async function getCall(user: SessionUser, id: string): Promise<CallRow | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const { rows } = await db().pool.query(`${SELECT} WHERE c.id = $1 AND c.user_id = $2`, [id, user.id]);
  return rows[0] ? toRow(rows[0]) : null;
}

const headerList = z.array(z.tuple([z.string(), z.string()]));

/** One side (request or response) of a captured call. */
export type CapturedMessage = {
  /** [name, value] pairs as sent, secrets `[REDACTED]`; null when headers were not kept. */
  headers: [string, string][] | null;
  /** A prefix of at most CAPTURE_MAX_BYTES as text; null for a binary or empty body. */
  body: string | null;
  /** The body's true size in bytes, whatever was kept. */
  bytes: number;
  /** Only a prefix of the body was kept. */
  truncated: boolean;
  contentType: string | null;
};

/** What the capture mode kept of a call (CAPTURE_BODIES): both sides, redacted. */
export type CallPayload = { request: CapturedMessage; response: CapturedMessage };

/** One call with everything recorded about it: the call log row plus its payload, if captured. */
export type CallDetail = CallRow & { payload: CallPayload | null };

// Typed here rather than cast: jsonb and bigint columns come back as JSON and strings.
const payloadRow = z.object({
  p_request_headers: headerList.nullable(),
  p_response_headers: headerList.nullable(),
  p_request_body: z.string().nullable(),
  p_response_body: z.string().nullable(),
  p_request_body_bytes: z.coerce.number().nullable(),
  p_response_body_bytes: z.coerce.number().nullable(),
  p_request_truncated: z.boolean().nullable(),
  p_response_truncated: z.boolean().nullable(),
  p_request_content_type: z.string().nullable(),
  p_response_content_type: z.string().nullable(),
});

function payloadOf(row: z.infer<typeof payloadRow>): CallPayload | null {
  if (row.p_request_body_bytes === null) return null;
  return {
    request: {
      headers: row.p_request_headers,
      body: row.p_request_body,
      bytes: row.p_request_body_bytes,
      truncated: row.p_request_truncated ?? false,
      contentType: row.p_request_content_type,
    },
    response: {
      headers: row.p_response_headers,
      body: row.p_response_body,
      bytes: row.p_response_body_bytes ?? 0,
      truncated: row.p_response_truncated ?? false,
      contentType: row.p_response_content_type,
    },
  };
}

/**
 * One of the user's calls by its row id, with its captured headers and bodies when the
 * capture mode kept them (payloads expire after PAYLOAD_RETENTION_DAYS, the call does
 * not). Null for a missing id or another user's call: callers answer 404, never 403.
 */
export async function getCallDetail(user: SessionUser, id: string): Promise<CallDetail | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const { rows } = await db().pool.query(
    `SELECT q.*, p.request_headers AS p_request_headers, p.response_headers AS p_response_headers,
            p.request_body AS p_request_body, p.response_body AS p_response_body,
            p.request_body_bytes AS p_request_body_bytes, p.response_body_bytes AS p_response_body_bytes,
            p.request_truncated AS p_request_truncated, p.response_truncated AS p_response_truncated,
            p.request_content_type AS p_request_content_type, p.response_content_type AS p_response_content_type
       FROM (${SELECT} WHERE c.id = $1 AND c.user_id = $2) q
       LEFT JOIN call_payloads p
         ON p.request_id = q.request_id AND p.created_at = q.created_at AND p.user_id = $2`,
    [id, user.id],
  );
  const row: unknown = rows[0];
  if (!row) return null;
  return { ...toRow(row), payload: payloadOf(payloadRow.parse(row)) };
}

/**
 * All of the user's calls matching the filters, newest first, in batches read by
 * keyset pagination: memory stays at one batch however many rows match (CSV export).
 * The cursor in `filters` is ignored: an export is always the whole filtered view.
 */
export async function* callBatches(
  user: SessionUser,
  filters: CallFilters,
  batchSize = 5_000,
): AsyncGenerator<CallRow[]> {
  let cursor: Cursor | undefined;
  for (;;) {
    const { text, params } = pageSql(user, filters, cursor, true, batchSize);
    const { rows } = await db().pool.query(text, params);
    if (rows.length === 0) return;
    const batch = rows.map(toRow);
    yield batch;
    if (rows.length < batchSize) return;
    const last = batch.at(-1);
    if (!last) return;
    cursor = cursorOf(last, "older");
  }
}

/** The user's keys for the call log's key filter (deleted ones too: their calls stay). */
export async function listKeyOptions(
  user: SessionUser,
): Promise<{ id: string; label: string; deleted: boolean }[]> {
  const keys = await db().prisma.apiKey.findMany({
    where: { userId: user.id },
    select: { id: true, name: true, prefix: true, last4: true, deletedAt: true },
    orderBy: { createdAt: "desc" },
  });
  // Live keys first, each group newest first (the sort is stable).
  keys.sort((a, b) => Number(a.deletedAt !== null) - Number(b.deletedAt !== null));
  return keys.map((key) => ({
    id: key.id,
    label: `${key.name} (${key.prefix}…${key.last4})${key.deletedAt ? " — deleted" : ""}`,
    deleted: key.deletedAt !== null,
  }));
}
