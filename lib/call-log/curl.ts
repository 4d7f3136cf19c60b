// One builder for every curl line the dashboard shows: the first call a new user makes and
// "Copy as curl" on a recorded call. The key is never in it: `$TOLLGATE_KEY` stands for it.

/** Headers a replayed call must not copy: the key and cookies (redacted anyway), hop-by-hop ones. */
const SKIP = new Set([
  "authorization",
  "x-api-key",
  "cookie",
  "proxy-authorization",
  "host",
  "content-length",
  "connection",
  "transfer-encoding",
  "keep-alive",
  "accept-encoding",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
]);

/** A shell word in single quotes, which keep everything literal. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export type CurlRequest = {
  gatewayUrl: string;
  method: string;
  path: string;
  /** Without `?`. */
  query?: string | null;
  headers?: readonly (readonly [string, string])[] | null;
  body?: string | null;
};

/**
 * `curl` for a call through the gateway, with the key as `$TOLLGATE_KEY` (double quotes, so the
 * shell fills it in) and everything else single-quoted so nothing in a recorded path, header
 * or body can run in the reader's shell.
 */
export function curlCommand(request: CurlRequest): string {
  const url = `${request.gatewayUrl.replace(/\/$/, "")}${request.path}${request.query ? `?${request.query}` : ""}`;
  const parts = ["curl"];
  if (request.method !== "GET" || request.body) parts.push("-X", request.method);
  parts.push(quote(url), "-H", '"Authorization: Bearer $TOLLGATE_KEY"');
  for (const [name, value] of request.headers ?? []) {
    if (!SKIP.has(name.toLowerCase())) parts.push("-H", quote(`${name}: ${value}`));
  }
  if (request.body) parts.push("--data-raw", quote(request.body));
  return parts.join(" ");
}

/** The first call the dashboard suggests (overview and keys page): a price through the gateway. */
export function firstCallCurl(gatewayUrl: string): string {
  return curlCommand({ gatewayUrl, method: "GET", path: "/v2/price", query: "symbol=BTC" });
}
