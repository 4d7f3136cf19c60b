"use client";

import { RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { Button } from "@/components/ui/button.tsx";
import { cn } from "@/components/ui/cn.ts";

const INTERVAL_MS = 5_000;

/**
 * Refresh now, or every 5 seconds while the toggle is on: re-renders the server page
 * with the same URL, so new calls appear at the top of the first page without a reload.
 */
export function RefreshControls({ live }: { live: boolean }) {
  const router = useRouter();
  const [auto, setAuto] = useState(false);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    if (!auto) return;
    const timer = setInterval(() => startTransition(() => router.refresh()), INTERVAL_MS);
    return () => clearInterval(timer);
  }, [auto, router]);

  return (
    <div className="flex items-center gap-3">
      <Button variant="secondary" size="sm" onClick={() => startTransition(() => router.refresh())}>
        <RefreshCw aria-hidden className={cn(pending && "animate-spin")} />
        Refresh
      </Button>
      <label
        className="flex items-center gap-2 text-sm text-fg-muted"
        title={live ? undefined : "New calls appear on the first page"}
      >
        <input
          type="checkbox"
          checked={auto}
          onChange={(event) => setAuto(event.target.checked)}
          className="size-4 accent-(--accent)"
        />
        Auto-refresh (5 s)
      </label>
    </div>
  );
}
