import { describe, expect, it } from "vitest";
import { fenceProblems } from "./markdown-fences.ts";

/** "line: message" per problem, for readable assertions. */
function report(text: string): string[] {
  return fenceProblems(text).map((p) => `${p.line}: ${p.message}`);
}

describe("fenceProblems", () => {
  it("accepts fences that open and close, with or without a language", () => {
    expect(
      report("# T\n\n```sh\nnpm test\n```\n\n~~~md\n```js\nx\n```\n~~~\n\n````\nplain\n`````\n"),
    ).toEqual([]);
  });

  it("finds the README's old broken fence: text glued to a fence inside a longer one", () => {
    const broken =
      "````sh\nnpm run tollgate -- demo seed\n``` Ctrl-C stops everything.\n\n## Tests\n\n```sh\nnpm test\n````\n";
    const problems = report(broken);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^3: .*does not close the fence opened on line 1/);
    expect(problems[1]).toMatch(/^7: .*does not close the fence opened on line 1/);
  });

  it("finds text after an opening fence and a fence that never closes", () => {
    const problems = report("``` Ctrl-C stops\ntext\n");
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^1: text after the opening fence: "Ctrl-C stops"/);
    expect(problems[1]).toMatch(/^1: .*never closes/);
  });
});
