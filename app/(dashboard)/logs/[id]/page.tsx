import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CallDetail } from "@/components/call-log/call-detail.tsx";
import { requireUser } from "@/lib/auth/session.ts";
import { getCallDetail } from "@/lib/data/calls.ts";
import { getQuota } from "@/lib/data/usage.ts";
import { env } from "@/lib/env.ts";
import { filtersToQuery, rawFilters } from "@/lib/schemas/call-filters.ts";
import { explainCall, upstreamErrorMessage } from "@/lib/call-log/call-messages.ts";
import { curlCommand } from "@/lib/call-log/curl.ts";

export const metadata: Metadata = { title: "Call detail" };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function CallDetailPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const { id } = await params;
  // Another user's call (or a made-up id) is simply not found: never a 403, never the data.
  const [call, quota] = await Promise.all([getCallDetail(user, id), getQuota(user)]);
  if (!call) notFound();
  const back = filtersToQuery(rawFilters(await searchParams));
  const response = call.payload?.response;
  const explanation = explainCall(call, {
    plan: quota.plan,
    quotaResetsAt: quota.resetsAt,
    retryAfter: response?.headers?.find(([name]) => name.toLowerCase() === "retry-after")?.[1] ?? null,
    upstreamMessage: call.errorCode ? null : upstreamErrorMessage(response?.body ?? null),
  });
  const curl = curlCommand({
    gatewayUrl: env().GATEWAY_URL,
    method: call.method,
    path: call.path,
    query: call.query,
    headers: call.payload?.request.headers,
    // A cut-off body would send a different request: leave it for the reader to add.
    body: call.payload?.request.truncated ? null : call.payload?.request.body,
  });
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <Link
        href={back ? `/logs?${back}` : "/logs"}
        className="inline-flex w-fit items-center gap-1.5 text-sm text-fg-muted hover:text-fg"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Back to the call log
      </Link>
      <h1 className="text-2xl font-semibold">Call detail</h1>
      <CallDetail call={call} explanation={explanation} curl={curl} />
    </div>
  );
}
