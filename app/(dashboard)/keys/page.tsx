import { KeyRound } from "lucide-react";
import type { Metadata } from "next";
import { CreateKeyButton, CreateKeyProvider } from "@/components/keys/create-key-dialog.tsx";
import { CurlExample } from "@/components/keys/curl-example.tsx";
import { KeyActionsProvider, type KeyActions } from "@/components/keys/key-actions.tsx";
import { KeysTable } from "@/components/keys/keys-table.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { requireUser } from "@/lib/auth/session.ts";
import { listKeys } from "@/lib/data/keys.ts";
import { env } from "@/lib/env.ts";
import { createKeyAction, deleteKeyAction, rollKeyAction, setKeyStatusAction } from "./actions.ts";

export const metadata: Metadata = { title: "API keys" };

const keyActions: KeyActions = {
  create: createKeyAction,
  setStatus: setKeyStatusAction,
  roll: rollKeyAction,
  remove: deleteKeyAction,
};

export default async function KeysPage() {
  const user = await requireUser();
  const keys = await listKeys(user);
  const gatewayUrl = env().GATEWAY_URL;
  // The request's time, to mark expired keys; this page is rendered per request.
  const now = new Date();

  return (
    <KeyActionsProvider actions={keyActions}>
      <CreateKeyProvider>
        <div className="flex flex-col gap-6">
          <div className="flex flex-wrap items-end justify-between gap-4">
            <div className="flex flex-col gap-1">
              <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
              <p className="max-w-2xl text-sm text-fg-muted">
                Keys authenticate your calls to the gateway. All of them share your plan’s rate limit and
                monthly quota. A key is shown once, when you create it.
              </p>
            </div>
            {keys.length > 0 ? <CreateKeyButton /> : null}
          </div>

          {keys.length === 0 ? (
            <Card>
              <CardContent className="flex flex-col items-center gap-4 py-10 text-center sm:py-12">
                <span className="flex size-12 items-center justify-center rounded-full bg-accent-soft text-accent">
                  <KeyRound className="size-6" aria-hidden />
                </span>
                <div className="flex flex-col gap-1">
                  <h2 className="text-lg font-semibold">No keys yet — create one</h2>
                  <p className="max-w-md text-sm text-fg-muted">
                    Create a key, copy it, and make your first call. It will show up in your call log within
                    seconds.
                  </p>
                </div>
                <CreateKeyButton label="Create your first key" />
                <div className="w-full max-w-2xl text-left">
                  <CurlExample gatewayUrl={gatewayUrl} />
                </div>
              </CardContent>
            </Card>
          ) : (
            <>
              <Card className="overflow-hidden">
                <KeysTable keys={keys} now={now} />
              </Card>
              <Card>
                <CardHeader>
                  <CardTitle>Make a call</CardTitle>
                  <CardDescription>
                    Send the key as <code className="font-mono">Authorization: Bearer …</code> or{" "}
                    <code className="font-mono">x-api-key</code>.
                  </CardDescription>
                </CardHeader>
                <CardContent>
                  <CurlExample gatewayUrl={gatewayUrl} />
                </CardContent>
              </Card>
            </>
          )}
        </div>
      </CreateKeyProvider>
    </KeyActionsProvider>
  );
}
