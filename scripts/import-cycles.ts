// The import-cycle check `npm run lint` runs (scripts/check-import-cycles.ts). eslint-plugin-import's
// no-cycle did the same but took 74 % of the lint run (532 s of 720 s on the 2-core machine):
// our imports are all relative or `@/` with explicit extensions, so a regex and a DFS suffice.
import path from "node:path";

// `import type` / `export type` statements are skipped: erased at run time, they cannot form a
// cycle that breaks loading (as eslint-plugin-import's no-cycle also treated them).
const IMPORT = /^\s*(?:import|export)\s(?!type\s)[^;]*?\sfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm;

/** The project files a source file imports at run time. */
export function importsOf(
  file: string,
  source: string,
  root: string,
  exists: (file: string) => boolean,
): string[] {
  const out: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]!;
    let target: string;
    if (spec.startsWith("@/")) target = path.join(root, spec.slice(2));
    else if (spec.startsWith(".")) target = path.join(path.dirname(file), spec);
    else continue;
    if (exists(target)) out.push(target);
  }
  return out;
}

/**
 * Import cycles in a graph, each as the files round it (first repeated at the end): at least
 * one per cycle-closing edge, so an empty answer means the graph has none.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const seen = state.get(next);
      if (seen === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (seen === undefined) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}
