import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import type { EndpointUsage } from "@/lib/data/usage.ts";
import { filtersToQuery } from "@/lib/schemas/call-filters.ts";
import { formatCount } from "@/lib/usage/format.ts";

/** A ranked list of endpoints with a bar for each; every row opens the call log filtered to it. */
export function TopEndpoints({
  title,
  description,
  endpoints,
  measure,
  empty,
}: {
  title: string;
  description: string;
  endpoints: EndpointUsage[];
  measure: "calls" | "failures";
  empty: string;
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
                  href={`/logs?${filtersToQuery({ endpoint: endpoint.path })}`}
                  className="group flex flex-col gap-1 rounded-md px-2 py-1.5 hover:bg-surface-muted"
                >
                  <span className="flex items-baseline justify-between gap-3 text-sm">
                    <span className="truncate font-mono text-xs group-hover:underline sm:text-sm">
                      {endpoint.path}
                    </span>
                    <span className="shrink-0 text-fg-muted tabular-nums">
                      {formatCount(endpoint[measure])} {measure === "calls" ? "calls" : "failed"}
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
