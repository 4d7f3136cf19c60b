import { Badge } from "@/components/ui/badge.tsx";
import { isSuccess } from "@/lib/usage/call-messages.ts";

/** Success (below 400) or failure, as the Result column and the detail show it. */
export function ResultBadge({ status }: { status: number }) {
  return isSuccess(status) ? (
    <Badge variant="success">Success</Badge>
  ) : (
    <Badge variant="danger">Failure</Badge>
  );
}

/** The status code, coloured by class. */
export function StatusCode({ status }: { status: number }) {
  const tone = status >= 500 ? "text-danger" : status >= 400 ? "text-warning" : "text-success";
  return <span className={`font-mono font-medium tabular-nums ${tone}`}>{status}</span>;
}
