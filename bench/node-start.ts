// node-start: cold start of a node-service process to its API answering (fresh data directory:
// identity created, wallet created in the background), warm start (existing data directory),
// time until the wallet is unlocked, and resident memory after 10 s idle.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { EventTap } from "../test/helpers/events.ts";
import { CLI, NodeProcess, tempDir } from "../test/helpers/node_process.ts";
import { percentile, printTable, rssMb } from "./_stats.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
if (!existsSync(CLI)) {
  console.error("build first: npm run build");
  process.exit(2);
}

async function timedStart(dataDir: string): Promise<{ node: NodeProcess; apiMs: number; walletMs: number }> {
  const t0 = performance.now();
  const node = NodeProcess.start(dataDir);
  const lock = await node.ready();
  // ready() saw the lock; the API answers from then on. Confirm with one request, timed in.
  const res = await node.fetch("/api/health");
  if (res.status !== 200) throw new Error(`health answered ${res.status}`);
  const apiMs = performance.now() - t0;
  const tap = await EventTap.open(lock.port, lock.token);
  await tap.walletReady(20_000);
  const walletMs = performance.now() - t0;
  tap.close();
  return { node, apiMs, walletMs };
}

const dir = tempDir("ascendnet-bench-");
const cold: number[] = [];
const warm: number[] = [];
const walletCold: number[] = [];
const walletWarm: number[] = [];
let rss = NaN;
try {
  for (let i = 0; i < RUNS; i++) {
    const dataDir = join(dir.path, `n${i}`);
    const first = await timedStart(dataDir);
    cold.push(first.apiMs);
    walletCold.push(first.walletMs);
    await first.node.stop();
    const second = await timedStart(dataDir);
    warm.push(second.apiMs);
    walletWarm.push(second.walletMs);
    if (i === RUNS - 1) {
      await new Promise((r) => setTimeout(r, 10_000));
      rss = await rssMb(second.node.child.pid!);
    }
    await second.node.stop();
  }
} finally {
  dir.remove();
}

const r = (x: number) => Math.round(x);
printTable(`node-start (${RUNS} runs each; process spawn to /api/health answering)`, [
  { case: "cold (new data dir)", median_ms: r(percentile(cold, 50)), p95_ms: r(percentile(cold, 95)), wallet_ready_median_ms: r(percentile(walletCold, 50)) },
  { case: "warm (existing data dir)", median_ms: r(percentile(warm, 50)), p95_ms: r(percentile(warm, 95)), wallet_ready_median_ms: r(percentile(walletWarm, 50)) },
]);
console.log(`idle RSS after 10 s: ${rss} MB (goal <= 200 MB); cold start goal <= 2000 ms`);
console.log(
  JSON.stringify({
    bench: "node-start",
    start_ms: r(percentile(cold, 50)),
    rss_mb: rss,
    warm_start_ms: r(percentile(warm, 50)),
    wallet_ready_ms: r(percentile(walletCold, 50)),
    runs: RUNS,
  }),
);
