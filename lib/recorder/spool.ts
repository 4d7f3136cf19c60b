import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { isAlive } from "../lock.ts";
import { callRecord, type CallRecord } from "./call-record.ts";

// Spool files hold call records while PostgreSQL is unreachable: JSON lines, appended and
// fsynced batch by batch to `<ms>-<pid>-<id>.open`, renamed to `.jsonl` once sealed. Readers
// (this or another gateway instance sharing DATA_DIR) take only `.jsonl` files, plus `.open`
// files whose writer is gone: a crash leaves at most a torn last line, which is skipped.

/** Spool files open for appending in this process: never abandoned, whatever their pid says. */
const openHere = new Set<string>();

/**
 * Appends records to one open spool file of this process until it is sealed. Calls must
 * not overlap (the recorder runs them one after another).
 */
export class SpoolWriter {
  private handle: fs.FileHandle | undefined;
  private file: string | undefined;

  constructor(private readonly dir: string) {}

  /** Appends the records and fsyncs them: they survive a crash once this resolves. */
  async append(records: readonly CallRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (!this.handle) {
      await fs.mkdir(this.dir, { recursive: true });
      // Known before it exists, so listSpool never takes it for an abandoned file.
      this.file = path.join(this.dir, `${Date.now()}-${process.pid}-${randomUUID().slice(0, 8)}.open`);
      openHere.add(this.file);
      this.handle = await fs.open(this.file, "a", 0o600);
      await syncDirectory(this.dir);
    }
    try {
      await this.handle.write(records.map((r) => JSON.stringify(r)).join("\n") + "\n");
      await this.handle.datasync();
    } catch (error) {
      // Never append after a partial write: the next line would be glued to a torn one.
      await this.seal().catch(() => undefined);
      throw error;
    }
  }

  /** Closes the open file and renames it to a finished spool file; its new path, if one was open. */
  async seal(): Promise<string | undefined> {
    const { handle, file } = this;
    if (!handle || !file) return undefined;
    this.handle = undefined;
    await handle.close();
    const sealed = file.replace(/\.open$/, ".jsonl");
    await fs.rename(file, sealed);
    openHere.delete(file);
    this.file = undefined;
    return sealed;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Spool files ready to replay, oldest first. `.open` files left by a process that is gone
 * (or by an earlier process that had this pid) are sealed first.
 */
export async function listSpool(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(".open"))) {
    const file = path.join(dir, name);
    const pid = Number(name.split("-")[1]);
    if (openHere.has(file) || (pid !== process.pid && isAlive(pid))) continue;
    await fs.rename(file, file.replace(/\.open$/, ".jsonl")).catch(() => undefined);
  }
  return (await fs.readdir(dir).catch(() => [] as string[]))
    .filter((name) => name.endsWith(".jsonl"))
    .sort()
    .map((name) => path.join(dir, name));
}

/** The records of a spool file; lines that do not parse are skipped rather than blocking replay. */
export async function readSpool(file: string): Promise<CallRecord[]> {
  const text = await fs.readFile(file, "utf8").catch(() => "");
  const records: CallRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      const parsed = callRecord.safeParse(JSON.parse(line));
      if (parsed.success) records.push(parsed.data);
    } catch {
      // A torn line from a crash mid-write: nothing to recover.
    }
  }
  return records;
}

/** Deletes a replayed file; another instance may have deleted it first. */
export async function removeSpool(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}
