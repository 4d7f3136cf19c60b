// Next.js runs register() once when the dashboard process starts, before it serves pages.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ stampClientAddresses }, { env }] = await Promise.all([
    import("./lib/auth/request-ip.ts"),
    import("./lib/env.ts"),
  ]);
  stampClientAddresses(env().TRUST_PROXY);
}
