import { describe, expect, it } from "vitest";
import { findCycles, importsOf } from "./import-cycles.ts";

describe("import cycles", () => {
  it("reads relative and @/ imports, skips packages and type-only imports", () => {
    const source = [
      'import { a } from "./a.ts";',
      'import type { B } from "../lib/b.ts";',
      'import { type F, f } from "../lib/f.ts";',
      'export { c } from "@/lib/c.ts";',
      'import "./side.ts";',
      'import { z } from "zod";',
      'import {\n  d,\n  e,\n} from "./d.ts";',
    ].join("\n");
    expect(importsOf("/r/app/x.ts", source, "/r", () => true)).toEqual([
      "/r/app/a.ts",
      "/r/lib/f.ts",
      "/r/lib/c.ts",
      "/r/app/side.ts",
      "/r/app/d.ts",
    ]);
  });

  it("finds the six-file circle issue 12 named, and nothing in a graph that runs one way", () => {
    const circle = new Map([
      ["data/users", ["auth/admin"]],
      ["auth/admin", ["auth/session"]],
      ["auth/session", ["auth/config", "data/users"]],
      ["auth/config", ["auth/credentials"]],
      ["auth/credentials", ["data/users"]],
    ]);
    expect(findCycles(circle)).toEqual([
      ["auth/admin", "auth/session", "auth/config", "auth/credentials", "data/users", "auth/admin"],
    ]);
    const oneWay = new Map([
      ["data/users", ["actor"]],
      ["auth/session", ["data/users", "actor"]],
      ["app/page", ["auth/session", "data/users"]],
      ["actor", []],
    ]);
    expect(findCycles(oneWay)).toEqual([]);
  });
});
