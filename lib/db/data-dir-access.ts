import fs from "node:fs/promises";
import path from "node:path";

/** A system account as the kernel sees it; -1 for ids that match no file. */
export type Account = { uid: number; gid: number };

/**
 * The first folder above `dir` that `account` cannot enter (no execute permission for it
 * as owner, group or other), or null when every parent is enterable. As root, the
 * embedded PostgreSQL runs as the `postgres` user, which must pass through each of them:
 * a DATA_DIR under a 0700 /root fails in initdb with only "Permission denied".
 */
export async function blockedParent(dir: string, account: Account): Promise<string | null> {
  let current = path.dirname(path.resolve(dir));
  for (;;) {
    const stat = await fs.stat(current).catch(() => undefined);
    if (stat) {
      const bits = stat.uid === account.uid ? 0o100 : stat.gid === account.gid ? 0o010 : 0o001;
      if ((stat.mode & bits) === 0) return current;
    }
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** The one line `npm start` stops with when PostgreSQL could not reach DATA_DIR. */
export function blockedDataDirMessage(dataDir: string, blocked: string): string {
  return (
    `DATA_DIR ${path.resolve(dataDir)} is inside ${blocked}, which the postgres user cannot enter ` +
    `(as root, the embedded PostgreSQL runs as postgres): set DATA_DIR to a folder it can reach, ` +
    `e.g. DATA_DIR=/var/lib/tollgate, or set DATABASE_URL.`
  );
}
