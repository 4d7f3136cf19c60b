import { ChevronLeft, ChevronRight, ChevronsLeft } from "lucide-react";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button.tsx";
import type { CallPage } from "@/lib/data/calls.ts";
import { encodeCursor, filtersToQuery, type FilterName } from "@/lib/schemas/call-filters.ts";

/** Newest / Newer / Older links; the cursors keep each page stable while new calls arrive. */
export function Pagination({
  page,
  filters,
  onFirstPage,
}: {
  page: CallPage;
  filters: Partial<Record<FilterName, string>>;
  onFirstPage: boolean;
}) {
  const href = (cursor: string | undefined) => {
    const query = filtersToQuery(filters, cursor);
    return query ? `/logs?${query}` : "/logs";
  };
  const disabled = buttonClasses({
    variant: "secondary",
    size: "sm",
    className: "pointer-events-none opacity-50",
  });
  const enabled = buttonClasses({ variant: "secondary", size: "sm" });
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-end gap-2">
      {onFirstPage ? null : (
        <Link href={href(undefined)} className={enabled}>
          <ChevronsLeft aria-hidden />
          Newest
        </Link>
      )}
      {page.newer ? (
        <Link href={href(encodeCursor(page.newer))} className={enabled} rel="prev">
          <ChevronLeft aria-hidden />
          Newer
        </Link>
      ) : (
        <span className={disabled} aria-disabled="true">
          <ChevronLeft aria-hidden />
          Newer
        </span>
      )}
      {page.older ? (
        <Link href={href(encodeCursor(page.older))} className={enabled} rel="next">
          Older
          <ChevronRight aria-hidden />
        </Link>
      ) : (
        <span className={disabled} aria-disabled="true">
          Older
          <ChevronRight aria-hidden />
        </span>
      )}
    </nav>
  );
}
