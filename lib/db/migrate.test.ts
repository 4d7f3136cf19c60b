import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrate } from "./migrate.ts";
import { testDatabase } from "./test-database.ts";

describe("migrate", () => {
  const { pool, url } = testDatabase();

  it("applies every migration exactly once when several processes start together", async () => {
    const name = `migrate_${Date.now()}`;
    await pool.query(`CREATE DATABASE ${name}`);
    const fresh = url.replace(/\/[^/]*$/, `/${name}`);
    const results = await Promise.all([migrate(fresh), migrate(fresh), migrate(fresh)]);
    // Every folder of prisma/migrations, in name order, applied by exactly one of the three.
    const folders = fs
      .readdirSync(path.join(import.meta.dirname, "../../prisma/migrations"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual(expect.arrayContaining(["0001_init", "0006_calls_owner_trigger"]));
    expect(results.flat().sort()).toEqual(folders);
    expect(await migrate(fresh)).toEqual([]);
    const client = new pg.Client({ connectionString: fresh });
    await client.connect();
    const plans = await client.query<{ slug: string }>("SELECT slug FROM plans ORDER BY id");
    await client.end();
    expect(plans.rows.map((r) => r.slug)).toEqual(["free", "basic", "advanced", "vip"]);
  });
});
