import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// `npm run test:mutation` (Stryker) runs the tests of the modules it mutates: their unit
// tests and the recorder's integration tests (real PostgreSQL). The gateway's end-to-end
// tests (a gateway per file, bursts, shutdown, outages) stay out: under ~800 mutants they
// took hours on a 2-core machine, and their timing assertions flake under mutation.
// Stryker's runner uses worker threads, which share the process's zone: set it here.
process.env.TZ = base.test?.env?.TZ;

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "lib/keys/**/*.test.ts",
      "lib/gateway/{error-codes,headers,quota,rate-limit}.test.ts",
      "lib/time/{calendar,month}.test.ts",
      "lib/recorder/**/*.test.ts",
      "lib/schemas/**/*.test.ts",
    ],
  },
});
