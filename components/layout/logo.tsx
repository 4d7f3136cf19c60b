import { DoorOpen } from "lucide-react";
import Link from "next/link";

/** The product mark, linking home. */
export function Logo() {
  return (
    <Link
      href="/"
      className="flex items-center gap-2 rounded-md text-base font-semibold tracking-tight text-fg"
    >
      <span className="flex size-7 items-center justify-center rounded-md bg-accent text-accent-fg">
        <DoorOpen className="size-4" aria-hidden />
      </span>
      Tollgate
    </Link>
  );
}
