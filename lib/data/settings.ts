// Admin-editable settings (the `settings` table, one JSON value per name). The gateway reads
// the redacted query parameter list itself every few seconds (lib/gateway/capture-settings.ts);
// this module is the dashboard's side: admins read and change it, with the check here.
import { type SessionUser, requireAdminActor } from "../actor.ts";
import { db } from "../db/client.ts";
import { env } from "../env.ts";
import { REDACTED_QUERY_PARAMS_SETTING, redactedQueryParamsSchema } from "../schemas/capture-settings.ts";

/** What the admin page shows about call capture: the editable list and the env-set rest. */
export type CaptureSettingsView = {
  /** Query parameter names whose values are stored as [REDACTED]. */
  redactedQueryParams: string[];
  updatedAt: Date | null;
  /** CAPTURE_BODIES, CAPTURE_MAX_BYTES and PAYLOAD_RETENTION_DAYS of this process (read-only). */
  mode: "errors" | "all" | "off";
  maxBytes: number;
  retentionDays: number;
};

/** Admins only: the call capture settings. */
export async function getCaptureSettings(actor: SessionUser): Promise<CaptureSettingsView> {
  requireAdminActor(actor);
  const row = await db().prisma.setting.findUnique({ where: { name: REDACTED_QUERY_PARAMS_SETTING } });
  // A value that no longer parses shows as empty rather than breaking the page; saving fixes it.
  const names = redactedQueryParamsSchema.safeParse(row?.value ?? []);
  const config = env();
  return {
    redactedQueryParams: names.success ? names.data : [],
    updatedAt: row?.updatedAt ?? null,
    mode: config.CAPTURE_BODIES,
    maxBytes: config.CAPTURE_MAX_BYTES,
    retentionDays: config.PAYLOAD_RETENTION_DAYS,
  };
}

/**
 * Admins only: replaces the redacted query parameter list (names are lower-cased and
 * de-duplicated; ZodError on a bad name). Gateways apply it within seconds, to calls
 * recorded from then on.
 */
export async function setRedactedQueryParams(
  actor: SessionUser,
  names: readonly string[],
): Promise<string[]> {
  requireAdminActor(actor);
  const value = redactedQueryParamsSchema.parse(names);
  await db().prisma.setting.upsert({
    where: { name: REDACTED_QUERY_PARAMS_SETTING },
    create: { name: REDACTED_QUERY_PARAMS_SETTING, value },
    update: { value, updatedAt: new Date() },
  });
  return value;
}
