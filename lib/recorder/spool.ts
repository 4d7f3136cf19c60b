import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { callRecord, type CallRecord } from "./call-record.ts";

/**
 * Spool files hold call records while PostgreSQL is unreachable (SPEC §7): JSON lines,
 * written to a temporary name and renamed, so a reader (this or another gateway
 * instance sharing DATA_DIR) never sees a half-written file.
 */
export async function writeSpool(dir: string, records: readonly CallRecord[]): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const name = `${Date.now()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const temporary = path.join(dir, `${name}.part`);
  const file = path.join(dir, `${name}.jsonl`);
  const handle = await fs.open(temporary, "w", 0o600);
  try {
    await handle.writeFile(records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, file);
  return file;
}

/** Finished spool files, oldest first. */
export async function listSpool(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names
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
