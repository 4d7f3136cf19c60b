// `npm run lint`: fails on any import cycle among our own modules (see scripts/import-cycles.ts).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { findCycles, importsOf } from "./import-cycles.ts";

const root = process.cwd();
const files = execFileSync(
  "git",
  ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx"],
  {
    encoding: "utf8",
  },
)
  .split("\n")
  .filter((file) => file && !file.startsWith("lib/db/generated/"))
  .map((file) => path.join(root, file));
const graph = new Map(
  files.map((file) => [file, importsOf(file, readFileSync(file, "utf8"), root, existsSync)] as const),
);
const cycles = findCycles(graph);
for (const cycle of cycles)
  console.error(`import cycle: ${cycle.map((f) => path.relative(root, f)).join(" → ")}`);
if (cycles.length > 0) process.exit(1);
