"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Field, FormError } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import type { FormState } from "@/lib/auth/form-state.ts";
import { signInAction } from "../actions.ts";

export function SignInForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(signInAction, {});
  return (
    <form action={action} noValidate className="flex flex-col gap-4">
      <FormError>{state.error}</FormError>
      <Field id="email" label="Email" error={state.fieldErrors?.email}>
        {(control) => (
          <Input
            {...control}
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={state.values?.email}
          />
        )}
      </Field>
      <Field id="password" label="Password" error={state.fieldErrors?.password}>
        {(control) => (
          <Input {...control} name="password" type="password" autoComplete="current-password" required />
        )}
      </Field>
      <Button type="submit" disabled={pending} size="lg">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
