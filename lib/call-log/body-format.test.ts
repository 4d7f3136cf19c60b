import { describe, expect, it } from "vitest";
import { parseBody, parseSse } from "./body-format.ts";

describe("captured bodies", () => {
  it("read JSON by content type or by its look, and fall back to text when it is cut off", () => {
    expect(parseBody('{"error":"unknown symbol"}', "application/json; charset=utf-8")).toEqual({
      kind: "json",
      value: { error: "unknown symbol" },
    });
    expect(parseBody("[1,2]", null)).toEqual({ kind: "json", value: [1, 2] });
    expect(parseBody('{"a": [1, 2', "application/json")).toEqual({ kind: "text", text: '{"a": [1, 2' });
    expect(parseBody("plain words", "text/plain")).toEqual({ kind: "text", text: "plain words" });
  });

  it("split Server-Sent Events, comments and multi-line data included", () => {
    const body =
      ': keep-alive\n\ndata: {"delta":"Hel"}\n\nevent: usage\nid: 7\ndata: line 1\ndata: line 2\n\ndata: [DONE]\n\ndata: {"cut';
    expect(parseSse(body)).toEqual([
      { event: null, id: null, data: '{"delta":"Hel"}' },
      { event: "usage", id: "7", data: "line 1\nline 2" },
      { event: null, id: null, data: "[DONE]" },
      { event: null, id: null, data: '{"cut' },
    ]);
    expect(parseBody(body, "text/event-stream").kind).toBe("sse");
    expect(parseBody("data: x\n\n", null).kind).toBe("sse");
  });
});
