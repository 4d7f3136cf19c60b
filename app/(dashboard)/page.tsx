import { requireUser } from "@/lib/auth/session.ts";

// Placeholder until the dashboard engineer's overview lands.
export default async function OverviewPage() {
  await requireUser();
  return <h1 className="text-2xl font-semibold">Overview</h1>;
}
