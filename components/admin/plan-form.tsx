"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Field, FormError } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import { failureOf, idle, type ActionState, type ServerAction } from "@/lib/action-state.ts";
import { DeletePlanButton } from "./delete-plan-button.tsx";

type PlanValues = { slug: string; name: string; rpm: number; monthlyQuota: number };
type Field = "slug" | "name" | "rpm" | "monthlyQuota";

/** The plan inputs; the slug only for a new plan (an existing plan's slug is its identity). */
function PlanFields({ idPrefix, state, plan }: { idPrefix: string; state: ActionState; plan?: PlanValues }) {
  const failed = failureOf(state);
  const id = (field: Field) => `${idPrefix}-${field}`;
  const value = (field: Field) => failed?.values?.[field] ?? (plan ? String(plan[field]) : undefined);
  const number = { type: "number", min: 1, step: 1, inputMode: "numeric" } as const;
  return (
    <>
      {plan ? (
        <input type="hidden" name="slug" value={plan.slug} />
      ) : (
        <Field
          id={id("slug")}
          label="Slug"
          hint="Lowercase letters, digits, dashes"
          error={failed?.fieldErrors?.slug}
        >
          {(control) => <Input {...control} name="slug" defaultValue={value("slug")} autoComplete="off" />}
        </Field>
      )}
      <Field id={id("name")} label="Name" error={failed?.fieldErrors?.name}>
        {(control) => <Input {...control} name="name" defaultValue={value("name")} />}
      </Field>
      <Field id={id("rpm")} label="Requests per minute" error={failed?.fieldErrors?.rpm}>
        {(control) => <Input {...control} {...number} name="rpm" defaultValue={value("rpm")} />}
      </Field>
      <Field id={id("monthlyQuota")} label="Monthly quota (calls)" error={failed?.fieldErrors?.monthlyQuota}>
        {(control) => (
          <Input {...control} {...number} name="monthlyQuota" defaultValue={value("monthlyQuota")} />
        )}
      </Field>
    </>
  );
}

/**
 * A plan as an editable card (name, requests per minute, monthly quota; delete when unused),
 * or, without `plan`, the card that adds one (slug too).
 */
export function PlanForm({
  plan,
  users = 0,
  deletable = false,
  action: submit,
  deleteAction,
}: {
  /** The plan to edit; absent for the new-plan card. */
  plan?: PlanValues;
  /** Accounts on the plan: a plan in use cannot be deleted. */
  users?: number;
  /** False for the plan new accounts start on. */
  deletable?: boolean;
  action: ServerAction;
  deleteAction?: ServerAction;
}) {
  const [state, action, pending] = useActionState(submit, idle);
  const done = state.status === "ok" && !pending ? state.data : null;
  return (
    <Card className={plan ? undefined : "border-dashed"}>
      {plan ? (
        <CardHeader className="flex flex-row items-start justify-between gap-2">
          <CardTitle>
            {plan.name} <span className="font-mono text-xs font-normal text-fg-muted">{plan.slug}</span>
          </CardTitle>
          {/* Outside the edit form: the confirmation has a form of its own, and forms do not nest. */}
          {deletable && deleteAction ? (
            <DeletePlanButton plan={plan} users={users} action={deleteAction} />
          ) : null}
        </CardHeader>
      ) : (
        <CardHeader>
          <CardTitle>New plan</CardTitle>
          <CardDescription>Accounts can be moved onto it once it exists.</CardDescription>
        </CardHeader>
      )}
      <CardContent>
        {/* A new plan's form is remounted after each success (key), so its fields empty for the next. */}
        <form
          key={plan || state.status !== "ok" ? "form" : state.data}
          action={action}
          noValidate
          aria-label={plan ? `Plan ${plan.slug}` : "New plan"}
          className="flex flex-col gap-3"
        >
          <FormError>{failureOf(state)?.error}</FormError>
          <PlanFields idPrefix={plan ? `plan-${plan.slug}` : "new-plan"} state={state} plan={plan} />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={pending}>
              {plan ? (pending ? "Saving…" : "Save plan") : pending ? "Creating…" : "Create plan"}
            </Button>
            <p role="status" className="text-sm text-success">
              {done}
            </p>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
