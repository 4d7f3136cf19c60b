import Link from "next/link";
import type { ReactNode } from "react";
import { CopyButton } from "@/components/ui/copy-button.tsx";
import { LocalTime } from "@/components/ui/local-time.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { cn } from "@/components/ui/cn.ts";
import type { CallDetail as CallDetailData, CapturedMessage } from "@/lib/data/calls.ts";
import { callLogHref } from "@/lib/schemas/call-filters.ts";
import type { Explanation } from "@/lib/call-log/call-messages.ts";
import { formatBytes } from "@/lib/format.ts";
import { formatMs } from "@/lib/call-log/timing.ts";
import { BodyView } from "./body-view.tsx";
import { HeadersTable } from "./headers-table.tsx";
import { ResultBadge, StatusCode } from "./result-badge.tsx";
import { TimingBar } from "./timing-bar.tsx";

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5 border-b border-border py-2.5 sm:flex-row sm:gap-4">
      <dt className="shrink-0 text-sm text-fg-muted sm:w-44">{label}</dt>
      <dd className="min-w-0 text-sm break-words">{children}</dd>
    </div>
  );
}

const mono = "font-mono text-xs";

const TONES: Record<Explanation["tone"], string> = {
  danger: "border-danger/40 bg-danger-soft text-danger",
  warning: "border-warning/40 bg-warning-soft text-warning",
  neutral: "border-border bg-surface-muted text-fg",
};

const OUTCOMES: Record<CallDetailData["outcome"], string> = {
  completed: "Completed",
  refused: "Refused by the gateway",
  upstream_error: "Upstream failed",
  client_aborted: "The client hung up",
};

function MessageCard({
  title,
  message,
  size,
}: {
  title: string;
  message: CapturedMessage | null;
  size: number;
}) {
  return (
    <Card className="min-w-0">
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>
          {formatBytes(size)}
          {message?.contentType ? ` · ${message.contentType}` : ""}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex min-w-0 flex-col gap-4">
        {message ? (
          <>
            <HeadersTable headers={message.headers} label={title.toLowerCase()} />
            <BodyView message={message} label={title.toLowerCase()} />
          </>
        ) : (
          <p className="text-sm text-fg-muted">
            Headers and body were not kept for this call (capture mode, or older than the payload retention).
          </p>
        )}
      </CardContent>
    </Card>
  );
}

/**
 * Everything recorded about one call, for debugging it: the request line, why it failed and
 * what to do, where the time went, both sides' headers and bodies, and a curl line to replay it.
 */
export function CallDetail({
  call,
  explanation,
  curl,
}: {
  call: CallDetailData;
  explanation: Explanation | null;
  curl: string;
}) {
  const requestLine = `${call.method} ${call.path}${call.query ? `?${call.query}` : ""}`;
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <Card className="min-w-0">
        <CardHeader className="flex-row flex-wrap items-center gap-3">
          <CardTitle className="min-w-0 font-mono text-sm break-all sm:text-base" data-testid="request-line">
            {requestLine}
          </CardTitle>
          <StatusCode status={call.status} />
          <ResultBadge call={call} />
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          {explanation ? (
            <div
              className={cn(
                "flex flex-col gap-1 rounded-md border px-3 py-2 text-sm",
                TONES[explanation.tone],
              )}
              data-testid="call-explanation"
            >
              <p>
                {call.errorCode ? <span className="mr-2 font-mono font-medium">{call.errorCode}</span> : null}
                {explanation.what}
              </p>
              <p className="font-medium break-words">
                {explanation.fix}
                {explanation.link ? (
                  <>
                    {" "}
                    <Link href={explanation.link.href} className="underline">
                      {explanation.link.label}
                    </Link>
                  </>
                ) : null}
              </p>
            </div>
          ) : null}
          <div className="flex flex-wrap items-center gap-2">
            <CopyButton text={curl} label="Copy as curl" />
            <Link
              href={callLogHref({ endpoint: call.path, status: String(call.status) })}
              className="text-sm text-accent underline"
            >
              Calls like this
            </Link>
          </div>
          <TimingBar call={call} />
          <dl>
            <Item label="Request ID">
              <span className={`${mono} break-all`}>{call.requestId}</span>
            </Item>
            <Item label="Timestamp">
              <LocalTime value={call.createdAt} withZone />
            </Item>
            <Item label="Outcome">{OUTCOMES[call.outcome]}</Item>
            <Item label="Total time">{formatMs(call.latencyMs)}</Item>
            <Item label="Upstream">
              {call.upstreamDoneMs === null && call.upstreamLatencyMs === null ? (
                <span className="text-fg-muted">Not forwarded</span>
              ) : (
                <>
                  headers after{" "}
                  {call.upstreamLatencyMs === null ? "— (none)" : formatMs(call.upstreamLatencyMs)}
                  {call.ttfbMs === null ? "" : `, first byte after ${formatMs(call.ttfbMs)}`}
                  {call.upstreamDoneMs === null ? "" : `, done after ${formatMs(call.upstreamDoneMs)}`}
                  {call.gatewayMs === null ? "" : ` · gateway overhead ${formatMs(call.gatewayMs)}`}
                </>
              )}
            </Item>
            <Item label="Sizes">
              request {formatBytes(call.requestBytes)}, response {formatBytes(call.responseBytes)}
            </Item>
            <Item label="Counts against quota">{call.billable ? "Yes" : "No (not forwarded)"}</Item>
            <Item label="Key">
              {call.keyName ?? "Unknown key"}{" "}
              {call.keyLabel ? <span className={`${mono} text-fg-muted`}>{call.keyLabel}</span> : null}
            </Item>
            <Item label="IP address">
              <span className={mono}>{call.ip}</span>
            </Item>
            <Item label="User agent">
              {call.userAgent ? (
                <span className={`${mono} break-all`}>{call.userAgent}</span>
              ) : (
                <span className="text-fg-muted">None</span>
              )}
            </Item>
          </dl>
        </CardContent>
      </Card>
      <div className="grid min-w-0 gap-4 lg:grid-cols-2">
        <MessageCard title="Request" message={call.payload?.request ?? null} size={call.requestBytes} />
        <MessageCard title="Response" message={call.payload?.response ?? null} size={call.responseBytes} />
      </div>
    </div>
  );
}
