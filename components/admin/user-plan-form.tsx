"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Select } from "@/components/ui/input.tsx";
import { failureOf, idle, type ServerAction } from "@/lib/action-state.ts";

/** A user's plan selector with its own Save button (no surprise saves while arrowing through options). */
export function UserPlanForm({
  userId,
  email,
  planSlug,
  plans,
  action: setPlan,
}: {
  userId: string;
  email: string;
  planSlug: string;
  plans: Array<{ slug: string; name: string }>;
  action: ServerAction;
}) {
  const [state, action, pending] = useActionState(setPlan, idle);
  const failed = failureOf(state);
  const error = failed?.error ?? failed?.fieldErrors?.plan ?? failed?.fieldErrors?.userId;
  return (
    <form action={action} className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <input type="hidden" name="userId" value={userId} />
        {/* A fixed-width box: the select neither squeezes nor covers the Save button in a narrow cell. */}
        <div className="w-36 shrink-0">
          <Select name="plan" defaultValue={planSlug} aria-label={`Plan for ${email}`}>
            {plans.map((plan) => (
              <option key={plan.slug} value={plan.slug}>
                {plan.name}
              </option>
            ))}
          </Select>
        </div>
        <Button
          type="submit"
          variant="secondary"
          size="sm"
          disabled={pending}
          aria-label={`Save plan for ${email}`}
        >
          Save
        </Button>
      </div>
      <p role="status" className="text-xs">
        {error ? <span className="text-danger">{error}</span> : null}
        {state.status === "ok" && !pending ? <span className="text-success">Saved</span> : null}
      </p>
    </form>
  );
}
