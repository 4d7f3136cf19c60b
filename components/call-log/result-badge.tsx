import { Badge } from "@/components/ui/badge.tsx";
import { isFailure, type CallOutcome } from "@/lib/schemas/outcome.ts";

/** Success or failure (an error status, or a client that hung up), as the Result column and the detail show it. */
export function ResultBadge({ call }: { call: { status: number; outcome: CallOutcome } }) {
  if (!isFailure(call)) return <Badge variant="success">Success</Badge>;
  return (
    <Badge variant="danger">{call.outcome === "client_aborted" ? "Failure (client left)" : "Failure"}</Badge>
  );
}

/** The status code, coloured by class. */
export function StatusCode({ status }: { status: number }) {
  const tone = status >= 500 ? "text-danger" : status >= 400 ? "text-warning" : "text-success";
  return <span className={`font-mono font-medium tabular-nums ${tone}`}>{status}</span>;
}
