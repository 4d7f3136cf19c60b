"use client";

import { useEffect, useRef } from "react";

/**
 * Focuses the first element matching `selector` inside the returned ref's element once it
 * mounts. Dialog content mounts before the dialog's own effect calls showModal(), which
 * moves focus to the first control (the close button), so this waits one frame to win.
 */
export function useInitialFocus<T extends HTMLElement>(selector: string) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const frame = requestAnimationFrame(() => ref.current?.querySelector<HTMLElement>(selector)?.focus());
    return () => cancelAnimationFrame(frame);
  }, [selector]);
  return ref;
}
