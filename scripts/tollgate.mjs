// `npm run tollgate`: runs the operator CLI compiled (dist/cli/, see build-server.mjs),
// rebuilding it first when a source file is newer than the build. A plain `node` start costs a
// tenth of the CPU of `tsx scripts/tollgate.ts`, which transforms every module on each command.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "..");
const compiled = path.join(root, "dist/cli/tollgate.js");

/** The newest modification time under `dir` (folders included: a deleted file changes its folder). */
function newest(dir) {
  let latest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(file) : fs.statSync(file).mtimeMs);
  }
  return latest;
}

const built = fs.statSync(compiled, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const sources = Math.max(newest(path.join(root, "lib")), newest(path.join(root, "scripts")));
if (sources > built) await import("./build-server.mjs");
process.setSourceMapsEnabled(true);
await import(pathToFileURL(compiled).href);
