import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import type { EndpointUsage } from "@/lib/data/usage.ts";
import { callLogHref } from "@/lib/schemas/call-filters.ts";
import { countOf, formatCount } from "@/lib/format.ts";

/**
 * A ranked list of endpoints (patterns such as `/status/:code` group paths with ids) with a
 * bar for each; a row opens the call log filtered to it since the UTC day `since`, and in
 * the failures list to its failures.
 */
export function TopEndpoints({
  title,
  description,
  endpoints,
  measure,
  empty,
  since,
}: {
  title: string;
  description: string;
  endpoints: EndpointUsage[];
  measure: "calls" | "failures";
  empty: string;
  since: string;
}) {
  const max = Math.max(1, ...endpoints.map((e) => e[measure]));
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent>
        {endpoints.length === 0 ? (
          <p className="text-sm text-fg-muted">{empty}</p>
        ) : (
          <ol className="flex flex-col gap-1">
            {endpoints.map((endpoint) => (
              <li key={endpoint.path}>
                <Link
                  href={callLogHref({
                    endpoint: endpoint.path,
                    status: measure === "failures" ? "failed" : undefined,
                    from: since,
                  })}
                  className="group flex flex-col gap-1 rounded-md px-2 py-1.5 hover:bg-surface-muted"
                >
                  <span className="flex items-baseline justify-between gap-3 text-sm">
                    <span className="truncate font-mono text-xs group-hover:underline sm:text-sm">
                      {endpoint.path}
                    </span>
                    <span className="shrink-0 text-fg-muted tabular-nums">
                      {measure === "calls"
                        ? countOf(endpoint.calls, "call")
                        : `${formatCount(endpoint.failures)} failed`}
                    </span>
                  </span>
                  <span className="h-1.5 w-full overflow-hidden rounded-full bg-surface-muted" aria-hidden>
                    <span
                      className={`block h-full rounded-full ${measure === "calls" ? "bg-accent" : "bg-danger"}`}
                      style={{ width: `${(endpoint[measure] / max) * 100}%` }}
                    />
                  </span>
                </Link>
              </li>
            ))}
          </ol>
        )}
      </CardContent>
    </Card>
  );
}
