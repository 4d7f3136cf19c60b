// Runs in the browser before the app's own code. Zod compiles object parsers with
// `new Function` when it can, and merely probing for that is a Content-Security-Policy
// violation under our policy (no 'unsafe-eval'); jitless mode never tries.
import { z } from "zod";

z.config({ jitless: true });
