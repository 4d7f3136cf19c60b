import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testRecord } from "../gateway/test-helpers.ts";
import type { CallRecord } from "./call-record.ts";
import { listSpool, readSpool, SpoolWriter } from "./spool.ts";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-spool-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function record(): CallRecord {
  return testRecord(randomUUID(), randomUUID());
}

/** Writes a `.open` file as a writer with this pid would have left it, torn last line included. */
async function leftOpen(pid: number, records: CallRecord[]): Promise<string> {
  const file = path.join(dir, `${Date.now()}-${pid}-abcdef12.open`);
  await fs.writeFile(file, records.map((r) => JSON.stringify(r)).join("\n") + '\n{"requestId":"tor');
  return file;
}

describe("spool files", () => {
  it("an open file is not replayed while this process appends to it, and is once sealed", async () => {
    const writer = new SpoolWriter(dir);
    await writer.append([record(), record()]);
    await writer.append([record()]);
    expect(await listSpool(dir)).toEqual([]);
    const sealed = await writer.seal();
    expect(await listSpool(dir)).toEqual([sealed]);
    expect(await readSpool(sealed!)).toHaveLength(3);
  });

  it("takes over a file left open by a process that is gone, skipping its torn last line", async () => {
    const gone = Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
    await leftOpen(gone, [record(), record()]);
    const files = await listSpool(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.jsonl$/);
    expect(await readSpool(files[0]!)).toHaveLength(2);
  });

  it("leaves alone a file another running process is still appending to", async () => {
    const running = spawn("sleep", ["30"]);
    try {
      await leftOpen(running.pid!, [record()]);
      expect(await listSpool(dir)).toEqual([]);
    } finally {
      running.kill();
    }
  });
});
