import type { CapturedMessage } from "@/lib/data/calls.ts";
import { parseBody, type SseEvent } from "@/lib/call-log/body-format.ts";
import { countOf, formatBytes } from "@/lib/format.ts";

const box = "max-h-96 overflow-auto rounded-md border border-border bg-surface-muted p-3 font-mono text-xs";

function Primitive({ value }: { value: unknown }) {
  if (typeof value === "string") return <span className="break-all text-success">&quot;{value}&quot;</span>;
  if (typeof value === "number") return <span className="text-accent">{value}</span>;
  return <span className="text-warning">{String(value)}</span>;
}

/** A JSON value as a tree: objects and arrays fold open and shut (the first two levels start open). */
function JsonNode({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const label = name === undefined ? null : <span className="text-fg-muted">{name}: </span>;
  if (value === null || typeof value !== "object") {
    return (
      <div className="pl-4">
        {label}
        <Primitive value={value} />
      </div>
    );
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? (value as unknown[]).map((item, index) => [String(index), item])
    : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return (
    <details open={depth < 2} className="pl-4">
      <summary className="cursor-pointer">
        {label}
        {open}
        <span className="text-fg-muted">
          {countOf(entries.length, Array.isArray(value) ? "item" : "key")}
        </span>
        {close}
      </summary>
      {entries.map(([key, item]) => (
        <JsonNode key={key} name={key} value={item} depth={depth + 1} />
      ))}
    </details>
  );
}

function SseList({ events }: { events: SseEvent[] }) {
  return (
    <ol className={`${box} flex flex-col gap-2`} aria-label="Server-Sent Events">
      {events.map((event, index) => {
        const json = parseBody(event.data, "application/json");
        return (
          <li key={index} className="flex min-w-0 flex-col gap-0.5 border-b border-border pb-2 last:border-0">
            <span className="text-fg-muted">
              #{index + 1}
              {event.event ? ` event: ${event.event}` : ""}
              {event.id ? ` id: ${event.id}` : ""}
            </span>
            {json.kind === "json" && json.value !== null && typeof json.value === "object" ? (
              <div className="-ml-4">
                <JsonNode value={json.value} depth={1} />
              </div>
            ) : (
              <span className="break-all whitespace-pre-wrap">{event.data}</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * A captured body as a person reads it: JSON formatted and foldable, Server-Sent Events one
 * by one, text as text; binary bodies by type and size only. Says when only a prefix was kept.
 */
export function BodyView({ message, label }: { message: CapturedMessage; label: string }) {
  const note = message.truncated ? (
    <p className="text-xs text-fg-muted">
      Only the first {formatBytes(new TextEncoder().encode(message.body ?? "").length)} of{" "}
      {formatBytes(message.bytes)} were kept.
    </p>
  ) : null;
  if (message.body === null) {
    return (
      <p className="text-sm text-fg-muted">
        {message.bytes === 0
          ? `No ${label} body.`
          : `Binary ${label} body (${message.contentType ?? "unknown type"}, ${formatBytes(message.bytes)}): not kept.`}
      </p>
    );
  }
  const parsed = parseBody(message.body, message.contentType);
  return (
    <div className="flex min-w-0 flex-col gap-2" data-testid={`${label}-body`}>
      {parsed.kind === "json" ? (
        <div className={box}>
          <div className="-ml-4">
            <JsonNode value={parsed.value} depth={0} />
          </div>
        </div>
      ) : parsed.kind === "sse" ? (
        <SseList events={parsed.events} />
      ) : (
        <pre className={`${box} break-all whitespace-pre-wrap`}>{parsed.text}</pre>
      )}
      {note}
    </div>
  );
}
