"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Dialog, DialogFooter } from "@/components/ui/dialog.tsx";
import { Field, FormError } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import { failureOf, idle, type ServerAction } from "@/lib/action-state.ts";
import type { AccountChange } from "@/lib/data/users.ts";

type Account = { id: string; email: string; isAdmin: boolean; suspended: boolean };

const LABEL: Record<AccountChange, string> = {
  promote: "Make admin",
  demote: "Remove admin",
  suspend: "Suspend account",
  unsuspend: "Unsuspend account",
};

/**
 * Promote/demote, suspend/unsuspend and delete one account. The server refuses changes to
 * your own account and to the last admin; the buttons say so up front for your own.
 */
export function AccountActions({
  account,
  isSelf,
  changeAction,
  deleteAction,
}: {
  account: Account;
  isSelf: boolean;
  changeAction: ServerAction;
  deleteAction: ServerAction;
}) {
  const [state, action, pending] = useActionState(changeAction, idle);
  const failed = failureOf(state);
  const changes: AccountChange[] = [
    account.isAdmin ? "demote" : "promote",
    account.suspended ? "unsuspend" : "suspend",
  ];
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap gap-2">
        <form action={action} className="contents">
          <input type="hidden" name="userId" value={account.id} />
          {changes.map((change) => (
            <Button
              key={change}
              type="submit"
              name="change"
              value={change}
              variant={change === "suspend" ? "danger" : "secondary"}
              disabled={pending || (isSelf && (change === "demote" || change === "suspend"))}
            >
              {LABEL[change]}
            </Button>
          ))}
        </form>
        {/* A sibling, not a child, of the form above: the confirmation has its own form. */}
        <DeleteAccountButton account={account} disabled={isSelf} action={deleteAction} />
      </div>
      {isSelf ? (
        <p className="text-sm text-fg-muted">This is your own account: another admin must change it.</p>
      ) : null}
      <div role="status" className="text-sm">
        {failed?.error ? <span className="text-danger">{failed?.error}</span> : null}
        {state.status === "ok" && !pending ? <span className="text-success">{state.data}</span> : null}
      </div>
    </div>
  );
}

function DeleteAccountButton({
  account,
  disabled,
  action: deleteAccount,
}: {
  account: Account;
  disabled: boolean;
  action: ServerAction;
}) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(deleteAccount, idle);
  const failed = failureOf(state);
  // Controlled: React resets a form after its action, which would wipe a half-typed email.
  const [confirm, setConfirm] = useState("");
  return (
    <>
      <Button variant="danger-ghost" disabled={disabled} onClick={() => setOpen(true)}>
        Delete account
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete ${account.email}?`}
        description="The account, its API keys and all its recorded calls are deleted. Its keys stop working within a second. This cannot be undone."
      >
        <form action={action} noValidate className="flex flex-col gap-4">
          <input type="hidden" name="userId" value={account.id} />
          <input type="hidden" name="email" value={account.email} />
          <FormError>{failed?.error}</FormError>
          <Field
            id="confirm-delete"
            label="Type the account's email to confirm"
            error={failed?.fieldErrors?.confirm}
          >
            {(control) => (
              <Input
                {...control}
                name="confirm"
                autoComplete="off"
                value={confirm}
                onChange={(event) => setConfirm(event.target.value)}
              />
            )}
          </Field>
          <DialogFooter>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={pending}>
              {pending ? "Deleting…" : "Delete account"}
            </Button>
          </DialogFooter>
        </form>
      </Dialog>
    </>
  );
}
