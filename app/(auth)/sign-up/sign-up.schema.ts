import { z } from "zod";
import { displayNameSchema, emailSchema, newPasswordSchema } from "@/lib/auth/account.schema.ts";

export const signUpFormSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: displayNameSchema,
});
