// `npx tsx scripts/profile-report.ts FILE.cpuprofile`: where a gateway's busy time went, from a
// V8 CPU profile written by `npm run bench -- --cpu-prof DIR` (the default gateway under the
// benchmark's load). Writes docs/bench/gateway-profile.md: busy time by owner (Tollgate's own
// code, undici, pg, other dependencies, Node.js internals, native code and GC), the functions
// with the most self time, and Tollgate's entry points with everything they call.
import fs from "node:fs/promises";
import os from "node:os";
import prettier from "prettier";
import { z } from "zod";

const Profile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type ProfileNode = z.infer<typeof Profile>["nodes"][number];

/** Who a frame belongs to, by its script's URL. */
function ownerOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url.includes("/dist/scripts/")) return "Tollgate (dist/scripts)";
  if (url.includes("/node_modules/undici/")) return "undici";
  if (/\/node_modules\/pg[^/]*\//.test(url)) return "pg";
  if (url.includes("/node_modules/")) return "other dependencies";
  if (url.startsWith("node:")) return "Node.js internals (http, net, streams, timers)";
  if (functionName === "(garbage collector)") return "garbage collection (main thread)";
  return "native (syscalls such as writev, parsing, the rest of V8)";
}

function nameOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules\/[^/]+|dist\/scripts)\//, "$1/").replace(/^file:\/\//, "");
  return `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error("usage: tsx scripts/profile-report.ts FILE.cpuprofile");
  const profile = Profile.parse(JSON.parse(await fs.readFile(file, "utf8")));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === "(idle)");
  const idleUs = idle.reduce((sum, [, us]) => sum + us, 0);
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
  const busyUs = totalUs - idleUs;

  // Inclusive time: a node's own samples and its whole subtree's.
  const inclusive = new Map<number, number>();
  const subtree = (id: number): number => {
    const node = byId.get(id)!;
    const us = (self.get(id) ?? 0) + (node.children ?? []).reduce((sum, child) => sum + subtree(child), 0);
    inclusive.set(id, us);
    return us;
  };
  subtree(profile.nodes[0]!.id);

  const owners = new Map<string, number>();
  const functions = new Map<string, { owner: string; us: number }>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") continue;
    const owner = ownerOf(node);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const entry = functions.get(nameOf(node)) ?? { owner, us: 0 };
    entry.us += us;
    functions.set(nameOf(node), entry);
  }
  // Tollgate's frames reached from outside its own code: each such call's whole cost.
  const entries = new Map<string, number>();
  const visit = (id: number, inOurs: boolean) => {
    const node = byId.get(id)!;
    const ours = ownerOf(node) === "Tollgate (dist/scripts)";
    if (ours && !inOurs) entries.set(nameOf(node), (entries.get(nameOf(node)) ?? 0) + inclusive.get(id)!);
    for (const child of node.children ?? []) visit(child, inOurs || ours);
  };
  visit(profile.nodes[0]!.id, false);

  const rows = (pairs: [string, number][], limit: number) =>
    pairs
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => `| ${name.replaceAll("|", "\\|")} | ${percent(us, busyUs)} |`)
      .join("\n");
  const markdown = `# Where the gateway's busy time goes

From a V8 CPU profile of the default gateway (compiled, \`CAPTURE_BODIES=errors\`) under
\`npm run bench -- --cpu-prof DIR\`, summarised by \`npx tsx scripts/profile-report.ts FILE\` on
${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}.
Busy ${(busyUs / 1e6).toFixed(1)} s of ${(totalUs / 1e6).toFixed(1)} s sampled on the main thread (the rest idle).
Percentages are of busy main-thread time. V8's background GC threads and the kernel's work for
the sockets outside system calls are not in a main-thread profile; the profiler itself adds
roughly 10 µs per call.

## By owner

| owner | share of busy time |
| --- | --- |
${rows([...owners], 20)}

## Functions with the most self time

| function | self time |
| --- | --- |
${[...functions]
  .sort((a, b) => b[1].us - a[1].us)
  .slice(0, 25)
  .map(([name, { owner, us }]) => `| ${name.replaceAll("|", "\\|")} (${owner}) | ${percent(us, busyUs)} |`)
  .join("\n")}

## Tollgate's code, with everything it calls

Each of Tollgate's functions called from outside Tollgate's code (from Node.js's event loop,
an undici callback, a timer), with all it calls in turn:

| entry point | inclusive |
| --- | --- |
${rows([...entries], 15)}
`;
  const out = "docs/bench/gateway-profile.md";
  const options = (await prettier.resolveConfig(out)) ?? {};
  await fs.writeFile(out, await prettier.format(markdown, { ...options, filepath: out }));
  console.log(`written to ${out}`);
}

await main();
