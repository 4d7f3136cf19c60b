import { KeyRound, Terminal } from "lucide-react";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { firstCallCurl } from "@/lib/call-log/curl.ts";
import { CopyButton } from "@/components/ui/copy-button.tsx";

/**
 * The empty state: what to do next when there are no calls yet. Without a key, step 1
 * is to create one; with one, the curl line is all that is left.
 */
export function GetStarted({ gatewayUrl, hasKey }: { gatewayUrl: string; hasKey: boolean }) {
  // The sample API's price endpoint, a call every new user can make.
  const command = firstCallCurl(gatewayUrl);
  return (
    <Card className="border-dashed md:col-span-3">
      <CardHeader>
        <CardTitle>{hasKey ? "Make your first call" : "Get started"}</CardTitle>
        <CardDescription>
          No calls yet. Once you call the API through the gateway, your usage, quota and every request show up
          here.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-5">
        <ol className="flex flex-col gap-5">
          <li className="flex flex-col gap-2">
            <p className="flex items-center gap-2 text-sm font-medium">
              <KeyRound className="size-4 text-accent" aria-hidden />
              1. {hasKey ? "You have an API key" : "Create an API key"}
            </p>
            <div>
              <Link
                href="/keys"
                className={buttonClasses({ variant: hasKey ? "secondary" : "primary", size: "sm" })}
              >
                {hasKey ? "Manage API keys" : "Create an API key"}
              </Link>
            </div>
          </li>
          <li className="flex flex-col gap-2">
            <p className="flex items-center gap-2 text-sm font-medium">
              <Terminal className="size-4 text-accent" aria-hidden />
              2. Put your key in <code className="font-mono">TOLLGATE_KEY</code> and call the API through the
              gateway
            </p>
            <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
              <pre
                tabIndex={0}
                className="min-w-0 flex-1 overflow-x-auto rounded-md border border-border bg-surface-muted px-3 py-2 font-mono text-xs"
              >
                <code data-testid="curl-line">{command}</code>
              </pre>
              <CopyButton text={command} label="Copy command" />
            </div>
          </li>
        </ol>
      </CardContent>
    </Card>
  );
}
