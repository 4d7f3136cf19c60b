"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Field, FormError } from "@/components/ui/field.tsx";
import { Textarea } from "@/components/ui/input.tsx";
import { failureOf, idle, type ServerAction } from "@/lib/action-state.ts";
import type { CaptureSettingsView } from "@/lib/data/settings.ts";
import { countOf } from "@/lib/format.ts";

const MODE: Record<CaptureSettingsView["mode"], string> = {
  errors: "errors — failed calls only (status ≥ 400, gateway refusals, client aborts)",
  all: "all — every call",
  off: "off — no headers or bodies",
};

/** Call capture: the editable redacted query parameter list and the env-set capture mode, read-only. */
export function CaptureSettingsForm({
  settings,
  updateAction,
}: {
  settings: CaptureSettingsView;
  updateAction: ServerAction;
}) {
  const [state, action, pending] = useActionState(updateAction, idle);
  const failed = failureOf(state);
  const kib = (settings.maxBytes / 1024).toLocaleString("en-US", { maximumFractionDigits: 1 });
  return (
    <Card>
      <form action={action} noValidate aria-label="Call capture">
        <CardHeader>
          <CardTitle>Call capture</CardTitle>
          <CardDescription>
            What the call log keeps to explain failures. Secrets are never stored: key headers, cookies, the
            upstream auth header and any tg_ key are replaced by [REDACTED].
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="text-fg-muted">Headers and bodies kept for</dt>
            <dd>
              <span className="font-mono">CAPTURE_BODIES</span> = {MODE[settings.mode]}
            </dd>
            <dt className="text-fg-muted">Body size kept</dt>
            <dd>
              first {kib} KB of each body (<span className="font-mono">CAPTURE_MAX_BYTES</span>)
            </dd>
            <dt className="text-fg-muted">Kept for</dt>
            <dd>
              {countOf(settings.retentionDays, "day")} (
              <span className="font-mono">PAYLOAD_RETENTION_DAYS</span>); calls themselves stay
            </dd>
          </dl>
          <p className="text-xs text-fg-muted">
            These three are set by environment variables when the gateway starts.
          </p>
          <FormError>{failed?.error}</FormError>
          <Field
            id="capture-redacted-query-params"
            label="Redacted query parameters"
            hint="Names separated by commas or new lines, any case. Their values are stored as [REDACTED]."
            error={failed?.fieldErrors?.redactedQueryParams}
          >
            {(control) => (
              <Textarea
                {...control}
                name="redactedQueryParams"
                rows={3}
                spellCheck={false}
                className="font-mono"
                defaultValue={failed?.values?.redactedQueryParams ?? settings.redactedQueryParams.join(", ")}
              />
            )}
          </Field>
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save list"}
            </Button>
            <p role="status" className="text-sm text-success">
              {state.status === "ok" && !pending ? state.data : null}
            </p>
          </div>
        </CardContent>
      </form>
    </Card>
  );
}
