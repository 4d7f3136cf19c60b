"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { FormError } from "@/components/ui/field.tsx";
import type { FormState } from "@/lib/auth/form-state.ts";
import type { FormAction } from "./form-action.ts";
import { PlanFields } from "./plan-form.tsx";

/** Adds a plan: slug, name, rate limit and quota. */
export function NewPlanForm({ action: createPlan }: { action: FormAction }) {
  const [state, action, pending] = useActionState<FormState, FormData>(createPlan, {});
  return (
    <Card className="border-dashed">
      <CardHeader>
        <CardTitle>New plan</CardTitle>
        <CardDescription>Accounts can be moved onto it once it exists.</CardDescription>
      </CardHeader>
      <CardContent>
        {/* Remounted after each success (key), so the fields empty for the next plan. */}
        <form
          key={state.ok ? state.message : "new"}
          action={action}
          noValidate
          aria-label="New plan"
          className="flex flex-col gap-3"
        >
          <FormError>{state.error ?? state.fieldErrors?.form}</FormError>
          <PlanFields idPrefix="new-plan" state={state.ok ? {} : state} withSlug />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={pending}>
              {pending ? "Creating…" : "Create plan"}
            </Button>
            <p role="status" className="text-sm text-success">
              {state.ok && !pending ? state.message : null}
            </p>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
