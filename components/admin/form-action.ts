import type { FormState } from "@/lib/auth/form-state.ts";

/**
 * A server action for useActionState. Admin forms receive theirs as a prop from the page,
 * so nothing under components/ imports from app/.
 */
export type FormAction = (previous: FormState, formData: FormData) => Promise<FormState>;
