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
    <nav aria-label="Main" className="-mx-1 flex gap-1 overflow-x-auto px-1">
      {links.map(({ href, label, icon: Icon }) => {
        const current =
          href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={href}
            href={href}
            aria-current={current ? "page" : undefined}
            className={cn(
              "flex shrink-0 items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap transition-colors",
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
