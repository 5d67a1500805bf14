import { readFileSync } from "node:fs";

/** Percentile by nearest rank on a copy; benchmarks quote medians and tails, never means. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function printTable(title: string, rows: Array<Record<string, string | number>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}

export function rssMb(pid: number): Promise<number> {
  return import("node:fs/promises").then(async ({ readFile }) => {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return Math.round((kb / 1024) * 10) / 10;
  });
}

/** CPU time (user + system) the processes have used so far, in ms, from /proc (Linux). */
export function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    // fields after the ")" that closes the command name: state is field 3, utime 14, stime 15
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}
