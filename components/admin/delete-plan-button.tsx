"use client";

import { Trash2 } from "lucide-react";
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Dialog, DialogFooter } from "@/components/ui/dialog.tsx";
import { FormError } from "@/components/ui/field.tsx";
import { failureOf, idle, type ServerAction } from "@/lib/action-state.ts";
import { countOf } from "@/lib/format.ts";

/**
 * A plan's Delete button and its confirmation. The count of accounts on the plan is shown
 * up front; the server refuses a plan in use whatever this page last saw.
 */
export function DeletePlanButton({
  plan,
  users,
  action: deletePlan,
}: {
  plan: { slug: string; name: string };
  users: number;
  action: ServerAction;
}) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(deletePlan, idle);
  const failed = failureOf(state);
  return (
    <>
      <Button
        variant="danger-ghost"
        size="icon"
        className="-mt-2 -mr-2"
        aria-label={`Delete plan ${plan.slug}`}
        title="Delete plan"
        onClick={() => setOpen(true)}
      >
        <Trash2 aria-hidden />
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete plan “${plan.name}”?`}
        description={
          users > 0
            ? `${countOf(users, "account is", "accounts are")} on this plan: move ${users === 1 ? "it" : "them"} to another plan first.`
            : "No account is on this plan. This cannot be undone."
        }
      >
        <form action={action} className="flex flex-col gap-4">
          <input type="hidden" name="slug" value={plan.slug} />
          <FormError>{failed?.error}</FormError>
          <DialogFooter>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={pending}>
              {pending ? "Deleting…" : "Delete plan"}
            </Button>
          </DialogFooter>
        </form>
      </Dialog>
    </>
  );
}
