import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { TimeZoneProvider } from "@/components/ui/local-time.tsx";
import { viewerTimeZone } from "@/lib/time/viewer-zone.ts";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tollgate", template: "%s · Tollgate" },
  description: "API gateway and usage dashboard",
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "32x32" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
  manifest: "/manifest.webmanifest",
  openGraph: {
    title: "Tollgate",
    description: "Self-hosted API gateway with a usage dashboard",
    images: [{ url: "/og.png", width: 1200, height: 630, alt: "Tollgate" }],
  },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  colorScheme: "light dark",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f7f7f8" },
    { media: "(prefers-color-scheme: dark)", color: "#0b0b0e" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">
        <TimeZoneProvider zone={await viewerTimeZone()}>{children}</TimeZoneProvider>
      </body>
    </html>
  );
}
