import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { testRecord } from "../gateway/test-helpers.ts";
import type { CallRecord } from "./call-record.ts";
import { listSpool, readSpool, removeSpool, SpoolWriter } from "./spool.ts";

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

  it("a spool folder or file that is not there (removed by another instance) reads as empty", async () => {
    expect(await listSpool(path.join(dir, "never-created"))).toEqual([]);
    expect(await readSpool(path.join(dir, "gone.jsonl"))).toEqual([]);
    // Two instances replaying the same folder: the second removal finds nothing, and that is fine.
    const writer = new SpoolWriter(dir);
    await writer.append([record()]);
    const sealed = (await writer.seal())!;
    await removeSpool(sealed);
    await expect(removeSpool(sealed)).resolves.toBeUndefined();
    expect(await listSpool(dir)).toEqual([]);
  });

  it("works in a DATA_DIR whose path contains .open", async () => {
    const odd = path.join(dir, "x.open", "spool.open.d");
    const writer = new SpoolWriter(odd);
    await writer.append([record()]);
    const sealed = await writer.seal();
    expect(path.dirname(sealed!)).toBe(odd);
    const gone = Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
    const left = path.join(odd, `${Date.now()}-${gone}-abcdef12.open`);
    await fs.writeFile(left, JSON.stringify(record()) + "\n");
    const files = await listSpool(odd);
    expect(files).toEqual([sealed, left.replace(/\.open$/, ".jsonl")].sort());
    expect((await Promise.all(files.map(readSpool))).flat()).toHaveLength(2);
  });

  it("after a failed write the file is sealed: what was written replays, later records go to a new file", async () => {
    const writer = new SpoolWriter(dir);
    const first = [record(), record()];
    await writer.append(first);
    const probe = await fs.open(path.join(dir, "probe"), "w");
    const handlePrototype = Object.getPrototypeOf(probe) as {
      write: (...args: unknown[]) => Promise<unknown>;
    };
    await probe.close();
    const write = vi
      .spyOn(handlePrototype, "write")
      .mockRejectedValueOnce(new Error("ENOSPC: no space left"));
    try {
      await expect(writer.append([record()])).rejects.toThrow("ENOSPC");
    } finally {
      write.mockRestore();
    }
    const sealed = await listSpool(dir);
    expect(sealed).toHaveLength(1);
    expect((await readSpool(sealed[0]!)).map((r) => r.requestId)).toEqual(first.map((r) => r.requestId));
    const later = record();
    await writer.append([later]);
    const second = await writer.seal();
    expect(second).not.toBe(sealed[0]);
    expect((await readSpool(second!)).map((r) => r.requestId)).toEqual([later.requestId]);
  });

  it("a record with captured payloads comes back from the spool exactly as it went in", async () => {
    const captured = record();
    captured.query = "page=2&api_key=[REDACTED]";
    captured.payload = {
      request: {
        headers: [
          ["content-type", "application/json"],
          ["authorization", "[REDACTED]"],
        ],
        body: '{"q":1}',
        bytes: 7,
        truncated: false,
        contentType: "application/json",
      },
      response: {
        headers: [["x-upstream", "a"]],
        body: null,
        bytes: 90_000,
        truncated: true,
        contentType: null,
      },
    };
    const writer = new SpoolWriter(dir);
    await writer.append([captured]);
    expect(await readSpool((await writer.seal())!)).toEqual([captured]);
  });

  it("replays lines from an older gateway with defaults, and skips lines that are not call records", async () => {
    const current = record();
    const { query, outcome, ttfbMs, upstreamDoneMs, gatewayMs, ...older } = record();
    void [query, outcome, ttfbMs, upstreamDoneMs, gatewayMs];
    const badHeaders = { ...record(), payload: { request: { headers: [["only-a-name"]] }, response: {} } };
    const lines = [current, older, { ...record(), userId: "not-a-uuid" }, badHeaders, { requestId: "" }];
    const file = path.join(dir, "1-1-abcdef12.jsonl");
    await fs.writeFile(file, lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
    expect(await readSpool(file)).toEqual([
      current,
      { ...older, query: null, outcome: "completed", ttfbMs: null, upstreamDoneMs: null, gatewayMs: null },
    ]);
  });

  it("takes over a file an earlier process with this same pid left open", async () => {
    const file = await leftOpen(process.pid, [record()]);
    expect(await listSpool(dir)).toEqual([file.replace(/\.open$/, ".jsonl")]);
  });

  it("lists sealed files oldest first, whatever order the folder gives", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `${1_700_000_000_000 + i * 7919}-1-abcdef12.jsonl`);
    // Created out of order (neither oldest nor newest first), as replays and crashes leave them.
    for (const i of [5, 0, 9, 3, 11, 1, 7, 2, 10, 4, 8, 6]) await fs.writeFile(path.join(dir, names[i]!), "");
    expect(await listSpool(dir)).toEqual(names.map((name) => path.join(dir, name)));
  });
});
