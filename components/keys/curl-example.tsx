import { CopyButton } from "@/components/ui/copy-button.tsx";
import { firstCallCurl } from "@/lib/call-log/curl.ts";

/** The first call a new user makes: a curl line against this installation's gateway. */
export function CurlExample({ gatewayUrl }: { gatewayUrl: string }) {
  const command = firstCallCurl(gatewayUrl);
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-center justify-between gap-2">
        <p className="text-sm text-fg-muted">
          Put your key in <code className="font-mono">TOLLGATE_KEY</code> and call the API through the
          gateway:
        </p>
        <CopyButton text={command} label="Copy command" aria-label="Copy curl command" />
      </div>
      <pre
        tabIndex={0}
        className="overflow-x-auto rounded-md border border-border bg-surface-muted p-3 font-mono text-xs text-fg"
      >
        <code>{command}</code>
      </pre>
    </div>
  );
}
