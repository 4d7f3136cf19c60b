import type { ReactNode } from "react";
import { LocalTime } from "@/components/ui/local-time.tsx";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import type { CallRow } from "@/lib/data/calls.ts";
import { explainCall } from "@/lib/usage/call-messages.ts";
import { formatBytes, formatLatency } from "@/lib/usage/format.ts";
import { ResultBadge, StatusCode } from "./result-badge.tsx";

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5 border-b border-border py-2.5 sm:flex-row sm:gap-4">
      <dt className="shrink-0 text-sm text-fg-muted sm:w-44">{label}</dt>
      <dd className="min-w-0 text-sm break-words">{children}</dd>
    </div>
  );
}

const mono = "font-mono text-xs";

/** Everything recorded about one call, for debugging it. */
export function CallDetail({ call }: { call: CallRow }) {
  const explanation = explainCall(call.status, call.errorCode);
  const gatewayMs =
    call.upstreamLatencyMs === null ? null : Math.max(0, call.latencyMs - call.upstreamLatencyMs);
  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-center gap-3">
        <CardTitle className="font-mono text-sm sm:text-base">
          {call.method} {call.path}
        </CardTitle>
        <StatusCode status={call.status} />
        <ResultBadge call={call} />
      </CardHeader>
      <CardContent>
        {explanation ? (
          <p
            className={`mb-2 rounded-md border px-3 py-2 text-sm ${call.status >= 500 ? "border-danger/40 bg-danger-soft text-danger" : "border-warning/40 bg-warning-soft text-warning"}`}
            data-testid="call-explanation"
          >
            {call.errorCode ? <span className="mr-2 font-mono font-medium">{call.errorCode}</span> : null}
            {explanation}
          </p>
        ) : null}
        <dl>
          <Item label="Request ID">
            <span className={mono}>{call.requestId}</span>
          </Item>
          <Item label="Timestamp">
            <LocalTime value={call.createdAt} withZone />{" "}
            <span className="text-fg-muted">({call.createdAt.toISOString()})</span>
          </Item>
          <Item label="Key">
            {call.keyName ?? "Unknown key"}{" "}
            {call.keyLabel ? <span className={`${mono} text-fg-muted`}>{call.keyLabel}</span> : null}
          </Item>
          <Item label="Method">
            <span className={mono}>{call.method}</span>
          </Item>
          <Item label="Path">
            <span className={mono}>{call.path}</span>
          </Item>
          <Item label="Status code">
            <StatusCode status={call.status} />
          </Item>
          <Item label="Result">{call.status < 400 ? "Success" : "Failure"}</Item>
          <Item label="Error code">
            {call.errorCode ? (
              <span className={mono}>{call.errorCode}</span>
            ) : (
              <span className="text-fg-muted">None</span>
            )}
          </Item>
          <Item label="Total latency">{formatLatency(call.latencyMs)}</Item>
          <Item label="Upstream latency">
            {call.upstreamLatencyMs === null ? (
              <span className="text-fg-muted">Not forwarded</span>
            ) : (
              <>
                {formatLatency(call.upstreamLatencyMs)}{" "}
                <span className="text-fg-muted">(gateway added {formatLatency(gatewayMs)})</span>
              </>
            )}
          </Item>
          <Item label="Request size">{formatBytes(call.requestBytes)}</Item>
          <Item label="Response size">{formatBytes(call.responseBytes)}</Item>
          <Item label="Counts against quota">{call.billable ? "Yes" : "No (refused by the gateway)"}</Item>
          <Item label="IP address">
            <span className={mono}>{call.ip}</span>
          </Item>
          <Item label="User agent">
            {call.userAgent ? (
              <span className={mono}>{call.userAgent}</span>
            ) : (
              <span className="text-fg-muted">None</span>
            )}
          </Item>
        </dl>
      </CardContent>
    </Card>
  );
}
