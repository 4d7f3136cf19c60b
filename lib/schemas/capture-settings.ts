import { z } from "zod";

/** The settings row that holds the admin-editable redacted query parameter names. */
export const REDACTED_QUERY_PARAMS_SETTING = "redacted_query_params";

const paramName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(100, "Use at most 100 characters per name")
  .regex(/^[^\s&=#]+$/, "A parameter name cannot contain spaces, &, = or #");

/** The list as stored (JSON array) and as the gateway reads it: lower-case names, no duplicates. */
export const redactedQueryParamsSchema = z
  .array(paramName)
  .max(200, "Use at most 200 names")
  .transform((names) => [...new Set(names)]);

/** The admin form's field: names separated by commas, spaces or new lines. */
export const redactedQueryParamsInput = z
  .string()
  .max(10_000, "The list is too long")
  .transform((text) => text.split(/[\s,]+/).filter(Boolean))
  .pipe(redactedQueryParamsSchema);
