import { Badge } from "@/components/ui/badge.tsx";

/** The Admin and Suspended marks beside an account's email. */
export function AccountBadges({ isAdmin, suspended }: { isAdmin: boolean; suspended: boolean }) {
  return (
    <>
      {isAdmin ? <Badge variant="accent">Admin</Badge> : null}
      {suspended ? <Badge variant="danger">Suspended</Badge> : null}
    </>
  );
}
