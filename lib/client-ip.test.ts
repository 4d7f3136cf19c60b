import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-ip.ts";

describe("clientAddress", () => {
  it("is the socket's peer unless TRUST_PROXY is on, whatever X-Forwarded-For says", () => {
    expect(clientAddress("::ffff:127.0.0.1", "203.0.113.7", false)).toBe("127.0.0.1");
    expect(clientAddress("10.0.0.5", ["203.0.113.7", "198.51.100.1"], false)).toBe("10.0.0.5");
    expect(clientAddress(undefined, undefined, false)).toBe("unknown");
  });

  it("with TRUST_PROXY is the right-most hop, the one the proxy added", () => {
    expect(clientAddress("10.0.0.1", "203.0.113.7, 198.51.100.20", true)).toBe("198.51.100.20");
    expect(clientAddress("10.0.0.1", ["203.0.113.7", "198.51.100.21 "], true)).toBe("198.51.100.21");
    expect(clientAddress("10.0.0.1", "198.51.100.22", true)).toBe("198.51.100.22");
    expect(clientAddress("10.0.0.1", undefined, true)).toBe("10.0.0.1");
    expect(clientAddress("10.0.0.1", "203.0.113.7, ", true)).toBe("10.0.0.1");
  });
});
