import Link from "next/link";
import { buttonClasses } from "@/components/ui/button.tsx";
import { StatusPage } from "./status-page.tsx";

/** The branded 404: alone at the root, or inside the dashboard's frame for a missing call, key or user. */
export function NotFoundPage({ standalone = false }: { standalone?: boolean }) {
  return (
    <StatusPage
      code="404"
      title="Nothing here"
      standalone={standalone}
      actions={
        <>
          <Link href="/" className={buttonClasses()}>
            Go to the overview
          </Link>
          <Link href="/logs" className={buttonClasses({ variant: "secondary" })}>
            Open the call log
          </Link>
        </>
      }
    >
      <p>
        This page does not exist, or it belongs to another account. Calls and keys are only visible to the
        account that owns them.
      </p>
    </StatusPage>
  );
}
