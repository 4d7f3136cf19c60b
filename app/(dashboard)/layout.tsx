import type { ReactNode } from "react";
import { Header } from "@/components/layout/header.tsx";
import { requireUser } from "@/lib/auth/session.ts";
import { signOutAction } from "../(auth)/actions.ts";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // Pages and actions check the session themselves too; this only renders who is signed in.
  const user = await requireUser();
  return (
    <div className="flex min-h-dvh flex-col">
      <Header user={user} signOutAction={signOutAction} />
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6 sm:py-8">{children}</main>
    </div>
  );
}
