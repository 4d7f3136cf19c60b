import { describe, expect, it } from "vitest";
import { normalizePath } from "./upstream-path.ts";

describe("normalizePath", () => {
  it("passes ordinary paths and their query through byte for byte", () => {
    for (const path of [
      "/",
      "/v2/price?symbol=BTC",
      "/file.json",
      "/.well-known/openid-configuration",
      "/a..b/c..",
      "/group%2Fproject/issues",
      "/search?q=../../etc&next=%2e%2e",
      "//double//slash",
    ])
      expect(normalizePath(path)).toBe(path);
  });

  it("resolves dot segments that stay below the root, plain or percent-encoded", () => {
    expect(normalizePath("/a/../b")).toBe("/b");
    expect(normalizePath("/a/./b")).toBe("/a/b");
    expect(normalizePath("/a/%2e%2E/b?x=1")).toBe("/b?x=1");
    expect(normalizePath("/a/.%2e/b")).toBe("/b");
    expect(normalizePath("/a/b/..")).toBe("/a/");
    expect(normalizePath("/a/.")).toBe("/a/");
    expect(normalizePath("/.")).toBe("/");
    expect(normalizePath("/a/..")).toBe("/");
  });

  it("refuses any path that climbs above the root, whichever way it is written", () => {
    for (const path of [
      "/..",
      "/../secret",
      "/%2e%2e/secret",
      "/%2E%2E/secret",
      "/.%2e/secret",
      "/a/../../secret",
      "/a/./../../secret?x=1",
      "/%2e%2e%2fsecret",
      "/a%2f..%2f..%2fsecret",
      "/a%2F..%2F..%2Fsecret",
      "/..%5csecret",
      "/..\\secret",
      "/a%2fb/../../secret",
    ])
      expect(normalizePath(path), path).toBeUndefined();
  });
});
