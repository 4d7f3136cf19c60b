import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn.ts";
import { Logo } from "./logo.tsx";

/**
 * The branded frame of the not-found and error pages: code, title, text, actions. Alone
 * (`standalone`) it is the page's main landmark with the logo; inside the dashboard the
 * layout already has both.
 */
export function StatusPage({
  code,
  title,
  children,
  actions,
  standalone = false,
}: {
  code: string;
  title: string;
  children: ReactNode;
  actions: ReactNode;
  standalone?: boolean;
}) {
  const Frame = standalone ? "main" : "div";
  return (
    <Frame
      className={cn(
        "flex flex-col items-center justify-center gap-6 px-4 py-10 text-center",
        standalone && "min-h-dvh",
      )}
    >
      {standalone ? <Logo /> : null}
      <div className="flex max-w-md flex-col items-center gap-3">
        <p className="font-mono text-sm font-medium text-accent">{code}</p>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        <div className="text-sm text-fg-muted">{children}</div>
      </div>
      <div className="flex flex-wrap justify-center gap-2">{actions}</div>
    </Frame>
  );
}
