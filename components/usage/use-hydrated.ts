import { useSyncExternalStore } from "react";

const subscribe = () => () => undefined;

/**
 * False while rendering on the server and hydrating, true afterwards: lets a component
 * show times in the viewer's time zone (which the server cannot know) without a
 * hydration mismatch. The server's render shows UTC, labelled as such.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
