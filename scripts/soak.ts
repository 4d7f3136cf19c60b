// `npm run soak`: mixed traffic (normal, streaming, upstream errors, client aborts, rate-limited
// and unknown keys) against `npm start` for SOAK_MINUTES (10), with PostgreSQL stopped for
// SOAK_OUTAGE_S (30) in the middle, then a SIGTERM while the traffic still runs. Checks
// rows == rollups == answered, RSS over time and the 5xx the gateway made itself; then measures
// what a kill -9 in normal operation loses. Writes SOAK_OUTPUT (docs/bench/soak.md).
// Needs a dashboard build (`npm run build`); SOAK_PORT_BASE (3500) takes three ports.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as prettier from "prettier";
import pg from "pg";
import { startTollgate, type TollgateProcess } from "../e2e/tollgate-process.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../lib/db/embedded.ts";
import { createKey } from "../lib/gateway/test-helpers.ts";
import { generateKey } from "../lib/keys/key.ts";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const OUTAGE_MS = Number(process.env.SOAK_OUTAGE_S ?? 30) * 1000;
const PORT = Number(process.env.SOAK_PORT_BASE ?? 3500);
const OUTPUT = path.resolve(process.env.SOAK_OUTPUT ?? "docs/bench/soak.md");
const WORKERS = 12;
/** Each worker waits this long between calls: ~150 calls/s in all, leaving CPU for the rest. */
const PAUSE_MS = 60;

type Kind = "normal" | "stream" | "error" | "abort" | "rate-limited" | "unknown-key" | "slow";
const MIX: Array<[Kind, number]> = [
  ["normal", 50],
  ["stream", 12],
  ["error", 12],
  ["abort", 4],
  ["rate-limited", 10],
  ["unknown-key", 6],
  ["slow", 6],
];

function pick(): Kind {
  let n = Math.random() * MIX.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [kind, weight] of MIX) if ((n -= weight) < 0) return kind;
  return "normal";
}

type Tally = {
  /** Responses to calls made with an account's key: each must be one row. */
  answered: number;
  /** Calls aborted by the client before any answer: each must be one 499 row. */
  aborted: number;
  unknownKey: number;
  /** Calls refused or cut by the stop (not answered, not recorded). */
  refused: number;
  byKind: Record<string, number>;
  /** 5xx the gateway made itself, by code and phase. */
  gateway5xx: Record<string, number>;
};

const CHAT = JSON.stringify({ model: "sample", messages: [{ role: "user", content: "hi" }], stream: true });

async function oneCall(
  url: string,
  keys: { paid: string[]; free: string },
  tally: Tally,
  phase: () => string,
): Promise<boolean> {
  const kind = pick();
  const paid = keys.paid[Math.floor(Math.random() * keys.paid.length)]!;
  const key = kind === "rate-limited" ? keys.free : kind === "unknown-key" ? generateKey().key : paid;
  const target = {
    normal: "/v2/price?symbol=BTC",
    stream: "/v1/chat/completions",
    error: ["/status/500", "/status/404", "/v2/price?symbol=NOPE"][Math.floor(Math.random() * 3)]!,
    abort: "/delay/2000",
    "rate-limited": "/v2/tokens",
    "unknown-key": "/v2/tokens",
    slow: "/delay/500",
  }[kind];
  const abort = new AbortController();
  if (kind === "abort") setTimeout(() => abort.abort(), 100);
  try {
    const res = await fetch(url + target, {
      method: kind === "stream" ? "POST" : "GET",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: kind === "stream" ? CHAT : undefined,
      signal: abort.signal,
    });
    const body = await res.text();
    if (res.status >= 500) {
      const code = /"code":"([a-z_]+)"/.exec(body)?.[1];
      if (code) {
        const name = `${res.status} ${code} (${kind === "unknown-key" ? "unknown key" : "account key"}, ${phase()})`;
        tally.gateway5xx[name] = (tally.gateway5xx[name] ?? 0) + 1;
      }
    }
    if (kind === "unknown-key") tally.unknownKey += 1;
    else tally.answered += 1;
    tally.byKind[`${kind} ${res.status}`] = (tally.byKind[`${kind} ${res.status}`] ?? 0) + 1;
    return true;
  } catch (error) {
    if (kind === "abort" && abort.signal.aborted) {
      tally.aborted += 1;
      return true;
    }
    if ((error as Error).name === "AbortError") return true;
    tally.refused += 1;
    return false;
  }
}

/** Runs the mix until `until()` says stop or the gateway refuses a call (it is stopping). */
async function traffic(
  url: string,
  keys: { paid: string[]; free: string },
  tally: Tally,
  phase: () => string,
  until: () => boolean,
): Promise<void> {
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (!until()) {
        if (!(await oneCall(url, keys, tally, phase))) return;
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
    }),
  );
}

async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** Accounts on a plan without limits that matter here, plus one on `free` (1 call a minute). */
async function accounts(
  pool: pg.Pool,
  label: string,
): Promise<{ ids: string[]; paid: string[]; free: string }> {
  await pool.query(
    `INSERT INTO plans (slug, name, rpm, monthly_quota) VALUES ('soak', 'Soak', 1000000, 1000000000)
     ON CONFLICT (slug) DO NOTHING`,
  );
  const ids: string[] = [];
  const keys: string[] = [];
  for (const plan of ["soak", "soak", "soak", "soak", "free"]) {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO users (email, password_hash, plan_id)
       SELECT $1, 'not-a-real-hash', id FROM plans WHERE slug = $2 RETURNING id::text`,
      [`soak-${label}-${ids.length}-${Date.now()}@example.com`, plan],
    );
    ids.push(rows[0]!.id);
    keys.push((await createKey(pool, rows[0]!.id)).key);
  }
  return { ids, paid: keys.slice(0, 4), free: keys[4]! };
}

async function counts(pool: pg.Pool, ids: string[]) {
  const { rows } = await pool.query<{ rows: number; aborted: number; rollups: number }>(
    `SELECT (SELECT count(*)::int FROM calls WHERE user_id = ANY($1::uuid[])) AS rows,
            (SELECT count(*)::int FROM calls WHERE user_id = ANY($1::uuid[]) AND status = 499) AS aborted,
            (SELECT COALESCE(sum(calls), 0)::int FROM usage_daily WHERE user_id = ANY($1::uuid[])) AS rollups`,
    [ids],
  );
  return rows[0]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "tollgate-soak-"));
  await fs.chmod(root, 0o755); // as root, PostgreSQL runs as `postgres`, who must reach its folder
  const dbDir = path.join(root, "db");
  let database: EmbeddedDatabase = await startEmbeddedPostgres(dbDir);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on("error", () => undefined);
  let tollgate: TollgateProcess | undefined;
  const lines: string[] = [];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  try {
    const env = { DATABASE_URL: database.url };
    tollgate = await startTollgate({ dataDir: path.join(root, "app"), port: PORT, env });
    const started = Date.now();
    const pid = await tollgate.startPid();
    const { ids, paid, free } = await accounts(pool, "main");
    const tally: Tally = { answered: 0, aborted: 0, unknownKey: 0, refused: 0, byKind: {}, gateway5xx: {} };
    const totalMs = MINUTES * 60_000;
    const outageAt = Math.max(0, totalMs / 2 - OUTAGE_MS / 2);
    let phase = "before the outage";
    say(
      `# Soak: ${MINUTES} min of mixed traffic, PostgreSQL stopped for ${OUTAGE_MS / 1000} s in the middle\n`,
    );
    say(
      `Run ${new Date().toISOString()} on ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)}), ~${Math.round((WORKERS * 1000) / (PAUSE_MS + 5))} calls/s offered.\n`,
    );
    say("| time | calls answered | RSS of the gateway process (scripts/start.ts) | phase |");
    say("|---|---|---|---|");

    const rss: Array<{ at: number; mb: number }> = [];
    let stopping = false;
    const load = traffic(
      tollgate.gatewayUrl,
      { paid, free },
      tally,
      () => phase,
      () => stopping,
    );
    const sampler = (async () => {
      while (!stopping) {
        const at = Date.now() - started;
        rss.push({ at, mb: await rssMb(pid) });
        if (rss.length % 6 === 1) {
          const m = Math.floor(at / 60_000);
          const s = Math.floor((at % 60_000) / 1000);
          say(`| ${m}:${String(s).padStart(2, "0")} | ${tally.answered} | ${rss.at(-1)!.mb} MB | ${phase} |`);
        }
        await sleep(10_000);
      }
    })();

    await sleep(outageAt);
    phase = "PostgreSQL down";
    await database.stop();
    await sleep(OUTAGE_MS);
    database = await startEmbeddedPostgres(dbDir);
    // After a failed lookup the key check waits 500 ms before asking the database again.
    phase = "first 2 s after PostgreSQL is back";
    await sleep(2000);
    phase = "after the outage";
    await sleep(Math.max(0, started + totalMs - Date.now()));

    // The stop lands while the traffic still runs; the workers end at their first refused call.
    await tollgate.signal("SIGTERM", "process");
    const exit = await tollgate.exited;
    stopping = true;
    await load;
    await sampler;
    const stoppedCleanly = tollgate.output().includes("Tollgate stopped.") && exit.code === 0;
    tollgate = undefined;
    const recorded = await counts(pool, ids);

    // Warm-up: the first sixth of the run. Then the peak of the first third against the last.
    const peak = (from: number, to: number) =>
      Math.max(0, ...rss.filter((r) => r.at >= from && r.at < to).map((r) => r.mb));
    const rssStart = peak(totalMs / 6, totalMs / 3);
    const rssEnd = peak((2 * totalMs) / 3, Infinity);
    const allowed5xx = Object.keys(tally.gateway5xx).every((name) =>
      /^503 unavailable \(unknown key, (PostgreSQL down|first 2 s after PostgreSQL is back)\)$/.test(name),
    );
    const checks: Array<[string, string, boolean]> = [
      ["calls answered (account keys)", String(tally.answered), true],
      [
        "rows recorded, 499 excluded",
        String(recorded.rows - recorded.aborted),
        recorded.rows - recorded.aborted === tally.answered,
      ],
      [
        "calls aborted by the client / rows with 499",
        `${tally.aborted} / ${recorded.aborted}`,
        tally.aborted === recorded.aborted,
      ],
      [
        "rollup total (usage_daily) / rows",
        `${recorded.rollups} / ${recorded.rows}`,
        recorded.rollups === recorded.rows,
      ],
      ["calls with unknown keys (not recorded)", String(tally.unknownKey), true],
      ["calls refused after the SIGTERM", String(tally.refused), true],
      [
        "gateway RSS, peak in the first / last third after warm-up",
        `${rssStart} MB / ${rssEnd} MB`,
        rssEnd <= rssStart * 1.25,
      ],
      [
        "5xx made by the gateway",
        Object.entries(tally.gateway5xx)
          .map(([name, n]) => `${n} × ${name}`)
          .join("; ") || "none",
        allowed5xx,
      ],
      ['SIGTERM: exit 0, "Tollgate stopped."', String(stoppedCleanly), stoppedCleanly],
    ];
    say("\n| check | result | pass |\n|---|---|---|");
    for (const [name, value, pass] of checks) say(`| ${name} | ${value} | ${pass ? "pass" : "FAIL"} |`);
    say("\nCalls by kind and status:\n");
    say(
      Object.entries(tally.byKind)
        .sort()
        .map(([name, n]) => `${name}: ${n}`)
        .join(", "),
    );

    say("\n## What a kill -9 in normal operation loses\n");
    say(
      "Steady traffic (same mix, no outage) for 10 s, then SIGKILL to the whole `npm start` process group.\n",
    );
    say("| run | answered | recorded | lost |\n|---|---|---|---|");
    for (let run = 1; run <= 3; run++) {
      tollgate = await startTollgate({ dataDir: path.join(root, "app"), port: PORT, env });
      const runKeys = await accounts(pool, `kill-${run}`);
      const runTally: Tally = {
        answered: 0,
        aborted: 0,
        unknownKey: 0,
        refused: 0,
        byKind: {},
        gateway5xx: {},
      };
      let killed = false;
      const runLoad = traffic(
        tollgate.gatewayUrl,
        runKeys,
        runTally,
        () => "kill -9",
        () => killed,
      );
      await sleep(10_000);
      await tollgate.signal("SIGKILL", "group");
      await tollgate.exited;
      killed = true;
      await runLoad;
      tollgate = undefined;
      const runRows = await counts(pool, runKeys.ids);
      const answered = runTally.answered;
      say(
        `| ${run} | ${answered} | ${runRows.rows - runRows.aborted} | ${answered - (runRows.rows - runRows.aborted)} |`,
      );
    }
    const passed = checks.every(([, , pass]) => pass);
    say(`\n${passed ? "PASS" : "FAIL"}`);
    await fs.mkdir(path.dirname(OUTPUT), { recursive: true });
    await fs.writeFile(OUTPUT, await prettier.format(lines.join("\n") + "\n", { parser: "markdown" }));
    console.log(`\nwritten to ${path.relative(process.cwd(), OUTPUT)}`);
    process.exitCode = passed ? 0 : 1;
  } finally {
    await tollgate?.kill();
    await pool.end();
    await database.stop();
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
