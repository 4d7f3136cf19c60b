import type { NextRequest } from "next/server";
import { emailSchema } from "@/lib/auth/account.schema.ts";
import { handlers } from "@/lib/auth/config.ts";
import { requestIp } from "@/lib/auth/request-ip.ts";
import { retryAfterMinutes, signInRetryAfter } from "@/lib/auth/throttle.ts";

export const GET = handlers.GET;

/**
 * next-auth's POST, except that a throttled credentials sign-in posted straight to this
 * route gets a real 429 with Retry-After instead of next-auth's redirect to the form.
 */
export async function POST(request: NextRequest): Promise<Response> {
  if (request.nextUrl.pathname.endsWith("/callback/credentials")) {
    const form = await request
      .clone()
      .formData()
      .catch(() => undefined);
    const email = emailSchema.safeParse(form?.get("email"));
    const wait = await signInRetryAfter(email.success ? email.data : "", requestIp(request.headers));
    if (wait > 0) {
      return Response.json(
        {
          error: {
            code: "too_many_attempts",
            message: `Too many attempts, try again in ${retryAfterMinutes(wait)}`,
          },
        },
        { status: 429, headers: { "Retry-After": String(wait) } },
      );
    }
  }
  return handlers.POST(request);
}
