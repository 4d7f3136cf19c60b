"use client";

import { Trash2 } from "lucide-react";
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Dialog, DialogFooter } from "@/components/ui/dialog.tsx";
import { FormError } from "@/components/ui/field.tsx";
import { idle, type ActionState } from "@/lib/action-state.ts";
import type { KeySummary } from "@/lib/data/keys.ts";
import { useKeyActions } from "./key-actions.tsx";
import { useInitialFocus } from "./use-initial-focus.ts";

type Target = Pick<KeySummary, "id" | "name" | "prefix" | "last4">;

/** The trash icon button of one key and its confirmation dialog. */
export function DeleteKeyDialog({ apiKey }: { apiKey: Target }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="danger-ghost"
        size="icon"
        aria-label={`Delete key ${apiKey.name}`}
        title="Delete key"
        onClick={() => setOpen(true)}
      >
        <Trash2 aria-hidden />
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Delete key “${apiKey.name}”?`}>
        <DeleteKeyForm apiKey={apiKey} onCancel={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function DeleteKeyForm({ apiKey, onCancel }: { apiKey: Target; onCancel: () => void }) {
  // On success the row, and this dialog with it, leaves the refreshed table.
  const { remove } = useKeyActions();
  const [state, action, pending] = useActionState<ActionState<{ id: string }>, FormData>(remove, idle);
  // Cancel first: Enter on a freshly opened confirmation must not delete.
  const formRef = useInitialFocus<HTMLFormElement>("[data-cancel]");
  return (
    <form ref={formRef} action={action} className="flex flex-col gap-4">
      <input type="hidden" name="id" value={apiKey.id} />
      <FormError>{state.status === "error" ? state.error : null}</FormError>
      <p className="text-sm text-fg-muted">
        Calls using{" "}
        <code className="font-mono text-fg">
          {apiKey.prefix}…{apiKey.last4}
        </code>{" "}
        will be refused within a second. Its call history stays in your logs. This cannot be undone.
      </p>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} data-cancel>
          Cancel
        </Button>
        <Button type="submit" variant="danger" disabled={pending}>
          {pending ? "Deleting…" : "Delete key"}
        </Button>
      </DialogFooter>
    </form>
  );
}
