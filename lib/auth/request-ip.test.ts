import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestIp, stampClientAddresses } from "./request-ip.ts";

// A plain node:http server standing in for `next start`: what the dashboard's handlers
// read as the client address, given what a client can send.
let server: http.Server;
let port: number;

beforeAll(async () => {
  stampClientAddresses(false);
  server = http.createServer((req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    res.end(requestIp(headers));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function ask(headers: Record<string, string>, localAddress = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, headers, localAddress }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

describe("requestIp", () => {
  it("is the socket's address, whatever X-Forwarded-For or a forged stamp says", async () => {
    expect(await ask({})).toBe("127.0.0.1");
    expect(await ask({ "x-forwarded-for": "203.0.113.7" })).toBe("127.0.0.1");
    expect(await ask({ "x-forwarded-for": "203.0.113.7" }, "127.0.0.77")).toBe("127.0.0.77");
    expect(await ask({ "x-tollgate-client-ip": "203.0.113.9" })).toBe("127.0.0.1");
  });

  it("is unknown for a request the stamp did not see", () => {
    expect(requestIp(new Headers({ "x-tollgate-client-ip": "guess 203.0.113.9" }))).toBe("unknown");
    expect(requestIp(new Headers())).toBe("unknown");
  });
});
