import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/lib/auth/session.ts";
import { Logo } from "@/components/layout/logo.tsx";

export default async function AuthLayout({ children }: { children: ReactNode }) {
  // Checked against the database, not just the cookie, so a stale session cannot
  // bounce between here and the dashboard.
  if (await currentUser()) redirect("/");
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-4 py-10">
      <Logo />
      <div className="w-full max-w-sm">{children}</div>
    </main>
  );
}
