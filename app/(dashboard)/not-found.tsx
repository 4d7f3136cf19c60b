import type { Metadata } from "next";
import { NotFoundPage } from "@/components/layout/not-found-page.tsx";

export const metadata: Metadata = { title: "Not found" };

/** notFound() in a dashboard page (unknown call id, another account's call): inside the header and nav. */
export default function DashboardNotFound() {
  return <NotFoundPage />;
}
