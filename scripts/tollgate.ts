// The operator CLI: `npm run tollgate -- <group> <command> [--flags] [--json]` (README, "The operator CLI").
// Run compiled (scripts/tollgate.mjs); the database modules and the command's group are imported
// only once the command is known, so help and typos start nothing.
import { CliError, type Flags } from "../lib/cli/command.ts";
import { loadCommand, loadCommands } from "../lib/cli/index.ts";
import { env } from "../lib/env.ts";

function parse(argv: string[]): { words: string[]; flags: Flags } {
  const words: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) {
      words.push(arg);
      continue;
    }
    const [name = "", inline] = arg.slice(2).split(/=(.*)/s, 2);
    const next = argv[i + 1];
    if (inline !== undefined) flags[name] = inline;
    else if (next !== undefined && !next.startsWith("--")) flags[name] = argv[++i] ?? "";
    else flags[name] = "true";
  }
  return { words, flags };
}

async function help(): Promise<string> {
  return [
    "Usage: npm run tollgate -- <command> [--json]",
    "",
    ...Object.values(await loadCommands()).map((c) => `  ${c.usage}`),
  ].join("\n");
}

async function main(): Promise<number> {
  const { words, flags } = parse(process.argv.slice(2));
  const json = flags.json === "true";
  delete flags.json;
  const name = words.join(" ");
  const command = await loadCommand(name);
  if (!command) {
    console.error(name ? `Unknown command "${name}".\n\n${await help()}` : await help());
    return name ? 1 : 0;
  }
  const config = env();
  const [{ connectDatabase }, { installDatabase, openDatabase }] = await Promise.all([
    import("../lib/db/connect.ts"),
    import("../lib/db/client.ts"),
  ]);
  const database = await connectDatabase(config);
  const pools = openDatabase(database.url, 2);
  // Commands call lib/data, which uses the process-wide database.
  installDatabase(pools);
  try {
    const result = await command.run(flags);
    console.log(json ? JSON.stringify(result, null, 2) : command.print(result as never));
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(json ? JSON.stringify({ error: message }) : `Error: ${message}`);
    if (!(error instanceof CliError)) console.error("(unexpected error; see the message above)");
    return 1;
  } finally {
    await pools.prisma.$disconnect();
    await pools.pool.end();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
