import { Badge } from "@/components/ui/badge.tsx";
import { LocalTime, TimeZoneHeader } from "@/components/ui/local-time.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table.tsx";
import type { KeyUsage } from "@/lib/data/usage.ts";
import { formatCount } from "@/lib/format.ts";

/** Another account's keys with their last 30 days of calls, read-only. */
export function UserKeysTable({ keys }: { keys: KeyUsage[] }) {
  if (keys.length === 0) return <p className="px-4 text-sm text-fg-muted sm:px-5">No API keys.</p>;
  return (
    <Table aria-label="API keys of this account">
      <TableHead>
        <TableRow>
          <TableHeaderCell className="pl-4 sm:pl-5">Key</TableHeaderCell>
          <TableHeaderCell className="text-right">Calls</TableHeaderCell>
          <TableHeaderCell className="text-right">Failed</TableHeaderCell>
          {/* On a phone the times move under the key's name, so the row fits 390 px. */}
          <TableHeaderCell className="hidden sm:table-cell">
            <TimeZoneHeader label="Last used" />
          </TableHeaderCell>
          <TableHeaderCell className="hidden pr-4 sm:table-cell sm:pr-5">
            <TimeZoneHeader label="Created" />
          </TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {keys.map((key) => (
          <TableRow key={key.id}>
            <TableCell className="pl-4 sm:pl-5">
              <span className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{key.name}</span>
                <code className="font-mono text-xs text-fg-muted">{key.label}</code>
                {key.deleted ? (
                  <Badge>Deleted</Badge>
                ) : key.status === "inactive" ? (
                  <Badge>Disabled</Badge>
                ) : null}
              </span>
              <span className="mt-1 block text-xs text-fg-muted sm:hidden">
                Last used <LocalTime value={key.lastUsedAt} seconds={false} fallback="never" withZone />
              </span>
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatCount(key.calls)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCount(key.failures)}</TableCell>
            <TableCell className="hidden whitespace-nowrap text-fg-muted sm:table-cell">
              <LocalTime value={key.lastUsedAt} seconds={false} fallback="Never" />
            </TableCell>
            <TableCell className="hidden pr-4 whitespace-nowrap text-fg-muted sm:table-cell sm:pr-5">
              <LocalTime value={key.createdAt} seconds={false} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
