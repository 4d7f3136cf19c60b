import Link from "next/link";
import { Badge } from "@/components/ui/badge.tsx";
import { LocalTime, TimeZoneHeader } from "@/components/ui/local-time.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table.tsx";
import type { KeyUsage } from "@/lib/data/usage.ts";
import { callLogHref } from "@/lib/schemas/call-filters.ts";
import { countOf, formatCount } from "@/lib/format.ts";

/**
 * Calls per key over the window (from the UTC day `since`), busiest first; idle keys are
 * flagged for clean-up. A key opens its calls, its failure count those failures.
 */
export function KeyUsageCard({ keys, since }: { keys: KeyUsage[]; since: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Usage per key</CardTitle>
        <CardDescription>Last 30 days. Keys without calls for 30 days are flagged.</CardDescription>
      </CardHeader>
      <CardContent className="px-0 sm:px-0">
        {keys.length === 0 ? (
          <p className="px-4 text-sm text-fg-muted sm:px-5">
            No keys yet.{" "}
            <Link href="/keys" className="font-medium text-accent underline">
              Create an API key
            </Link>
            .
          </p>
        ) : (
          <Table>
            <TableHead>
              <tr>
                <TableHeaderCell className="pl-4 sm:pl-5">Key</TableHeaderCell>
                <TableHeaderCell className="text-right">Calls</TableHeaderCell>
                <TableHeaderCell className="text-right">Failed</TableHeaderCell>
                {/* On a phone "last used" moves under the key's name, so the row fits 390 px. */}
                <TableHeaderCell className="hidden pr-4 sm:table-cell sm:pr-5">
                  <TimeZoneHeader label="Last used" />
                </TableHeaderCell>
              </tr>
            </TableHead>
            <TableBody>
              {keys.map((key) => (
                <TableRow key={key.id}>
                  <TableCell className="pl-4 sm:pl-5">
                    <Link
                      href={callLogHref({ key: key.id })}
                      className="font-medium hover:underline"
                      aria-label={`Calls made with ${key.name}`}
                    >
                      {key.name}
                    </Link>
                    <span className="ml-2 font-mono text-xs text-fg-muted">{key.label}</span>
                    {key.deleted ? (
                      <Badge className="ml-2">Deleted</Badge>
                    ) : key.status === "inactive" ? (
                      <Badge className="ml-2">Disabled</Badge>
                    ) : null}
                    <span className="mt-1 block text-xs text-fg-muted sm:hidden">
                      Last used <LocalTime value={key.lastUsedAt} seconds={false} fallback="never" withZone />
                    </span>
                    {key.unused ? (
                      <Badge variant="warning" className="ml-2">
                        Unused 30 days
                      </Badge>
                    ) : null}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(key.calls)}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    {key.failures > 0 ? (
                      <Link
                        href={callLogHref({ key: key.id, status: "failed", from: since })}
                        className="text-danger hover:underline"
                        aria-label={`${countOf(key.failures, "failed call")} made with ${key.name}`}
                      >
                        {formatCount(key.failures)}
                      </Link>
                    ) : (
                      "0"
                    )}
                  </TableCell>
                  <TableCell className="hidden pr-4 whitespace-nowrap text-fg-muted sm:table-cell sm:pr-5">
                    <LocalTime value={key.lastUsedAt} seconds={false} fallback="Never" />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}
