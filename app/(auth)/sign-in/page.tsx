import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { SignInForm } from "./sign-in-form.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // The same words whether the sign-up created an account or found the email taken.
  const signedUp = (await searchParams)["signed-up"] === "1";
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">
          <span className="text-xl">Sign in</span>
        </CardTitle>
        <CardDescription>Welcome back. Sign in to manage your API keys and usage.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {signedUp && (
          <p role="status" className="rounded-md border border-border px-3 py-2 text-sm">
            Thanks for signing up. Sign in with the email and password you just chose.
          </p>
        )}
        <SignInForm />
        <p className="text-center text-sm text-fg-muted">
          New here?{" "}
          <Link href="/sign-up" className="font-medium text-accent hover:underline">
            Create an account
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
