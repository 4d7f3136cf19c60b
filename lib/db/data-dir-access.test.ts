import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockedParent } from "./data-dir-access.ts";

// Someone other than the folders' owner, as the postgres user is to root's folders.
const stranger = { uid: 54_321, gid: 54_321 };
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-access-"));
  await fs.chmod(root, 0o755);
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe("blockedParent", () => {
  it("names the first folder above DATA_DIR that another user cannot enter", async () => {
    const locked = path.join(root, "home");
    await fs.mkdir(path.join(locked, "clone"), { recursive: true });
    await fs.chmod(locked, 0o700);
    expect(await blockedParent(path.join(locked, "clone", ".data"), stranger)).toBe(locked);
    // Its owner can enter it; so can anyone once it is 0755.
    const { uid, gid } = await fs.stat(locked);
    expect(await blockedParent(path.join(locked, "clone", ".data"), { uid, gid })).toBeNull();
    await fs.chmod(locked, 0o755);
    expect(await blockedParent(path.join(locked, "clone", ".data"), stranger)).toBeNull();
  });

  it("accepts a folder the group may enter, and a DATA_DIR that does not exist yet", async () => {
    const grouped = path.join(root, "grouped");
    await fs.mkdir(grouped);
    await fs.chmod(grouped, 0o710);
    const { gid } = await fs.stat(grouped);
    expect(await blockedParent(path.join(grouped, "a", "b", ".data"), { uid: stranger.uid, gid })).toBeNull();
    expect(await blockedParent(path.join(grouped, "a", "b", ".data"), stranger)).toBe(grouped);
  });
});

// As root (this machine, CI) PostgreSQL runs as `postgres`; other users run it as themselves.
describe.runIf(process.getuid?.() === 0)("npm start as root", () => {
  it("stops with one line naming DATA_DIR's blocked parent and what to set", async () => {
    const locked = path.join(root, "root-home");
    await fs.mkdir(locked);
    await fs.chmod(locked, 0o700);
    const dataDir = path.join(locked, "tollgate", ".data");
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: "3850",
        GATEWAY_PORT: "3851",
        SAMPLE_API_PORT: "3852",
        DATABASE_URL: "",
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    const errors = run.stderr.trim().split("\n");
    expect(errors).toEqual([
      `DATA_DIR ${dataDir} is inside ${locked}, which the postgres user cannot enter (as root, the embedded PostgreSQL runs as postgres): set DATA_DIR to a folder it can reach, e.g. DATA_DIR=/var/lib/tollgate, or set DATABASE_URL.`,
    ]);
    // Nothing was created where PostgreSQL could not have used it.
    await expect(fs.stat(path.join(dataDir, "postgres"))).rejects.toThrow();
  });
});
