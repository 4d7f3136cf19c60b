"use client";

import Link from "next/link";
import { StatusPage } from "@/components/layout/status-page.tsx";
import { Button, buttonClasses } from "@/components/ui/button.tsx";

/** Any page's unexpected error: no stack trace, a retry, and the digest to quote from the server log. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <StatusPage
      code="500"
      title="Something went wrong"
      standalone
      actions={
        <>
          <Button onClick={reset}>Try again</Button>
          <Link href="/" className={buttonClasses({ variant: "secondary" })}>
            Go to the overview
          </Link>
        </>
      }
    >
      <p>The page could not be shown. Your data is safe; trying again often helps.</p>
      {error.digest ? (
        <p className="mt-2">
          Error reference <code className="font-mono text-fg">{error.digest}</code> (in the server log).
        </p>
      ) : null}
    </StatusPage>
  );
}
