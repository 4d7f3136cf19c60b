// One rule for "who is calling", shared by the gateway and the dashboard's sign-in throttle.
// Pure: no framework, no configuration reads.

/** Strips IPv4-mapped IPv6 notation so logs show `203.0.113.7`, not `::ffff:203.0.113.7`. */
export function normalizeIp(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}

/**
 * The client's address. Without TRUST_PROXY it is the socket's peer: X-Forwarded-For is
 * ignored, since any client can write it. With TRUST_PROXY the peer is our own proxy (load
 * balancer), which appends the address it saw to X-Forwarded-For: the right-most entry is
 * the one hop we trust, and everything left of it came from the client and may be forged.
 * (Several header lines count as one list, in order.)
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy && forwardedFor !== undefined) {
    const list = typeof forwardedFor === "string" ? forwardedFor : forwardedFor.join(",");
    const last = list.slice(list.lastIndexOf(",") + 1).trim();
    if (last) return normalizeIp(last);
  }
  return normalizeIp(peer ?? "unknown");
}
