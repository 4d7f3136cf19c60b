import { cookies } from "next/headers";
import { parseTimeZone, TIME_ZONE_COOKIE } from "./zone.ts";

/** The viewer's time zone for server rendering: the browser's, from its cookie, else UTC. */
export async function viewerTimeZone(): Promise<string> {
  return parseTimeZone((await cookies()).get(TIME_ZONE_COOKIE)?.value);
}
