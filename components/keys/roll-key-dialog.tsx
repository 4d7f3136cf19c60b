"use client";

import { RefreshCw } from "lucide-react";
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Dialog, DialogFooter } from "@/components/ui/dialog.tsx";
import { FormError } from "@/components/ui/field.tsx";
import { LocalTime } from "@/components/ui/local-time.tsx";
import { idle, type ActionState } from "@/lib/action-state.ts";
import type { KeySummary } from "@/lib/data/keys.ts";
import { rollExpiryLabels, type RollExpiry } from "@/lib/keys/schema.ts";
import { useKeyActions, type RolledKey } from "./key-actions.tsx";
import { KeyReveal } from "./key-reveal.tsx";
import { useInitialFocus } from "./use-initial-focus.ts";

type Target = Pick<KeySummary, "id" | "name" | "prefix" | "last4">;

/** The roll icon button of one key and its dialog: choose when the old key stops, get the new one once. */
export function RollKeyDialog({ apiKey }: { apiKey: Target }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="ghost"
        size="icon"
        aria-label={`Roll key ${apiKey.name}`}
        title="Roll key"
        onClick={() => setOpen(true)}
      >
        <RefreshCw aria-hidden />
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Roll key “${apiKey.name}”`}
        description="Rolling creates a new key with the same name. The old key keeps working until the time you choose, so you can switch your apps over without downtime."
      >
        <RollKeyForm apiKey={apiKey} onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function RollKeyForm({ apiKey, onDone }: { apiKey: Target; onDone: () => void }) {
  const { roll } = useKeyActions();
  const [state, action, pending] = useActionState<ActionState<RolledKey>, FormData>(roll, idle);
  const formRef = useInitialFocus<HTMLFormElement>("input:checked");

  if (state.status === "ok") {
    const { newKey, oldKey } = state.data;
    return (
      <div className="flex flex-col gap-4">
        <KeyReveal plaintext={newKey.key} name={newKey.name} />
        <p className="text-sm text-fg-muted">
          The old key{" "}
          <code className="font-mono text-fg">
            {oldKey.prefix}…{oldKey.last4}
          </code>{" "}
          expires <LocalTime value={oldKey.expiresAt} seconds={false} fallback="never" withZone />.
        </p>
        <DialogFooter>
          <Button onClick={onDone}>Done</Button>
        </DialogFooter>
      </div>
    );
  }

  return (
    <form ref={formRef} action={action} className="flex flex-col gap-4">
      <input type="hidden" name="id" value={apiKey.id} />
      <FormError>{state.status === "error" ? state.error : null}</FormError>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-2 text-sm font-medium">
          When should the old key{" "}
          <code className="font-mono">
            {apiKey.prefix}…{apiKey.last4}
          </code>{" "}
          stop working?
        </legend>
        {Object.entries(rollExpiryLabels).map(([value, text]) => (
          <label
            key={value}
            className="flex cursor-pointer items-center gap-3 rounded-md border border-border px-3 py-2 text-sm has-checked:border-accent has-checked:bg-accent-soft"
          >
            <input
              type="radio"
              name="oldKeyExpiresIn"
              value={value}
              defaultChecked={value === ("24h" satisfies RollExpiry)}
              className="accent-accent"
            />
            {text}
          </label>
        ))}
      </fieldset>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          {pending ? "Rolling…" : "Roll key"}
        </Button>
      </DialogFooter>
    </form>
  );
}
