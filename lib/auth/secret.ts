import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/** The session secret: AUTH_SECRET when given, else one generated once and kept in DATA_DIR. */
export async function authSecret(dataDir: string, given?: string): Promise<string> {
  if (given) return given;
  const file = path.join(dataDir, "auth-secret");
  try {
    return (await fs.readFile(file, "utf8")).trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    await fs.writeFile(file, secret, { mode: 0o600, flag: "wx" }).catch(() => undefined);
    return (await fs.readFile(file, "utf8")).trim();
  }
}
