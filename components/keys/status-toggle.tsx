"use client";

import { useOptimistic, useState, useTransition } from "react";
import { cn } from "@/components/ui/cn.ts";
import type { KeyStatus } from "@/lib/keys/schema.ts";
import { useKeyActions } from "./key-actions.tsx";

/**
 * The active/inactive switch of one key. It flips at once (optimistically) and settles
 * on what the server answers; the gateway refuses a disabled key within a second.
 */
export function StatusToggle({ id, name, status }: { id: string; name: string; status: KeyStatus }) {
  const { setStatus } = useKeyActions();
  const [optimistic, setOptimistic] = useOptimistic(status);
  const [saving, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const active = optimistic === "active";

  function toggle() {
    // Not `disabled` while saving: that would drop keyboard focus from the switch.
    if (saving) return;
    const next: KeyStatus = active ? "inactive" : "active";
    setError(undefined);
    startTransition(async () => {
      setOptimistic(next);
      const form = new FormData();
      form.set("id", id);
      form.set("status", next);
      const state = await setStatus(null, form);
      if (state.status === "error") setError(state.error);
    });
  }

  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <button
          type="button"
          role="switch"
          aria-checked={active}
          aria-label={`Key ${name} active`}
          // Busy until the server has saved the change, so nobody mistakes the flip for done.
          aria-busy={saving}
          onClick={toggle}
          className={cn(
            "relative inline-flex h-5 w-9 shrink-0 items-center rounded-full border border-transparent transition-colors aria-busy:cursor-wait aria-busy:opacity-70",
            active ? "bg-success" : "bg-fg-muted/40",
          )}
        >
          <span
            aria-hidden
            className={cn(
              "inline-block size-4 rounded-full bg-white shadow transition-transform dark:bg-surface",
              active ? "translate-x-4" : "translate-x-0.5",
            )}
          />
        </button>
        <span className={cn("text-sm", active ? "text-success" : "text-fg-muted")}>
          {active ? "Active" : "Inactive"}
        </span>
      </div>
      {error ? (
        <p role="alert" className="text-xs text-danger">
          {error}
        </p>
      ) : null}
    </div>
  );
}
