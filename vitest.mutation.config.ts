import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// `npm run test:mutation` (Stryker) runs the tests of the modules it mutates: their unit
// tests, the recorder's and the error table's integration tests. The gateway's slower
// end-to-end tests (bursts, shutdown, outages) stay out: under ~800 mutants they would
// take hours on a 2-core machine, and their timing assertions flake under mutation.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "lib/keys/**/*.test.ts",
      "lib/gateway/{errors,headers,month,quota,rate-limit}.test.ts",
      "lib/recorder/**/*.test.ts",
      "lib/schemas/**/*.test.ts",
    ],
  },
});
