import { currentUser } from "@/lib/auth/session.ts";
import { callBatches } from "@/lib/data/calls.ts";
import { parseCallFilters } from "@/lib/schemas/call-filters.ts";
import { csvHeaderLine, csvLine } from "@/lib/call-log/calls-csv.ts";

export const dynamic = "force-dynamic";

/**
 * GET /api/calls/export?<call log filters>: the filtered call log as CSV, newest first.
 * Streams: rows are read in keyset batches as the client downloads, so memory holds one
 * batch however many rows match. Checks the session itself (proxy.ts is only a redirect).
 */
export async function GET(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) return Response.json({ error: "Sign in to export calls" }, { status: 401 });
  const parsed = parseCallFilters(new URL(request.url).searchParams);
  if (!parsed.ok) {
    return Response.json({ error: parsed.errors.map((e) => e.message).join("; ") }, { status: 400 });
  }

  const batches = callBatches(user, parsed.filters);
  const encoder = new TextEncoder();
  let headerSent = false;
  const stream = new ReadableStream<Uint8Array>({
    // pull() runs only when the consumer wants more: a slow download never piles up rows.
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvHeaderLine()));
        return;
      }
      try {
        const next = await batches.next();
        if (next.done) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });

  const day = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="tollgate-calls-${day}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
