"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Field, FormError } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import { failureOf, idle } from "@/lib/action-state.ts";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/account.schema.ts";
import { signUpAction } from "../actions.ts";

export function SignUpForm() {
  const [state, action, pending] = useActionState(signUpAction, idle);
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
      <Field
        id="password"
        label="Password"
        hint={`At least ${PASSWORD_MIN_LENGTH} characters, and not a common password.`}
        error={failed?.fieldErrors?.password}
      >
        {(control) => (
          <Input
            {...control}
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={PASSWORD_MIN_LENGTH}
            required
          />
        )}
      </Field>
      <Field id="name" label="Name (optional)" error={failed?.fieldErrors?.name}>
        {(control) => (
          <Input {...control} name="name" autoComplete="name" defaultValue={failed?.values?.name} />
        )}
      </Field>
      <Button type="submit" disabled={pending} size="lg">
        {pending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
