import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { NotAdminError } from "../actor.ts";
import { testDatabase } from "../db/test-database.ts";
import { createTestUser } from "./keys-test-support.ts";
import { getCaptureSettings, setRedactedQueryParams } from "./settings.ts";
import { withSettingsLock } from "./settings-test-support.ts";

const database = testDatabase();

describe("capture settings", () => {
  it("lets an admin read and replace the redacted query parameters, and no one else", async () => {
    const admin = { ...(await createTestUser(database, "settings-admin")), isAdmin: true };
    const user = await createTestUser(database, "settings-user");
    await withSettingsLock(database.pool, async () => {
      const before = await getCaptureSettings(admin);
      expect(before.redactedQueryParams).toEqual(expect.arrayContaining(["key", "api_key", "token", "sig"]));
      expect(before).toMatchObject({ mode: "errors", maxBytes: 16384, retentionDays: 7 });
      try {
        expect(await setRedactedQueryParams(admin, ["Key", "session_id", "key"])).toEqual([
          "key",
          "session_id",
        ]);
        expect((await getCaptureSettings(admin)).redactedQueryParams).toEqual(["key", "session_id"]);

        await expect(setRedactedQueryParams(admin, ["a b"])).rejects.toBeInstanceOf(ZodError);
        await expect(getCaptureSettings(user)).rejects.toBeInstanceOf(NotAdminError);
        await expect(setRedactedQueryParams(user, ["x"])).rejects.toBeInstanceOf(NotAdminError);
        expect((await getCaptureSettings(admin)).redactedQueryParams).toContain("session_id");
      } finally {
        await setRedactedQueryParams(admin, before.redactedQueryParams);
      }
    });
  });
});
