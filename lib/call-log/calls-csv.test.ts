import { describe, expect, it } from "vitest";
import type { CallRow } from "../data/calls.ts";
import { csvCell, csvHeaderLine, csvLine } from "./calls-csv.ts";

const call: CallRow = {
  id: "7",
  requestId: "req_1",
  keyId: "0b0f6f3e-7f3a-4c61-9a8e-1f2b3c4d5e6f",
  keyName: 'prod, "main"',
  keyLabel: "tg_AbCd…wxyz",
  method: "POST",
  path: "/v1/chat/completions",
  query: null,
  status: 502,
  outcome: "upstream_error",
  latencyMs: 31,
  upstreamLatencyMs: null,
  ttfbMs: null,
  upstreamDoneMs: 30.5,
  gatewayMs: 0.5,
  requestBytes: 120,
  responseBytes: 88,
  ip: "203.0.113.7",
  userAgent: "curl/8.5.0\nevil",
  errorCode: "upstream_unreachable",
  billable: true,
  createdAt: new Date("2026-11-20T10:00:00.123Z"),
};

describe("call CSV", () => {
  it("quotes commas, quotes and newlines and leaves plain values alone", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(-5)).toBe("-5");
  });

  it("defuses spreadsheet formulas in recorded text", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
  });

  it("writes one line per call matching the header", () => {
    expect(csvHeaderLine()).toBe(
      "timestamp,request_id,method,endpoint,query,status,result,outcome,error_code,latency_ms,upstream_latency_ms,request_bytes,response_bytes,ip,key_id,key,user_agent\r\n",
    );
    expect(csvLine(call)).toBe(
      '2026-11-20T10:00:00.123Z,req_1,POST,/v1/chat/completions,,502,failure,upstream_error,upstream_unreachable,31,,120,88,203.0.113.7,0b0f6f3e-7f3a-4c61-9a8e-1f2b3c4d5e6f,"prod, ""main""","curl/8.5.0\nevil"\r\n',
    );
  });

  it("keeps the (redacted) query and the outcome: a hang-up on a 200 is a failure", () => {
    const aborted: CallRow = {
      ...call,
      method: "GET",
      path: "/v2/price",
      query: "symbol=BTC&api_key=[REDACTED]",
      status: 200,
      outcome: "client_aborted",
      errorCode: null,
    };
    const cells = csvLine(aborted).split(",");
    const at = (name: string) => cells[csvHeaderLine().trim().split(",").indexOf(name)];
    expect(at("query")).toBe("symbol=BTC&api_key=[REDACTED]");
    expect(at("status")).toBe("200");
    expect(at("result")).toBe("failure");
    expect(at("outcome")).toBe("client_aborted");
  });
});
