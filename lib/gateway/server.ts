import http from "node:http";
import { randomUUID } from "node:crypto";
import type { Database } from "../db/client.ts";
import type { Env } from "../env.ts";

export type Gateway = { url: string; close: () => Promise<void> };

/** PLACEHOLDER until issue #4: answers every call with SPEC §5's 401. */
export async function startGateway(
  config: Env & { upstreamUrl: string },
  _database: Database,
): Promise<Gateway> {
  const server = http.createServer((req, res) => {
    const requestId = randomUUID();
    const hasKey = Boolean(req.headers.authorization ?? req.headers["x-api-key"]);
    const code = hasKey ? "invalid_api_key" : "missing_api_key";
    res.writeHead(401, { "content-type": "application/json", "x-request-id": requestId });
    res.end(JSON.stringify({ error: { code, message: "API key required", request_id: requestId } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.GATEWAY_PORT, config.HOSTNAME, resolve);
  });
  return {
    url: `http://localhost:${config.GATEWAY_PORT}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
