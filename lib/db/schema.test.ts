import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testDatabase } from "./test-database.ts";

// Migrations are hand-written SQL (the Prisma schema engine cannot run offline), so this
// test is what keeps prisma/schema.prisma and the migrated database from drifting apart.

type Column = { table: string; column: string; nullable: boolean; type: string };

const TYPE_FAMILIES: Record<string, string[]> = {
  String: ["text", "uuid", "character varying"],
  Int: ["integer", "smallint"],
  BigInt: ["bigint"],
  Boolean: ["boolean"],
  DateTime: ["timestamp with time zone", "date"],
  Float: ["real", "double precision"],
  Json: ["jsonb", "json"],
};

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Reads models from schema.prisma: table name, scalar columns, and index names Prisma would create. */
function parseSchema(): {
  columns: Column[];
  indexes: string[];
  sqlOnlyIndexes: string[];
  enums: Set<string>;
} {
  const text = fs.readFileSync(path.join(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
  const enumBlocks = [...text.matchAll(/^enum (\w+) \{([\s\S]*?)^\}/gm)];
  const enumTypes = new Set(enumBlocks.map((m) => m[1] ?? ""));
  const enums = new Set(enumBlocks.map((m) => /@@map\("(\w+)"\)/.exec(m[2] ?? "")?.[1] ?? m[1] ?? ""));
  const models = new Set([...text.matchAll(/^model (\w+) \{/gm)].map((m) => m[1] ?? ""));
  const columns: Column[] = [];
  const indexes: string[] = [];
  for (const [, , body = ""] of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const table = /@@map\("(\w+)"\)/.exec(body)?.[1] ?? "";
    const columnOf = new Map<string, string>();
    for (const line of body.split("\n").map((l) => l.trim())) {
      const field = /^(\w+)\s+(\w+)(\??)(\[\])?(.*)$/.exec(line);
      if (!field || line.startsWith("//")) continue;
      const [, name = "", type = "", optional, list, rest = ""] = field;
      if (models.has(type)) continue;
      const column = /@map\("(\w+)"\)/.exec(rest)?.[1] ?? name;
      columnOf.set(name, column);
      columns.push({
        table,
        column,
        nullable: optional === "?",
        type: list ? "ARRAY" : enumTypes.has(type) ? "USER-DEFINED" : type,
      });
      if (rest.includes("@unique")) indexes.push(`${table}_${column}_key`);
      if (rest.includes("@id")) indexes.push(`${table}_pkey`);
    }
    for (const [, kind = "", fields = ""] of body.matchAll(/@@(index|id|unique)\(\[([^\]]*)\]/g)) {
      const cols = fields
        .split(",")
        .map((f) => columnOf.get(f.trim().replace(/\(.*\)/, "")) ?? snake(f.trim()));
      indexes.push(
        kind === "id" ? `${table}_pkey` : `${table}_${cols.join("_")}_${kind === "index" ? "idx" : "key"}`,
      );
    }
  }
  const sqlOnlyIndexes = [...text.matchAll(/^\s*\/\/ SQL-only index (\w+):/gm)].map((m) => m[1] ?? "");
  return { columns, indexes, sqlOnlyIndexes, enums };
}

describe("schema.prisma and the migrated database", () => {
  const { pool } = testDatabase();
  const schema = parseSchema();

  it("have the same tables and columns, with matching nullability and types", async () => {
    const tables = [...new Set(schema.columns.map((c) => c.table))];
    const { rows } = await pool.query<{ table: string; column: string; nullable: string; type: string }>(
      `SELECT table_name AS table, column_name AS column, is_nullable AS nullable, data_type AS type
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY($1)`,
      [tables],
    );
    const actual = rows
      .map((r) => `${r.table}.${r.column} ${r.nullable === "YES" ? "null" : "not null"}`)
      .sort();
    const expected = schema.columns
      .map((c) => `${c.table}.${c.column} ${c.nullable ? "null" : "not null"}`)
      .sort();
    expect(actual).toEqual(expected);
    for (const column of schema.columns) {
      const row = rows.find((r) => r.table === column.table && r.column === column.column);
      const allowed = TYPE_FAMILIES[column.type] ?? [column.type];
      expect(allowed, `${column.table}.${column.column}`).toContain(row?.type);
    }
  });

  it("have every index and unique constraint the schema declares", async () => {
    const { rows } = await pool.query<{ name: string }>(
      "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'",
    );
    const actual = new Set(rows.map((r) => r.name));
    for (const index of schema.indexes) expect(actual, index).toContain(index);
  });

  it("have no index on a table that the schema does not declare", async () => {
    // Indexes of the schema's tables themselves, not the copies PostgreSQL keeps on each
    // partition; expression and partial indexes are named in "// SQL-only index" lines.
    const tables = [...new Set(schema.columns.map((c) => c.table))];
    const { rows } = await pool.query<{ name: string }>(
      `SELECT i.indexname AS name FROM pg_indexes i
         JOIN pg_class t ON t.relname = i.tablename AND t.relnamespace = 'public'::regnamespace
        WHERE i.schemaname = 'public' AND NOT t.relispartition AND i.tablename = ANY($1)`,
      [tables],
    );
    const declared = new Set([...schema.indexes, ...schema.sqlOnlyIndexes]);
    expect(rows.map((r) => r.name).filter((name) => !declared.has(name))).toEqual([]);
    for (const name of schema.sqlOnlyIndexes)
      expect(
        rows.map((r) => r.name),
        name,
      ).toContain(name);
  });

  it("have the same enums", async () => {
    const { rows } = await pool.query<{ name: string }>(
      "SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'",
    );
    expect(rows.map((r) => r.name).sort()).toEqual([...schema.enums].sort());
  });
});
