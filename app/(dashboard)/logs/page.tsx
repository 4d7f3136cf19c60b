import { AlertTriangle, Download } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { CallFiltersForm } from "@/components/call-log/call-filters-form.tsx";
import { CallTable } from "@/components/call-log/call-table.tsx";
import { Pagination } from "@/components/call-log/pagination.tsx";
import { RefreshControls } from "@/components/call-log/refresh-controls.tsx";
import { GetStarted } from "@/components/usage/get-started.tsx";
import { buttonClasses } from "@/components/ui/button.tsx";
import { Card, CardContent } from "@/components/ui/card.tsx";
import { requireUser } from "@/lib/auth/session.ts";
import { listCalls, listKeyOptions, PAGE_SIZE } from "@/lib/data/calls.ts";
import { listRecentEndpoints } from "@/lib/data/usage.ts";
import { env } from "@/lib/env.ts";
import { filtersToQuery, parseCallFilters, rawFilters } from "@/lib/schemas/call-filters.ts";
import { countOf } from "@/lib/format.ts";

export const metadata: Metadata = { title: "Call log" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function CallLogPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const params = await searchParams;
  const raw = rawFilters(params);
  const query = filtersToQuery(raw);
  const parsed = parseCallFilters(params);
  const [keys, endpoints, page] = await Promise.all([
    listKeyOptions(user),
    listRecentEndpoints(user),
    parsed.ok ? listCalls(user, parsed.filters) : null,
  ]);
  const errors = parsed.ok ? {} : Object.fromEntries(parsed.errors.map((e) => [e.field, e.message]));
  const filtered = Object.keys(raw).length > 0;
  const onFirstPage = !parsed.ok || !parsed.filters.cursor;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="flex flex-col gap-1">
          <h1 className="text-2xl font-semibold">API call statistics</h1>
          <p className="text-sm text-fg-muted">
            Every call made with your keys, newest first. Times are in your time zone.
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <RefreshControls live={onFirstPage} />
          {parsed.ok ? (
            <a
              href={`/api/calls/export${query ? `?${query}` : ""}`}
              download
              className={buttonClasses({ variant: "secondary", size: "sm" })}
            >
              <Download aria-hidden />
              Export CSV
            </a>
          ) : null}
        </div>
      </div>

      <CallFiltersForm values={raw} errors={errors} keys={keys} endpoints={endpoints} />

      {!parsed.ok ? (
        <div
          role="alert"
          className="flex gap-3 rounded-lg border border-danger/40 bg-danger-soft p-4 text-sm text-danger"
        >
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <div className="flex flex-col gap-1">
            <p className="font-medium">These filters cannot be used:</p>
            <ul className="list-disc pl-5">
              {parsed.errors.map((error) => (
                <li key={`${error.field}:${error.message}`}>{error.message}</li>
              ))}
            </ul>
            <p>
              Fix them above, or{" "}
              <Link href="/logs" className="font-medium underline">
                clear all filters
              </Link>
              .
            </p>
          </div>
        </div>
      ) : null}

      {page && page.rows.length > 0 ? (
        <Card>
          <CallTable rows={page.rows} query={query} />
          <div className="flex flex-col gap-2 border-t border-border p-3 sm:flex-row sm:items-center sm:justify-between">
            <p className="text-sm text-fg-muted">
              {countOf(page.rows.length, "call")} on this page
              {page.rows.length === PAGE_SIZE ? ` (${PAGE_SIZE} per page)` : ""}
            </p>
            <Pagination page={page} filters={raw} onFirstPage={onFirstPage} />
          </div>
        </Card>
      ) : null}

      {page && page.rows.length === 0 && (filtered || !onFirstPage) ? (
        <Card className="border-dashed">
          <CardContent className="flex flex-col items-start gap-3 py-8 sm:py-8">
            <p className="font-medium">
              {onFirstPage ? "No calls match these filters." : "No more calls this way."}
            </p>
            <div className="flex gap-2">
              <Link
                href={query ? `/logs?${query}` : "/logs"}
                className={buttonClasses({ variant: "secondary", size: "sm" })}
              >
                Newest matching calls
              </Link>
              <Link href="/logs" className={buttonClasses({ variant: "ghost", size: "sm" })}>
                Clear filters
              </Link>
            </div>
          </CardContent>
        </Card>
      ) : null}

      {page && page.rows.length === 0 && !filtered && onFirstPage ? (
        <GetStarted gatewayUrl={env().GATEWAY_URL} hasKey={keys.some((key) => !key.deleted)} />
      ) : null}
    </div>
  );
}
