import { z } from "zod";
import { nextUtcDay, startOfUtcDay } from "../time/calendar.ts";
import { isRecordedErrorCode, RECORDED_ERROR_CODES } from "./error-codes.ts";

/**
 * The call log's filters, exactly as they appear in `/logs?…`, the CSV export URL and the
 * CLI flags (docs/architecture.md, "A dashboard filter"): `key`, `status`, `error`, `method`,
 * `endpoint`, `q`, `from`, `to`, `ip`, plus the page `cursor`. One schema so that a shared link, an export and a script always mean the
 * same rows.
 */

const MAX_ENDPOINT = 512;
const MAX_SEARCH = 200;
const MAX_STATUS_TERMS = 10;
// The largest bigint PostgreSQL stores: a larger row id in a cursor is forged, not a page.
const MAX_ROW_ID = 9_223_372_036_854_775_807n;

/**
 * One term of the status filter: `failed` (status ≥ 400 or the client hung up), `success`
 * (everything else), a class such as `4xx`, or an exact code such as `429`.
 */
export type StatusTerm =
  | { kind: "failed" }
  | { kind: "success" }
  | { kind: "class"; hundreds: 1 | 2 | 3 | 4 | 5 }
  | { kind: "code"; code: number };

/** An endpoint filter: an exact path, or a pattern such as `/status/:code` from the top lists. */
export type EndpointFilter = { kind: "path"; path: string } | { kind: "pattern"; pattern: string };

/** A search: a request id (matched exactly) or text found in the path or query string. */
export type SearchFilter = { kind: "request-id"; requestId: string } | { kind: "text"; text: string };

/** A position in the newest-first list: the (created_at, id) of a row and which way to read from it. */
export type Cursor = { direction: "older" | "newer"; createdAt: Date; id: bigint };

const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

// Control characters (NUL above all, which PostgreSQL refuses in text) never appear in a
// recorded path, so a filter containing one is a mistake to explain, not a query to run.
const CONTROL = /\p{Cc}/u;

const STATUS_MESSAGE =
  "Status must be failed, success, 2xx, 4xx, 5xx, a code such as 404, or a list like 429,503";

function statusTerm(value: string): StatusTerm | null {
  if (value === "failed" || value === "success") return { kind: value };
  if (/^[1-5]xx$/.test(value)) return { kind: "class", hundreds: Number(value[0]) as 1 | 2 | 3 | 4 | 5 };
  if (/^[1-5]\d\d$/.test(value)) return { kind: "code", code: Number(value) };
  return null;
}

const status = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value, ctx): StatusTerm[] => {
    const parts = [
      ...new Set(
        value
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean),
      ),
    ];
    const terms = parts.map(statusTerm);
    if (parts.length === 0 || terms.some((term) => term === null)) {
      ctx.addIssue({ code: "custom", message: STATUS_MESSAGE });
      return z.NEVER;
    }
    if (parts.length > MAX_STATUS_TERMS) {
      ctx.addIssue({ code: "custom", message: `Status takes at most ${MAX_STATUS_TERMS} values` });
      return z.NEVER;
    }
    return terms.filter((term) => term !== null);
  });

const errorCode = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isRecordedErrorCode, {
    error: `Error code must be one of ${RECORDED_ERROR_CODES.join(", ")}`,
  });

const method = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{1,16}$/, "Method must be an HTTP method such as GET or POST")
  .transform((value) => value.toUpperCase());

// A placeholder segment (`:id`, `:code`) marks an endpoint pattern as the top lists show them.
const PLACEHOLDER = /\/:[a-z]+(?=\/|$)/;

const endpoint = z
  .string()
  .trim()
  .max(MAX_ENDPOINT, `Endpoint is too long (at most ${MAX_ENDPOINT} characters)`)
  .regex(/^\/[^\s\p{Cc}]*$/u, "Endpoint must be a path starting with /, e.g. /v2/price")
  // Paths are recorded without their query string, so a pasted URL path still matches.
  .transform((value): EndpointFilter => {
    const path = value.split("?")[0] ?? value;
    return PLACEHOLDER.test(path) ? { kind: "pattern", pattern: path } : { kind: "path", path };
  });

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const search = z
  .string()
  .trim()
  .max(MAX_SEARCH, `Search is too long (at most ${MAX_SEARCH} characters)`)
  .refine((value) => !CONTROL.test(value), "Search cannot contain control characters")
  .transform((value): SearchFilter =>
    REQUEST_ID.test(value)
      ? { kind: "request-id", requestId: value.toLowerCase() }
      : { kind: "text", text: value },
  );

const ip = z
  .string()
  .trim()
  .pipe(z.union([z.ipv4(), z.ipv6()], { error: "IP address must look like 203.0.113.7 or 2001:db8::1" }));

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The instant a `from` or `to` value names: ISO 8601 with `Z` or an offset, or without one
 * (read as UTC), or a bare `YYYY-MM-DD` — 00:00 UTC that day, except as `to`, where a bare
 * day means the whole day: up to (not including) 00:00 UTC the next day. The one reading of
 * the rule: the schema filters with it and the filter form shows it. Undefined if unreadable.
 */
export function filterInstant(value: string, bound: "from" | "to"): Date | undefined {
  const text = value.trim();
  let date: Date;
  if (DATE_ONLY.test(text)) {
    date = startOfUtcDay(bound === "to" ? nextUtcDay(text) : text);
  } else {
    const hasZone = /(?:z|[+-]\d{2}:?\d{2})$/i.test(text);
    date = new Date(hasZone ? text : `${text}Z`);
  }
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function instant(label: string, bound: "from" | "to") {
  const message = `${label} must be a date like 2026-11-20 or a time like 2026-11-20T14:30:00Z`;
  const iso = z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })]);
  return z
    .string()
    .trim()
    .transform((value, context) => {
      const date = iso.safeParse(value).success ? filterInstant(value, bound) : undefined;
      if (date) return date;
      context.addIssue({ code: "custom", message });
      return z.NEVER;
    });
}

const CURSOR_MESSAGE = "This page link is not valid (any more); start again from the newest calls";

const cursor = z
  .string()
  .trim()
  .regex(/^[on]\.\d{1,15}\.\d{1,19}$/, CURSOR_MESSAGE)
  .refine((value) => {
    const id = value.split(".")[2] ?? "";
    return /^\d+$/.test(id) && BigInt(id) <= MAX_ROW_ID;
  }, CURSOR_MESSAGE)
  .transform((value): Cursor => {
    const [direction, ms, id] = value.split(".");
    return {
      direction: direction === "n" ? "newer" : "older",
      createdAt: new Date(Number(ms)),
      id: BigInt(id ?? "0"),
    };
  });

export const callFiltersSchema = z
  .object({
    key: z.preprocess(blankToUndefined, z.uuid({ error: "Key must be one of your API keys" }).optional()),
    status: z.preprocess(blankToUndefined, status.optional()),
    error: z.preprocess(blankToUndefined, errorCode.optional()),
    method: z.preprocess(blankToUndefined, method.optional()),
    endpoint: z.preprocess(blankToUndefined, endpoint.optional()),
    q: z.preprocess(blankToUndefined, search.optional()),
    from: z.preprocess(blankToUndefined, instant("From", "from").optional()),
    to: z.preprocess(blankToUndefined, instant("To", "to").optional()),
    ip: z.preprocess(blankToUndefined, ip.optional()),
    cursor: z.preprocess(blankToUndefined, cursor.optional()),
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { error: "“From” must be before “To”", path: ["to"] });

export type CallFilters = z.infer<typeof callFiltersSchema>;
export const FILTER_NAMES = [
  "key",
  "status",
  "error",
  "method",
  "endpoint",
  "q",
  "from",
  "to",
  "ip",
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export type FilterParseResult =
  { ok: true; filters: CallFilters } | { ok: false; errors: { field: string; message: string }[] };

type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

/**
 * Parses filters from a URL's query (or Next's `searchParams`, or CLI flags). Unknown names
 * are ignored; a repeated name uses its first value. Never throws: bad values come back as
 * messages a person can act on.
 */
export function parseCallFilters(params: RawParams): FilterParseResult {
  const get = (name: string): string | undefined => {
    if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
    const value = params[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const raw = Object.fromEntries([...FILTER_NAMES, "cursor"].map((name) => [name, get(name)]));
  const result = callFiltersSchema.safeParse(raw);
  if (result.success) return { ok: true, filters: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      field: String(issue.path[0] ?? "filters"),
      message: issue.message,
    })),
  };
}

/** Encodes a cursor for the `cursor` URL parameter. */
export function encodeCursor(cursor: Cursor): string {
  return `${cursor.direction === "newer" ? "n" : "o"}.${cursor.createdAt.getTime()}.${cursor.id}`;
}

/**
 * The query string (without `?`) for filters, as the user would write them, so links
 * from the overview, pagination and export keep a view shareable. `cursor` is left out
 * unless given explicitly.
 */
export function filtersToQuery(
  filters: Partial<Record<FilterName, string | undefined>>,
  cursorValue?: string,
): string {
  const query = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = filters[name];
    if (value) query.set(name, value);
  }
  if (cursorValue) query.set("cursor", cursorValue);
  return query.toString();
}

/** The raw (string) filter values of a parsed request, for rebuilding links and forms. */
export function rawFilters(params: RawParams): Partial<Record<FilterName, string>> {
  const out: Partial<Record<FilterName, string>> = {};
  for (const name of FILTER_NAMES) {
    const value = params instanceof URLSearchParams ? params.get(name) : params[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first?.trim()) out[name] = first.trim();
  }
  return out;
}

/** The call log's URL for these filters, e.g. `/logs?status=failed&from=2026-11-20&to=2026-11-20`. */
export function callLogHref(filters: Partial<Record<FilterName, string | undefined>>): string {
  const query = filtersToQuery(filters);
  return query ? `/logs?${query}` : "/logs";
}
