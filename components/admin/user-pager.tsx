import { ChevronLeft, ChevronRight } from "lucide-react";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button.tsx";

/** Previous / Next links over the users list, keeping the search. */
export function UserPager({ query, page, pages }: { query: string; page: number; pages: number }) {
  if (pages <= 1) return null;
  const href = (to: number) => {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    if (to > 1) params.set("page", String(to));
    const search = params.toString();
    return search ? `/admin?${search}` : "/admin";
  };
  const link = buttonClasses({ variant: "secondary", size: "sm" });
  const off = buttonClasses({
    variant: "secondary",
    size: "sm",
    className: "pointer-events-none opacity-50",
  });
  return (
    <nav aria-label="Users pages" className="flex items-center justify-between gap-2 px-4 pt-3 sm:px-5">
      {page > 1 ? (
        <Link href={href(page - 1)} className={link} rel="prev">
          <ChevronLeft aria-hidden />
          Previous
        </Link>
      ) : (
        <span className={off} aria-disabled="true">
          <ChevronLeft aria-hidden />
          Previous
        </span>
      )}
      <span className="text-sm text-fg-muted tabular-nums">
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <Link href={href(page + 1)} className={link} rel="next">
          Next
          <ChevronRight aria-hidden />
        </Link>
      ) : (
        <span className={off} aria-disabled="true">
          Next
          <ChevronRight aria-hidden />
        </span>
      )}
    </nav>
  );
}
