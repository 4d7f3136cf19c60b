import { z } from "zod";
import { displayNameSchema, emailSchema } from "@/lib/auth/account.schema.ts";
import { newPasswordSchema } from "@/lib/auth/new-password.schema.ts";

export const signUpFormSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: displayNameSchema,
});
