import type { ReactNode } from "react";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card.tsx";

/** A small card with one headline number and a line of context. */
export function StatCard({ title, value, detail }: { title: string; value: ReactNode; detail: ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-sm font-medium text-fg-muted">{title}</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-1">
        <p className="text-2xl font-semibold tabular-nums">{value}</p>
        <p className="text-sm text-fg-muted">{detail}</p>
      </CardContent>
    </Card>
  );
}
