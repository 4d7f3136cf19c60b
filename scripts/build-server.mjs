// Compiles scripts/start.ts and scripts/gateway.ts to plain JavaScript in dist/scripts/ (run
// before `npm start` and `npm run gateway`): under tsx every module is transformed at load and
// every function is wrapped to keep its name, which costs the gateway CPU on each call.
// Dependencies stay in node_modules (--packages=external); only our own modules are bundled.
// Each file is written to a temporary name and renamed, so a process starting while another
// builds never loads half a file.
import fs from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
// dist/scripts/ sits two levels below the root like lib/db/, so paths the modules compute
// from import.meta.dirname (prisma/migrations) resolve the same in both.
const outdir = path.join(root, "dist/scripts");

const result = await build({
  absWorkingDir: root,
  entryPoints: ["scripts/start.ts", "scripts/gateway.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  outdir,
  write: false,
  logLevel: "warning",
});
await fs.mkdir(outdir, { recursive: true });
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  await fs.writeFile(temporary, file.contents);
  await fs.rename(temporary, file.path);
}
