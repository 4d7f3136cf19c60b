// How the call detail page reads a captured body: JSON (to pretty-print and fold), a stream
// of Server-Sent Events (to list event by event) or plain text. Pure, so it is unit-tested.

export type SseEvent = { event: string | null; id: string | null; data: string };

export type ParsedBody =
  { kind: "json"; value: unknown } | { kind: "sse"; events: SseEvent[] } | { kind: "text"; text: string };

/** Splits a text/event-stream body into its events (a cut-off last event is kept as far as it goes). */
export function parseSse(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of body.replace(/\r\n?/g, "\n").split(/\n\n+/)) {
    let event: string | null = null;
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":") || line === "") continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "event") event = value;
      else if (field === "id") id = value;
    }
    if (data.length > 0 || event !== null) events.push({ event, id, data: data.join("\n") });
  }
  return events;
}

/** Reads a body by its content type, falling back to what it looks like. */
export function parseBody(body: string, contentType: string | null): ParsedBody {
  const type = contentType?.toLowerCase() ?? "";
  if (
    type.includes("text/event-stream") ||
    (!type && /^(data|event|id):/m.test(body) && body.includes("\n\n"))
  ) {
    return { kind: "sse", events: parseSse(body) };
  }
  if (type.includes("json") || (!type && /^\s*[[{]/.test(body))) {
    try {
      return { kind: "json", value: JSON.parse(body) as unknown };
    } catch {
      // A truncated or malformed JSON body is still worth reading as text.
    }
  }
  return { kind: "text", text: body };
}
