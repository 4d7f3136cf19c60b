"use client";

import { useActionState } from "react";
import { updatePlanAction } from "@/app/(dashboard)/admin/actions.ts";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Field, FormError } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import type { FormState } from "@/lib/auth/form-state.ts";

/** One plan as an editable card: name, requests per minute, monthly quota. */
export function PlanForm({
  plan,
}: {
  plan: { slug: string; name: string; rpm: number; monthlyQuota: number };
}) {
  const [state, action, pending] = useActionState<FormState, FormData>(updatePlanAction, {});
  const id = (field: string) => `plan-${plan.slug}-${field}`;
  const value = (field: "name" | "rpm" | "monthlyQuota") => state.values?.[field] ?? String(plan[field]);
  return (
    <Card>
      <form action={action} noValidate aria-label={`Plan ${plan.slug}`}>
        <CardHeader>
          <CardTitle>
            {plan.name} <span className="font-mono text-xs font-normal text-fg-muted">{plan.slug}</span>
          </CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <input type="hidden" name="slug" value={plan.slug} />
          <FormError>{state.error ?? state.fieldErrors?.form}</FormError>
          <Field id={id("name")} label="Name" error={state.fieldErrors?.name}>
            {(control) => <Input {...control} name="name" defaultValue={value("name")} />}
          </Field>
          <Field id={id("rpm")} label="Requests per minute" error={state.fieldErrors?.rpm}>
            {(control) => (
              <Input
                {...control}
                name="rpm"
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                defaultValue={value("rpm")}
              />
            )}
          </Field>
          <Field
            id={id("monthlyQuota")}
            label="Monthly quota (calls)"
            error={state.fieldErrors?.monthlyQuota}
          >
            {(control) => (
              <Input
                {...control}
                name="monthlyQuota"
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                defaultValue={value("monthlyQuota")}
              />
            )}
          </Field>
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save plan"}
            </Button>
            <p role="status" className="text-sm text-success">
              {state.ok && !pending ? state.message : null}
            </p>
          </div>
        </CardContent>
      </form>
    </Card>
  );
}
