import { Badge } from "@/components/ui/badge.tsx";
import { LocalTime, TimeZoneHeader } from "@/components/ui/local-time.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table.tsx";
import type { KeySummary } from "@/lib/data/keys.ts";
import { DeleteKeyDialog } from "./delete-key-dialog.tsx";
import { RollKeyDialog } from "./roll-key-dialog.tsx";
import { StatusToggle } from "./status-toggle.tsx";

/**
 * The user's keys. Only the prefix and last 4 characters are ever shown: the plaintext
 * does not exist after creation. `now` is the request time, to mark expired keys.
 */
export function KeysTable({ keys, now }: { keys: KeySummary[]; now: Date }) {
  return (
    <Table aria-label="API keys" className="min-w-[52rem]">
      <TableHead>
        <tr>
          <TableHeaderCell>Key name</TableHeaderCell>
          <TableHeaderCell>Key</TableHeaderCell>
          <TableHeaderCell>
            <TimeZoneHeader label="Created" />
          </TableHeaderCell>
          <TableHeaderCell>
            <TimeZoneHeader label="Last used" />
          </TableHeaderCell>
          <TableHeaderCell>
            <TimeZoneHeader label="Expires" />
          </TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          {/* relative: the sr-only label is absolutely positioned and must stay inside the
              table's scroll box, or it widens the whole page on a phone. */}
          <TableHeaderCell className="relative text-right">
            <span className="sr-only">Actions</span>
          </TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {keys.map((key) => {
          const expired = key.expiresAt !== null && key.expiresAt <= now;
          return (
            <TableRow key={key.id}>
              <TableCell className="max-w-56 truncate font-medium" title={key.name}>
                {key.name}
              </TableCell>
              <TableCell>
                <code className="font-mono text-xs whitespace-nowrap text-fg-muted">
                  {key.prefix}…{key.last4}
                </code>
              </TableCell>
              <TableCell className="whitespace-nowrap">
                <LocalTime value={key.createdAt} seconds={false} />
              </TableCell>
              <TableCell className="whitespace-nowrap">
                <LocalTime value={key.lastUsedAt} seconds={false} fallback="Never" />
              </TableCell>
              <TableCell className="whitespace-nowrap">
                {expired ? (
                  <Badge variant="danger" title={key.expiresAt?.toISOString()}>
                    Expired
                  </Badge>
                ) : (
                  <LocalTime value={key.expiresAt} seconds={false} fallback="Never" />
                )}
              </TableCell>
              <TableCell>
                {expired ? (
                  // An expired key (e.g. the old half of a roll) no longer works whatever its
                  // switch says, so there is no switch to mislead.
                  <span className="text-sm text-fg-muted">Stopped</span>
                ) : (
                  <StatusToggle id={key.id} name={key.name} status={key.status} />
                )}
              </TableCell>
              <TableCell>
                <div className="flex justify-end gap-1">
                  <RollKeyDialog apiKey={key} />
                  <DeleteKeyDialog apiKey={key} />
                </div>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
