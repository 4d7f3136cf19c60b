"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Field, FormError } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import { failureOf, idle } from "@/lib/action-state.ts";
import { signInAction } from "../actions.ts";

export function SignInForm() {
  const [state, action, pending] = useActionState(signInAction, idle);
  const failed = failureOf(state);
  return (
    <form action={action} noValidate className="flex flex-col gap-4">
      <FormError>{failed?.error}</FormError>
      <Field id="email" label="Email" error={failed?.fieldErrors?.email}>
        {(control) => (
          <Input
            {...control}
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={failed?.values?.email}
          />
        )}
      </Field>
      <Field id="password" label="Password" error={failed?.fieldErrors?.password}>
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
