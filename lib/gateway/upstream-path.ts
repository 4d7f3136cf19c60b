// Encoded dots and separators count as real ones: an upstream (or a proxy behind it) that
// decodes them before routing would otherwise be walked out of its base path.
const ENCODED_DOT = /%2e/gi;
const ENCODED_SEPARATOR = /%2f|%5c|\\/gi;

/** How deep `segments` end up below the root, or -1 as soon as a `..` climbs above it. */
function depthOf(segments: readonly string[]): number {
  let depth = 0;
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    depth += segment === ".." ? -1 : 1;
    if (depth < 0) return -1;
  }
  return depth;
}

/**
 * Resolves `.` and `..` segments (plain or percent-encoded) in an origin-form request path
 * and keeps the query untouched. Undefined when the path climbs above `/`, read either
 * with `/` as the only separator or with `%2f`, `%5c` and `\` as separators too, so no
 * reading of it can leave the upstream's base path. Paths without dot segments come back
 * unchanged, byte for byte.
 */
export function normalizePath(requestPath: string): string | undefined {
  const at = requestPath.indexOf("?");
  const path = at === -1 ? requestPath : requestPath.slice(0, at);
  // Nearly every call: no dot segment, nothing encoded, no backslash; nothing to do.
  if (!path.includes("/.") && !path.includes("%") && !path.includes("\\")) return requestPath;

  const dotted = path.replace(ENCODED_DOT, ".");
  if (depthOf(dotted.replace(ENCODED_SEPARATOR, "/").split("/")) < 0) return undefined;

  const raw = path.split("/");
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const segment = raw[i]!;
    const plain = segment.replace(ENCODED_DOT, ".");
    const last = i === raw.length - 1;
    if (plain === "." || plain === "..") {
      if (plain === ".." && out.length > 1) out.pop();
      else if (plain === ".." && out.length <= 1) return undefined;
      // A trailing dot segment leaves a directory: keep its slash.
      if (last) out.push("");
      continue;
    }
    out.push(segment);
  }
  return out.join("/") + (at === -1 ? "" : requestPath.slice(at));
}
