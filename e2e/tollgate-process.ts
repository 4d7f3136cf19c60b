// Runs `npm start` as a person would, in its own process group, for the shutdown specs and
// the soak (scripts/soak.ts): its own DATA_DIR and ports, signals to the process or the group.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";

export type TollgateProcess = {
  gatewayUrl: string;
  dataDir: string;
  /** Everything npm start printed so far. */
  output: () => string;
  /** Resolves when every process of the group has exited, with npm's exit code. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The pid of scripts/start.ts itself, from DATA_DIR/tollgate.pid. */
  startPid: () => Promise<number>;
  /** SIGTERM/SIGINT/SIGKILL to scripts/start.ts alone, or to the whole group (what Ctrl-C does). */
  signal: (signal: NodeJS.Signals, target: "process" | "group") => Promise<void>;
  /** After a failed test: kills whatever is left of the group and of its PostgreSQL. */
  kill: () => Promise<void>;
};

/**
 * Starts `npm start` (dashboard on `port`, gateway on `port + 1`, sample API on `port + 2`,
 * all on 127.0.0.1) and resolves once the gateway and the dashboard are ready.
 */
export async function startTollgate(options: {
  dataDir: string;
  port: number;
  env?: Record<string, string>;
}): Promise<TollgateProcess> {
  const child = spawn("npm", ["start"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATA_DIR: options.dataDir,
      PORT: String(options.port),
      GATEWAY_PORT: String(options.port + 1),
      SAMPLE_API_PORT: String(options.port + 2),
      HOSTNAME: "127.0.0.1",
      NEXT_TELEMETRY_DISABLED: "1",
      ...options.env,
    },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const pid = child.pid;
  if (pid === undefined) throw new Error("npm start did not spawn");
  const npmExited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  // npm itself may exit on a signal before its script has finished stopping: wait for
  // every process of the group (npm, tsx, scripts/start.ts, the dashboard) to be gone.
  const exited = npmExited.then(async (result) => {
    while (isRunning(-pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    return result;
  });
  const startPid = async () => Number(await fs.readFile(path.join(options.dataDir, "tollgate.pid"), "utf8"));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start was not ready in 120 s:\n${output}`)),
      120_000,
    );
    const check = () => {
      if (output.includes("Tollgate is running") && output.includes("Ready in")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check);
    void npmExited.then(() => {
      clearTimeout(timer);
      reject(new Error(`npm start exited during start-up:\n${output}`));
    });
  });
  await ready;
  return {
    gatewayUrl: `http://127.0.0.1:${options.port + 1}`,
    dataDir: options.dataDir,
    output: () => output,
    exited,
    startPid,
    signal: async (signal, target) => {
      process.kill(target === "group" ? -pid : await startPid(), signal);
    },
    kill: async () => {
      if (isRunning(-pid)) process.kill(-pid, "SIGKILL");
      const postmaster = await fs
        .readFile(path.join(options.dataDir, "postgres", "postmaster.pid"), "utf8")
        .catch(() => "");
      const postgres = Number(postmaster.split("\n")[0]);
      if (postgres && isRunning(postgres)) process.kill(postgres, "SIGQUIT");
      await exited;
    },
  };
}

/** True while a process with this pid exists (or, for -pgid, any process of that group). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
