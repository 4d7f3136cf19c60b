// The Markdown check `npm run lint` runs (scripts/check-markdown.ts): every code fence closes, and nothing that looks like a
// fence hides inside one. Prettier leaves a mismatched fence alone (it is valid CommonMark),
// which is how a four-backtick fence once swallowed the README's "Tests" heading.
/** One problem in a Markdown file, 1-based line. */
export type FenceProblem = { line: number; message: string };

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
// A language and nothing else: text after a fence marker is almost always a lost line break.
const INFO = /^[\w+#.-]*$/;

/** The fence problems of one Markdown text. */
export function fenceProblems(text: string): FenceProblem[] {
  const problems: FenceProblem[] = [];
  let open: { line: number; marker: string } | null = null;
  const lines = text.split("\n");
  for (const [index, content] of lines.entries()) {
    const line = index + 1;
    const match = FENCE.exec(content);
    if (!match) continue;
    const marker = match[1]!;
    const rest = match[2]!.trim();
    if (open === null) {
      if (!INFO.test(rest))
        problems.push({ line, message: `text after the opening fence: "${rest}" (a missing line break?)` });
      open = { line, marker };
      continue;
    }
    // A fence of the other character (``` inside ~~~) is content.
    if (marker[0] !== open.marker[0]) continue;
    if (marker.length >= open.marker.length && rest === "") open = null;
    else
      problems.push({
        line,
        message: `"${content.trim()}" does not close the fence opened on line ${open.line} (${open.marker}); to show a fence inside one, use ~~~ outside`,
      });
  }
  if (open !== null) {
    const { line, marker } = open;
    problems.push({ line, message: `the fence ${marker} opened here never closes` });
  }
  return problems;
}
