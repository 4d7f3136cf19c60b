// Runs `prisma generate` offline. Generation itself is WASM, but the CLI refuses to
// start unless it finds a schema engine binary, which it cannot download here; any
// existing file satisfies the check and is never executed by `generate`.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const cli = fileURLToPath(new URL("../node_modules/prisma/build/index.js", import.meta.url));
execFileSync(process.execPath, [cli, "generate"], { stdio: "inherit", env });
