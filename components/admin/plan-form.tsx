"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Field, FormError } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import type { FormState } from "@/lib/auth/form-state.ts";
import { DeletePlanButton } from "./delete-plan-button.tsx";
import type { FormAction } from "./form-action.ts";

type PlanValues = { slug: string; name: string; rpm: number; monthlyQuota: number };
type Field = "slug" | "name" | "rpm" | "monthlyQuota";

/** The name, rate limit and quota inputs, shared by the edit and the new-plan forms. */
export function PlanFields({
  idPrefix,
  state,
  defaults,
  withSlug = false,
}: {
  idPrefix: string;
  state: FormState;
  defaults?: PlanValues;
  withSlug?: boolean;
}) {
  const id = (field: Field) => `${idPrefix}-${field}`;
  const value = (field: Field) => state.values?.[field] ?? (defaults ? String(defaults[field]) : undefined);
  const number = { type: "number", min: 1, step: 1, inputMode: "numeric" } as const;
  return (
    <>
      {withSlug ? (
        <Field
          id={id("slug")}
          label="Slug"
          hint="Lowercase letters, digits, dashes"
          error={state.fieldErrors?.slug}
        >
          {(control) => <Input {...control} name="slug" defaultValue={value("slug")} autoComplete="off" />}
        </Field>
      ) : null}
      <Field id={id("name")} label="Name" error={state.fieldErrors?.name}>
        {(control) => <Input {...control} name="name" defaultValue={value("name")} />}
      </Field>
      <Field id={id("rpm")} label="Requests per minute" error={state.fieldErrors?.rpm}>
        {(control) => <Input {...control} {...number} name="rpm" defaultValue={value("rpm")} />}
      </Field>
      <Field id={id("monthlyQuota")} label="Monthly quota (calls)" error={state.fieldErrors?.monthlyQuota}>
        {(control) => (
          <Input {...control} {...number} name="monthlyQuota" defaultValue={value("monthlyQuota")} />
        )}
      </Field>
    </>
  );
}

/** One plan as an editable card: name, requests per minute, monthly quota; delete when unused. */
export function PlanForm({
  plan,
  users,
  deletable,
  updateAction,
  deleteAction,
}: {
  plan: PlanValues;
  /** Accounts on the plan: a plan in use cannot be deleted. */
  users: number;
  /** False for the plan new accounts start on. */
  deletable: boolean;
  updateAction: FormAction;
  deleteAction: FormAction;
}) {
  const [state, action, pending] = useActionState<FormState, FormData>(updateAction, {});
  return (
    <Card>
      <CardHeader className="flex flex-row items-start justify-between gap-2">
        <CardTitle>
          {plan.name} <span className="font-mono text-xs font-normal text-fg-muted">{plan.slug}</span>
        </CardTitle>
        {/* Outside the edit form: the confirmation has a form of its own, and forms do not nest. */}
        {deletable ? <DeletePlanButton plan={plan} users={users} action={deleteAction} /> : null}
      </CardHeader>
      <CardContent>
        <form action={action} noValidate aria-label={`Plan ${plan.slug}`} className="flex flex-col gap-3">
          <input type="hidden" name="slug" value={plan.slug} />
          <FormError>{state.error ?? state.fieldErrors?.form}</FormError>
          <PlanFields idPrefix={`plan-${plan.slug}`} state={state} defaults={plan} />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save plan"}
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
