"use client";

import { Activity, Gauge, KeyRound, Shield } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn.ts";

const LINKS = [
  { href: "/", label: "Overview", icon: Gauge },
  { href: "/keys", label: "API keys", icon: KeyRound },
  { href: "/logs", label: "Call log", icon: Activity },
] as const;

const ADMIN = { href: "/admin", label: "Admin", icon: Shield } as const;

/** The dashboard's main navigation; the current page is marked for sighted and screen-reader users. */
export function NavLinks({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  const links = isAdmin ? [...LINKS, ADMIN] : LINKS;
  return (
    // On a phone every tab gets an equal share of the row (icon over a short label), so
    // none, Admin included, is cut off or hidden behind a sideways scroll.
    <nav aria-label="Main" className="grid auto-cols-fr grid-flow-col gap-1 sm:flex">
      {links.map(({ href, label, icon: Icon }) => {
        const current =
          href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={href}
            href={href}
            aria-current={current ? "page" : undefined}
            className={cn(
              "flex min-w-0 flex-col items-center gap-0.5 rounded-md px-1 py-1.5 text-xs font-medium whitespace-nowrap transition-colors sm:shrink-0 sm:flex-row sm:gap-1.5 sm:px-3 sm:text-sm",
              current ? "bg-accent-soft text-accent" : "text-fg-muted hover:bg-surface-muted hover:text-fg",
            )}
          >
            <Icon className="size-4" aria-hidden />
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
