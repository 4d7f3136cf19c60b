import Link from "next/link";
import { LocalTime, TimeZoneHeader } from "@/components/ui/local-time.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table.tsx";
import type { CallRow } from "@/lib/data/calls.ts";
import { formatLatency } from "@/lib/format.ts";
import { ResultBadge, StatusCode } from "./result-badge.tsx";

/**
 * The call log's rows; each endpoint opens the call's detail (keeping the filters for
 * "back"). Phones get one compact card per call instead of a table they would have to
 * scroll sideways to read the status and result.
 */
export function CallTable({ rows, query }: { rows: CallRow[]; query: string }) {
  const detail = (row: CallRow) => `/logs/${row.id}${query ? `?${query}` : ""}`;
  return (
    <>
      <ul aria-label="API calls" className="divide-y divide-border sm:hidden">
        {rows.map((row) => (
          <li key={row.id} data-testid="call-card">
            <Link href={detail(row)} className="flex flex-col gap-1.5 px-4 py-3 hover:bg-surface-muted/60">
              <span className="flex min-w-0 items-baseline gap-2">
                <span className="shrink-0 font-mono text-xs text-fg-muted">{row.method}</span>
                <span className="truncate font-mono text-xs font-medium text-accent">{row.path}</span>
              </span>
              <span className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                <StatusCode status={row.status} />
                <ResultBadge call={row} />
                <span className="tabular-nums">{formatLatency(row.latencyMs)}</span>
                <span className="text-xs text-fg-muted">
                  <LocalTime value={row.createdAt} />
                </span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <Table aria-label="API calls" className="hidden sm:table">
        <TableHead>
          <tr>
            <TableHeaderCell>Endpoint</TableHeaderCell>
            <TableHeaderCell>Method</TableHeaderCell>
            <TableHeaderCell>
              <TimeZoneHeader label="Timestamp" />
            </TableHeaderCell>
            <TableHeaderCell>Status code</TableHeaderCell>
            <TableHeaderCell>IP address</TableHeaderCell>
            <TableHeaderCell>Result</TableHeaderCell>
            <TableHeaderCell className="text-right">Latency</TableHeaderCell>
            <TableHeaderCell>Key</TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.id} data-testid="call-row">
              <TableCell className="max-w-64">
                <Link
                  href={detail(row)}
                  className="block truncate font-mono text-xs font-medium text-accent hover:underline"
                  title={row.path}
                >
                  {row.path}
                </Link>
              </TableCell>
              <TableCell className="font-mono text-xs">{row.method}</TableCell>
              <TableCell className="whitespace-nowrap text-fg-muted">
                <LocalTime value={row.createdAt} />
              </TableCell>
              <TableCell>
                <StatusCode status={row.status} />
              </TableCell>
              <TableCell className="font-mono text-xs whitespace-nowrap">{row.ip}</TableCell>
              <TableCell>
                <ResultBadge call={row} />
              </TableCell>
              <TableCell className="text-right whitespace-nowrap tabular-nums">
                {formatLatency(row.latencyMs)}
              </TableCell>
              <TableCell className="whitespace-nowrap">
                {row.keyName ? (
                  <span title={row.keyLabel ?? undefined}>{row.keyName}</span>
                ) : (
                  <span className="font-mono text-xs text-fg-muted">{row.keyId.slice(0, 8)}…</span>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
