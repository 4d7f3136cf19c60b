// `npm run lint`: the Markdown fence check over every Markdown file git knows (not ignored).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fenceProblems } from "./markdown-fences.ts";

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"], {
  encoding: "utf8",
})
  .split("\n")
  .filter(Boolean);
let failed = false;
for (const file of files) {
  for (const problem of fenceProblems(readFileSync(file, "utf8"))) {
    failed = true;
    console.error(`${file}:${problem.line}: ${problem.message}`);
  }
}
if (failed) process.exit(1);
