// The client address for the dashboard's throttles. Next.js hands route handlers and server
// actions only headers, never the socket, and `next start` passes a client's own
// X-Forwarded-For through. So the dashboard process stamps every incoming request, before
// Next sees it, with the address clientAddress() derives from the socket (instrumentation.ts
// installs the stamp at start-up). The stamp carries a secret made per process: a client
// sending the same header cannot forge it, and a request the stamp missed (one that arrived
// while the server was still starting) reads as "unknown" instead of trusting the client.
import { randomBytes } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import { clientAddress } from "../client-ip.ts";

const HEADER = "x-tollgate-client-ip";
const SECRET = Symbol.for("tollgate.clientIpSecret");
type Stamped = { [SECRET]?: string };

/**
 * Patches this process's HTTP servers to stamp each request with its client address.
 * Idempotent. Only for the dashboard process (the gateway reads its sockets directly).
 */
export function stampClientAddresses(trustProxy: boolean): void {
  const global = globalThis as Stamped;
  if (global[SECRET]) return;
  const secret = randomBytes(16).toString("hex");
  // Node's HTTP server hands each request to its listeners through emit("request").
  const prototype = http.Server.prototype;
  const emit = Reflect.get(prototype, "emit") as (event: string | symbol, ...args: unknown[]) => boolean;
  Reflect.set(prototype, "emit", function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    const req = args[0] as IncomingMessage | undefined;
    if (event === "request" && req) {
      const ip = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustProxy);
      req.headers[HEADER] = `${secret} ${ip}`;
    }
    return emit.apply(this, [event, ...args]);
  });
  global[SECRET] = secret;
}

/** The stamped client address of a request, or "unknown" when it carries no valid stamp. */
export function requestIp(headers: Headers): string {
  const secret = (globalThis as Stamped)[SECRET];
  const stamp = headers.get(HEADER);
  if (!secret || !stamp?.startsWith(`${secret} `)) return "unknown";
  return stamp.slice(secret.length + 1);
}
