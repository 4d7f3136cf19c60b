import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import ErrorPage from "./error.tsx";

describe("the error page", () => {
  it("is branded, offers a retry and the digest, and never shows the error's message or stack", () => {
    const error = Object.assign(new Error("password_hash column exploded"), { digest: "4242" });
    const html = renderToStaticMarkup(createElement(ErrorPage, { error, reset: () => undefined }));
    expect(html).toContain("Tollgate");
    expect(html).toContain("Something went wrong");
    expect(html).toContain("Try again");
    expect(html).toContain("4242");
    expect(html).not.toContain("exploded");
    expect(html).not.toContain("at ");
  });
});
