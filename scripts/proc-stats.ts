// CPU and memory of processes from /proc (Linux), for the benchmarks: load-robust where
// throughput is not, since it counts what a process used, not how long it waited.
import fs from "node:fs/promises";
import path from "node:path";

/** Resident memory of a process, in MB. */
export async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/**
 * CPU time (user + system) a process has used, in ms, from /proc (Linux); with `reaped`, also
 * that of its children that have exited.
 */
export async function cpuMs(pid: number, reaped = false): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime, stime, cutime and cstime are fields 14 to 17 of stat(5), in clock ticks (100 per
  // second on Linux).
  const own = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  const children = reaped ? Number(fields[13] ?? 0) + Number(fields[14] ?? 0) : 0;
  return (own + children) * 10;
}

/** PostgreSQL's processes: the postmaster named in postmaster.pid, then its children. */
export async function postgresPids(dataDir: string): Promise<number[]> {
  const text = await fs.readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").catch(() => "");
  const postmaster = Number(text.split("\n")[0]);
  if (!postmaster) return [];
  const pids = [postmaster];
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // ppid is field 4 of stat(5)
    if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster) pids.push(Number(entry));
  }
  return pids;
}

/** CPU used so far by PostgreSQL, its exited backends included (they count in the postmaster's). */
export async function postgresCpuMs(dataDir: string): Promise<number> {
  const [postmaster, ...children] = await postgresPids(dataDir);
  if (!postmaster) return 0;
  let total = await cpuMs(postmaster, true);
  for (const pid of children) total += await cpuMs(pid);
  return total;
}
