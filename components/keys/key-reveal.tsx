"use client";

import { TriangleAlert } from "lucide-react";
import { CopyButton } from "@/components/ui/copy-button.tsx";
import { useInitialFocus } from "./use-initial-focus.ts";

/**
 * The one moment a plaintext key is on screen: selectable, copyable, and a clear
 * warning that closing the dialog loses it for good.
 */
export function KeyReveal({ plaintext, name }: { plaintext: string; name: string }) {
  // The form that asked for the key is gone, and focus with it: put it on the key, selected.
  const ref = useInitialFocus<HTMLDivElement>("#new-api-key");
  return (
    <div ref={ref} className="flex flex-col gap-3">
      <label htmlFor="new-api-key" className="text-sm font-medium">
        Your new key “{name}”
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          id="new-api-key"
          readOnly
          value={plaintext}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
          className="h-9 w-full min-w-0 rounded-md border border-border bg-surface-muted px-3 font-mono text-sm text-fg"
        />
        <CopyButton text={plaintext} className="h-9" />
      </div>
      <p
        role="note"
        className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning"
      >
        <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
        <span>
          <strong className="font-semibold">Copy it now — you will not see this key again.</strong> Tollgate
          stores only a hash of it. If you lose it, roll or create a new key.
        </span>
      </p>
    </div>
  );
}
