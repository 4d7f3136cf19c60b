// Compiles scripts/start.ts and scripts/gateway.ts to plain JavaScript in dist/scripts/ (run
// before `npm start` and `npm run gateway`), and the operator CLI to dist/cli/ (run by
// scripts/tollgate.mjs when a source changed): under tsx every module is transformed at load and
// every function is wrapped to keep its name, which costs the gateway CPU on each call and the
// CLI ~0.7 s of CPU per command.
// Dependencies stay in node_modules (--packages=external); only our own modules are bundled.
// Each file is written to a temporary name and renamed, so a process starting while another
// builds never loads half a file.
import fs from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");

/**
 * Loads the generated Prisma client with its "small" query compiler build instead of "fast"
 * (the runtime module, its WebAssembly and the import name the WebAssembly expects).
 */
function smallQueryCompiler() {
  return {
    name: "small-query-compiler",
    setup(build) {
      build.onLoad({ filter: /lib[\\/]db[\\/]generated[\\/]internal[\\/]class\.ts$/ }, async (args) => ({
        contents: (await fs.readFile(args.path, "utf8")).replaceAll(
          "query_compiler_fast_bg",
          "query_compiler_small_bg",
        ),
        loader: "ts",
      }));
    },
  };
}

// dist/scripts/ and dist/cli/ sit two levels below the root like lib/db/, so paths the modules
// compute from import.meta.dirname (prisma/migrations) resolve the same in both.
const targets = [
  { entryPoints: ["scripts/start.ts", "scripts/gateway.ts"], outdir: path.join(root, "dist/scripts") },
  // Split at the CLI's dynamic imports: a command loads only its own group's chunk.
  {
    entryPoints: ["scripts/tollgate.ts"],
    outdir: path.join(root, "dist/cli"),
    splitting: true,
    // A command runs a few queries and exits: Prisma's size-optimised query compiler starts
    // with about 0.2 s less CPU than the speed-optimised one the servers keep.
    plugins: [smallQueryCompiler()],
  },
];
// A chunk the newest build no longer names is kept this long for CLI commands still running.
const STALE_CHUNK_MS = 60 * 60 * 1000;

for (const target of targets) {
  const result = await build({
    ...target,
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    write: false,
    logLevel: "warning",
  });
  await fs.mkdir(target.outdir, { recursive: true });
  // Entry files last: a CLI starting mid-build must not load an entry whose chunks are missing.
  const entries = new Set(target.entryPoints.map((entry) => path.basename(entry, ".ts")));
  const isEntry = (file) => entries.has(path.basename(file.path).split(".")[0]);
  const ordered = [...result.outputFiles].sort((a, b) => Number(isEntry(a)) - Number(isEntry(b)));
  for (const file of ordered) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    await fs.writeFile(temporary, file.contents);
    await fs.rename(temporary, file.path);
  }
  if (!target.splitting) continue;
  const written = new Set(result.outputFiles.map((file) => file.path));
  for (const name of await fs.readdir(target.outdir)) {
    const file = path.join(target.outdir, name);
    const stat = await fs.stat(file);
    if (!written.has(file) && Date.now() - stat.mtimeMs > STALE_CHUNK_MS) await fs.rm(file, { force: true });
  }
}
