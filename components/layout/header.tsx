import { LogOut } from "lucide-react";
import { Button } from "@/components/ui/button.tsx";
import type { SessionUser } from "@/lib/actor.ts";
import { Logo } from "./logo.tsx";
import { NavLinks } from "./nav-links.tsx";

/**
 * The dashboard header: brand, navigation, who is signed in and a sign-out button.
 * On a phone the navigation wraps onto its own row and scrolls sideways.
 */
export function Header({ user, signOutAction }: { user: SessionUser; signOutAction: () => Promise<void> }) {
  return (
    <header className="border-b border-border bg-surface">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Logo />
        <div className="order-last w-full min-w-0 md:order-none md:w-auto md:flex-1">
          <NavLinks isAdmin={user.isAdmin} />
        </div>
        <div className="ml-auto flex min-w-0 items-center gap-2">
          <span className="truncate text-sm text-fg-muted" title={user.email}>
            {user.email}
          </span>
          <form action={signOutAction}>
            <Button type="submit" variant="ghost" size="sm">
              <LogOut aria-hidden />
              Sign out
            </Button>
          </form>
        </div>
      </div>
    </header>
  );
}
