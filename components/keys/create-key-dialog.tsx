"use client";

import { Plus } from "lucide-react";
import { createContext, use, useActionState, useCallback, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Dialog, DialogFooter } from "@/components/ui/dialog.tsx";
import { Field, FormError } from "@/components/ui/field.tsx";
import { Input, Select } from "@/components/ui/input.tsx";
import { idle, type ActionState } from "@/lib/action-state.ts";
import type { CreatedKey } from "@/lib/data/keys.ts";
import { creationExpiryLabels, type CreationExpiry } from "@/lib/keys/schema.ts";
import { useKeyActions } from "./key-actions.tsx";
import { KeyReveal } from "./key-reveal.tsx";
import { useInitialFocus } from "./use-initial-focus.ts";

const OpenCreateKey = createContext<(() => void) | null>(null);

/**
 * Owns the "Create API key" dialog for the whole page. It sits above everything that
 * changes when the first key appears (the empty state gives way to the table), so the
 * dialog, and the key it is showing once, survive that re-render.
 */
export function CreateKeyProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const openDialog = useCallback(() => setOpen(true), []);
  return (
    <OpenCreateKey value={openDialog}>
      {children}
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Create API key"
        description="Name it after where it will be used, so you can tell keys apart later."
      >
        {/* Rendered only while open: closing the dialog drops the plaintext from memory. */}
        <CreateKeyForm onDone={() => setOpen(false)} />
      </Dialog>
    </OpenCreateKey>
  );
}

/** A button that opens the page's "Create API key" dialog (inside a CreateKeyProvider). */
export function CreateKeyButton({ label = "Create key" }: { label?: string }) {
  const openDialog = use(OpenCreateKey);
  if (!openDialog) throw new Error("CreateKeyButton needs a CreateKeyProvider above it");
  return (
    <Button onClick={openDialog}>
      <Plus aria-hidden />
      {label}
    </Button>
  );
}

function CreateKeyForm({ onDone }: { onDone: () => void }) {
  const { create } = useKeyActions();
  const [state, action, pending] = useActionState<ActionState<CreatedKey>, FormData>(create, idle);
  const formRef = useInitialFocus<HTMLFormElement>('[name="name"]');

  if (state.status === "ok") {
    return (
      <div className="flex flex-col gap-4">
        <KeyReveal plaintext={state.data.key} name={state.data.name} />
        <DialogFooter>
          <Button onClick={onDone}>Done</Button>
        </DialogFooter>
      </div>
    );
  }

  const errors = state.status === "error" ? state.fieldErrors : undefined;
  return (
    <form ref={formRef} action={action} noValidate className="flex flex-col gap-4">
      <FormError>
        {state.status === "error" && !errors?.name && !errors?.expiresIn ? state.error : null}
      </FormError>
      <Field
        id="key-name"
        label="Name"
        hint="1–64 characters, e.g. “Production server”."
        error={errors?.name}
      >
        {(control) => (
          <Input
            {...control}
            name="name"
            autoComplete="off"
            maxLength={64}
            autoFocus
            placeholder="Production"
          />
        )}
      </Field>
      <Field id="key-expiry" label="Expires" error={errors?.expiresIn}>
        {(control) => (
          <Select {...control} name="expiresIn" defaultValue={"never" satisfies CreationExpiry}>
            {Object.entries(creationExpiryLabels).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </Button>
      </DialogFooter>
    </form>
  );
}
