import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

/** A throwaway Debian `redis-server` on a loopback port, for tests that need Redis. */
export type TestRedis = {
  url: string;
  port: number;
  /** SIGKILLs the server (as a crash would) and waits for it to be gone. */
  kill: () => Promise<void>;
  /** The server's process id (it changes with restart()). */
  pid: () => number | undefined;
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as a hung Redis. */
  pause: () => void;
  /** Lets a paused server go on (SIGCONT). */
  resume: () => void;
  /** Starts it again on the same port, empty (nothing is persisted). */
  restart: () => Promise<void>;
  close: () => Promise<void>;
};

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || !address) throw new Error("no free port");
  return address.port;
}

function launch(port: number): Promise<ChildProcess> {
  // A higher priority, as if Redis had cores of its own: on a shared test machine with a
  // dozen busy processes an ordinary one is sometimes not scheduled for 50 ms, which is
  // the slow Redis the gateway falls back from, and the exactness tests would measure the
  // machine. (Without the right to raise priority, nice warns and runs it as is.)
  const child = spawn(
    "nice",
    [
      "-n",
      "-10",
      process.env.REDIS_SERVER ?? "redis-server",
      ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`redis-server did not start: ${output}`)), 10_000);
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    }
    child.once("error", (error) => fail(new Error(`cannot run redis-server (${error.message})`)));
    child.once("exit", (code) => fail(new Error(`redis-server exited (${code}): ${output}`)));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes("Ready to accept connections")) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.stdout?.off("data", onData).resume();
      resolve(child);
    };
    child.stdout?.on("data", onData);
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

/** Starts `redis-server` on a free loopback port; never a shared or remote one. */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child.pid,
    kill: () => stop(child, "SIGKILL"),
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
    restart: async () => {
      await stop(child, "SIGKILL");
      child = await launch(port);
    },
    close: () => stop(child, "SIGTERM"),
  };
}
