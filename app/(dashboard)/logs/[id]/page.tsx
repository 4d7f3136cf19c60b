import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CallDetail } from "@/components/call-log/call-detail.tsx";
import { requireUser } from "@/lib/auth/session.ts";
import { getCall } from "@/lib/data/calls.ts";
import { filtersToQuery, rawFilters } from "@/lib/schemas/call-filters.ts";

export const metadata: Metadata = { title: "Call detail" };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function CallDetailPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const { id } = await params;
  // Another user's call (or a made-up id) is simply not found: never a 403, never the data.
  const call = await getCall(user, id);
  if (!call) notFound();
  const back = filtersToQuery(rawFilters(await searchParams));
  return (
    <div className="flex flex-col gap-4">
      <Link
        href={back ? `/logs?${back}` : "/logs"}
        className="inline-flex w-fit items-center gap-1.5 text-sm text-fg-muted hover:text-fg"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Back to the call log
      </Link>
      <h1 className="text-2xl font-semibold">Call detail</h1>
      <CallDetail call={call} />
    </div>
  );
}
