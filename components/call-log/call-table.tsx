import Link from "next/link";
import { LocalTime } from "@/components/usage/local-time.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table.tsx";
import type { CallRow } from "@/lib/data/calls.ts";
import { formatLatency } from "@/lib/usage/format.ts";
import { ResultBadge, StatusCode } from "./result-badge.tsx";

/** The call log's rows; each endpoint cell opens the call's detail (keeping the filters for "back"). */
export function CallTable({ rows, query }: { rows: CallRow[]; query: string }) {
  return (
    <Table aria-label="API calls">
      <TableHead>
        <tr>
          <TableHeaderCell>Endpoint</TableHeaderCell>
          <TableHeaderCell>Method</TableHeaderCell>
          <TableHeaderCell>Timestamp</TableHeaderCell>
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
                href={`/logs/${row.id}${query ? `?${query}` : ""}`}
                className="block truncate font-mono text-xs font-medium text-accent hover:underline"
                title={row.path}
              >
                {row.path}
              </Link>
            </TableCell>
            <TableCell className="font-mono text-xs">{row.method}</TableCell>
            <TableCell className="whitespace-nowrap text-fg-muted">
              <LocalTime value={row.createdAt.toISOString()} />
            </TableCell>
            <TableCell>
              <StatusCode status={row.status} />
            </TableCell>
            <TableCell className="font-mono text-xs whitespace-nowrap">{row.ip}</TableCell>
            <TableCell>
              <ResultBadge status={row.status} />
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
  );
}
