"use client";

import { Filter, SlidersHorizontal, X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, buttonClasses } from "@/components/ui/button.tsx";
import { Card, CardContent } from "@/components/ui/card.tsx";
import { Field } from "@/components/ui/field.tsx";
import { Input, Select } from "@/components/ui/input.tsx";
import { useTimeZone } from "@/components/ui/local-time.tsx";
import { FILTER_NAMES, filterInstant, filtersToQuery, type FilterName } from "@/lib/schemas/call-filters.ts";
import { RECORDED_ERROR_CODES } from "@/lib/schemas/error-codes.ts";
import { fromZonedInput, toZonedInput, zoneLabel } from "@/lib/time/zone.ts";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

type Props = {
  /** The filters as written in the URL (possibly invalid). */
  values: Partial<Record<FilterName, string>>;
  /** Messages for invalid values, by filter name. */
  errors: Partial<Record<string, string>>;
  keys: { id: string; label: string }[];
  endpoints: string[];
};

/**
 * A `from`/`to` value from the URL as a `datetime-local` value on the viewer's clock, read as
 * the server filters by it (a bare day as `to` shows its exclusive end, the next day's 00:00
 * UTC, so the range reads the same as it filters).
 */
function toLocalInput(value: string | undefined, bound: "from" | "to", zone: string): string {
  const date = value ? filterInstant(value, bound) : undefined;
  return date ? toZonedInput(date, zone) : "";
}

/**
 * The call log's filters. They live in the URL (docs/architecture.md, "A dashboard filter") so
 * a view can be shared and reloaded;
 * submitting navigates to the new URL and the server validates it. Times are entered in the
 * viewer's time zone and sent as UTC instants. On a phone the form folds behind a
 * "Filters (n)" button so the calls come first; it starts open when a value is invalid.
 */
export function CallFiltersForm({ values, errors, keys, endpoints }: Props) {
  const router = useRouter();
  // The zone every LocalTime uses (the server knows it from a cookie), so the pickers read
  // the same on the server and in the browser.
  const zone = useTimeZone();
  const active = FILTER_NAMES.filter((name) => values[name]).length;
  const [open, setOpen] = useState(Object.keys(errors).length > 0);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === "string" ? value.trim() : "";
    };
    const instant = (name: string) => {
      const value = text(name);
      if (!value) return undefined;
      // An unparsable value goes to the server as typed, which explains what is wrong.
      return fromZonedInput(value, zone)?.toISOString() ?? value;
    };
    const query = filtersToQuery({
      key: text("key") || undefined,
      status: text("status") || undefined,
      error: text("error") || undefined,
      method: text("method") || undefined,
      endpoint: text("endpoint") || undefined,
      q: text("q") || undefined,
      from: instant("from"),
      to: instant("to"),
      ip: text("ip") || undefined,
    });
    router.push(query ? `/logs?${query}` : "/logs");
  }

  return (
    <div className="flex flex-col gap-3">
      <Button
        type="button"
        variant="secondary"
        className="w-fit sm:hidden"
        aria-expanded={open}
        aria-controls="call-filters"
        onClick={() => setOpen(!open)}
      >
        <SlidersHorizontal aria-hidden />
        Filters ({active})
      </Button>
      <Card id="call-filters" className={open ? undefined : "hidden sm:block"}>
        <CardContent className="pt-4 sm:pt-5">
          <form
            // Remount when the zone changes (the browser's first visit sets it) so the time
            // pickers show the new clock.
            key={zone}
            onSubmit={submit}
            aria-label="Filter calls"
            className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6"
          >
            <Field
              id="filter-q"
              label="Search"
              error={errors.q}
              hint="A request id, or text in the path or query"
              className="sm:col-span-2 lg:col-span-3"
            >
              {(control) => (
                <Input
                  {...control}
                  type="search"
                  name="q"
                  placeholder="e.g. DOGE or 1b4e28ba-2fa1-11d2-883f-0016d3cca427"
                  defaultValue={values.q ?? ""}
                  maxLength={200}
                  autoComplete="off"
                />
              )}
            </Field>
            <Field id="filter-key" label="Key" error={errors.key} className="lg:col-span-2">
              {(control) => (
                <Select {...control} name="key" defaultValue={values.key ?? ""}>
                  <option value="">All keys</option>
                  {keys.map((key) => (
                    <option key={key.id} value={key.id}>
                      {key.label}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field
              id="filter-status"
              label="Status"
              error={errors.status}
              hint="failed, 4xx, a code or a list: 429,503"
            >
              {(control) => (
                <Input
                  {...control}
                  name="status"
                  list="status-options"
                  placeholder="e.g. 5xx or 429"
                  defaultValue={values.status ?? ""}
                  autoComplete="off"
                />
              )}
            </Field>
            <datalist id="status-options">
              {[
                "failed",
                "success",
                "2xx",
                "4xx",
                "5xx",
                "400",
                "401",
                "403",
                "404",
                "429",
                "500",
                "502",
                "504",
              ].map((option) => (
                <option key={option} value={option} />
              ))}
            </datalist>
            <Field id="filter-error" label="Error code" error={errors.error}>
              {(control) => (
                <Select {...control} name="error" defaultValue={values.error ?? ""}>
                  <option value="">Any</option>
                  {/* A value from a shared link that is not a known code stays selectable, so its error shows. */}
                  {values.error && !RECORDED_ERROR_CODES.some((code) => code === values.error) ? (
                    <option value={values.error}>{values.error}</option>
                  ) : null}
                  {RECORDED_ERROR_CODES.map((code) => (
                    <option key={code} value={code}>
                      {code}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field id="filter-method" label="Method" error={errors.method}>
              {(control) => (
                <Select {...control} name="method" defaultValue={values.method?.toUpperCase() ?? ""}>
                  <option value="">Any</option>
                  {values.method && !METHODS.includes(values.method.toUpperCase()) ? (
                    <option value={values.method}>{values.method}</option>
                  ) : null}
                  {METHODS.map((method) => (
                    <option key={method} value={method}>
                      {method}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field id="filter-endpoint" label="Endpoint" error={errors.endpoint} className="lg:col-span-3">
              {(control) => (
                <Input
                  {...control}
                  name="endpoint"
                  list="endpoint-options"
                  placeholder="/v2/price"
                  defaultValue={values.endpoint ?? ""}
                  autoComplete="off"
                />
              )}
            </Field>
            <datalist id="endpoint-options">
              {endpoints.map((path) => (
                <option key={path} value={path} />
              ))}
            </datalist>
            <Field id="filter-ip" label="IP address" error={errors.ip}>
              {(control) => (
                <Input
                  {...control}
                  name="ip"
                  placeholder="203.0.113.7"
                  defaultValue={values.ip ?? ""}
                  autoComplete="off"
                />
              )}
            </Field>
            <Field
              id="filter-from"
              label="From"
              error={errors.from}
              hint={zoneLabel(zone)}
              className="lg:col-span-2"
            >
              {(control) => (
                <Input
                  {...control}
                  type="datetime-local"
                  name="from"
                  defaultValue={toLocalInput(values.from, "from", zone)}
                />
              )}
            </Field>
            <Field
              id="filter-to"
              label="To"
              error={errors.to}
              hint={`${zoneLabel(zone)}; up to, not including`}
              className="lg:col-span-2"
            >
              {(control) => (
                <Input
                  {...control}
                  type="datetime-local"
                  name="to"
                  defaultValue={toLocalInput(values.to, "to", zone)}
                />
              )}
            </Field>
            <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-2">
              <Button type="submit">
                <Filter aria-hidden />
                Apply filters
              </Button>
              <Link href="/logs" className={buttonClasses({ variant: "ghost" })}>
                <X aria-hidden />
                Clear
              </Link>
            </div>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}
