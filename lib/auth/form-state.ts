import { z } from "zod";

/**
 * What a form's server action returns to useActionState: a form-level error, errors per
 * field (first message each), the values to put back (never passwords), or success.
 */
export type FormState = {
  error?: string;
  fieldErrors?: Record<string, string | undefined>;
  values?: Record<string, string>;
  ok?: boolean;
  message?: string;
};

/** The first zod message per field, for <Field error>. */
export function fieldErrors(error: z.ZodError): Record<string, string | undefined> {
  const flat = z.flattenError(error);
  const fields = flat.fieldErrors as Record<string, string[] | undefined>;
  const result = Object.fromEntries(
    Object.entries(fields).map(([field, messages]) => [field, messages?.[0]]),
  );
  return flat.formErrors[0] ? { ...result, form: flat.formErrors[0] } : result;
}

/** The form's text fields except secrets, to refill the form after a failed submit. */
export function keepValues(
  formData: FormData,
  secret: readonly string[] = ["password"],
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of formData) {
    if (typeof value === "string" && !secret.includes(name) && !name.startsWith("$")) values[name] = value;
  }
  return values;
}
