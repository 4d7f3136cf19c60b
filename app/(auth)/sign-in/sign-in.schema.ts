import { z } from "zod";
import { emailSchema } from "@/lib/auth/account.schema.ts";

export const signInFormSchema = z.object({
  email: emailSchema,
  password: z
    .string({ error: "Enter your password" })
    .min(1, "Enter your password")
    .max(256, "That password is too long"),
});
