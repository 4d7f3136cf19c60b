import { NextResponse, type NextRequest } from "next/server";
import { RETURN_TO_COOKIE, RETURN_TO_MAX_AGE } from "@/lib/auth/return-to.ts";

// Next 16's proxy (formerly middleware). An optimistic redirect only: it sees whether a
// session cookie exists, not whether it is valid. Authorization happens in requireUser()
// and the data layer on every request; pages also send signed-in visitors of /sign-in
// and /sign-up to "/" themselves, after checking the session against the database.
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/** Whether a path's percent-encoding is valid UTF-8 (`/logs/%FF` is not). */
function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export default function proxy(request: NextRequest) {
  // Next answers a dynamic route whose segment is invalid UTF-8 with a bare 500 (even after a
  // rewrite); such an address names no call, so send it to the call log's own "not found" page.
  if (!decodable(request.nextUrl.pathname)) {
    return NextResponse.redirect(new URL("/logs/not-found", request.url));
  }
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  const asked = `${url.pathname}${url.search}`;
  url.pathname = "/sign-in";
  url.search = "";
  const response = NextResponse.redirect(url);
  // A shared link (/logs?status=429) opens again after signing in (app/(auth)/actions.ts).
  // Only for a page the visitor opened (the browser's own Sec-Fetch-Dest, which scripts cannot
  // set): the router's fetches for links on a page open when the session ended would otherwise
  // overwrite it with wherever those links pointed.
  const navigation = request.headers.get("sec-fetch-dest") === "document";
  if (asked !== "/" && navigation) {
    response.cookies.set(RETURN_TO_COOKIE, asked, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      maxAge: RETURN_TO_MAX_AGE,
    });
  }
  return response;
}

export const config = {
  // Dashboard pages only: not the auth pages, next-auth's API, the CSV export route
  // (which answers 401 itself), or static files.
  matcher: ["/", "/keys/:path*", "/logs/:path*", "/admin/:path*"],
};
