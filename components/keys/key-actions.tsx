"use client";

import { createContext, use, type ReactNode } from "react";
import type { ServerAction } from "@/lib/action-state.ts";
import type { CreatedKey, KeySummary } from "@/lib/data/keys.ts";

/** What rolling a key answers: the new key (shown once) and the old one with its expiry. */
export type RolledKey = { newKey: CreatedKey; oldKey: KeySummary };

/** The keys page's server actions. The page passes them in, so nothing under components/ imports app/. */
export type KeyActions = {
  create: ServerAction<CreatedKey>;
  setStatus: ServerAction<KeySummary>;
  roll: ServerAction<RolledKey>;
  remove: ServerAction<{ id: string }>;
};

const KeyActionsContext = createContext<KeyActions | null>(null);

/** Makes the page's key actions available to the dialogs and toggles below it. */
export function KeyActionsProvider({ actions, children }: { actions: KeyActions; children: ReactNode }) {
  return <KeyActionsContext value={actions}>{children}</KeyActionsContext>;
}

/** The key actions of the enclosing KeyActionsProvider. */
export function useKeyActions(): KeyActions {
  const actions = use(KeyActionsContext);
  if (!actions) throw new Error("Key dialogs need a KeyActionsProvider above them");
  return actions;
}
