// catalog-propagation: N node-service processes on loopback, R records published from random nodes
// through the API; for each record, the time until every other node has announced it on its event
// stream (p50, p99). Baseline in the same run: N processes of bare gossipsub on the node's own libp2p
// configuration (bench/_gossip_node.ts) with the same dial plan, carrying payloads of the same size:
// the ratio is what the catalog adds (API, signing, validation, store, index, events). Both measured
// on this process's clock from the publish order.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { promptBody, publish } from "../test/helpers/catalog.ts";
import { EventTap } from "../test/helpers/events.ts";
import { NodeProcess, tempDir } from "../test/helpers/node_process.ts";
import { cpuMs, percentile, printTable } from "./_stats.ts";

const NODES = Number(process.env.BENCH_NODES ?? 20);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3000);
/** Below this many ms of CPU per process per second the mesh is idle: connections, DHT and meshes have settled. */
const QUIET_CPU_MS = 30;

/** Each node dials the first node and two random earlier ones: a connected, not star-shaped, mesh. */
function topology(i: number): number[] {
  if (i === 0) return [];
  const picks = new Set([0, Math.floor(Math.random() * i), Math.floor(Math.random() * i)]);
  return [...picks];
}
const plan = Array.from({ length: NODES }, (_, i) => topology(i));
const publishers = Array.from({ length: RECORDS }, () => Math.floor(Math.random() * NODES));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits at least SETTLE_MS for gossipsub to form its mesh, then until the processes are idle, so
 * that neither run is measured while its DHT is still connecting everyone (at most 30 s more).
 */
async function settle(pids: number[]): Promise<void> {
  await sleep(SETTLE_MS);
  for (let i = 0; i < 30; i++) {
    const before = cpuMs(pids);
    await sleep(1000);
    if (cpuMs(pids) - before < QUIET_CPU_MS * pids.length) return;
  }
  console.error("the processes did not become idle within 30 s; measuring anyway");
}

interface Run {
  latencies: number[];
  /** CPU the N processes used per record while the records were published */
  cpuPerRecordMs: number;
}

async function runAscendNet(): Promise<Run> {
  const dir = tempDir("ascendnet-bench-prop-");
  const nodes: NodeProcess[] = [];
  const taps: EventTap[] = [];
  try {
    const addrs: string[] = [];
    for (let i = 0; i < NODES; i++) {
      const args = plan[i]!.flatMap((j) => ["--bootstrap", addrs[j]!]);
      const n = NodeProcess.start(join(dir.path, `n${i}`), { args });
      nodes.push(n);
      await n.ready();
      addrs.push(((await (await n.fetch("/api/network/peers")).json()) as { addresses: string[] }).addresses[0]!);
    }
    for (const n of nodes) {
      const tap = await EventTap.open(n.lock!.port, n.lock!.token);
      await tap.walletReady(30_000);
      taps.push(tap);
    }
    await settle(nodes.map((n) => n.child.pid!));
    const latencies: number[] = [];
    const cpu0 = cpuMs(nodes.map((n) => n.child.pid!));
    for (let r = 0; r < RECORDS; r++) {
      const from = publishers[r]!;
      const t0 = performance.now();
      const { record } = await publish(nodes[from]!, `p-${r}`, promptBody(r));
      await Promise.all(taps.map((t, i) => (i === from ? undefined : t.waitFor("catalog", (e) => e.id === record.id, 15_000)))).catch((err: unknown) => {
        // say which node missed it and what it logged, then fail: a lost record is a defect, not a figure
        const missing = taps.flatMap((t, i) => (i !== from && !t.events.some((e) => e.type === "catalog" && e.id === record.id) ? [i] : []));
        for (const i of missing) console.error(`node ${i} (dialled ${plan[i]}) missed record ${r}; its warnings:\n${nodes[i]!.output.split("\n").filter((l) => /WARN|ERROR/.test(l)).slice(-10).join("\n")}`);
        throw err;
      });
      latencies.push(performance.now() - t0);
    }
    return { latencies, cpuPerRecordMs: (cpuMs(nodes.map((n) => n.child.pid!)) - cpu0) / RECORDS };
  } finally {
    for (const t of taps) t.close();
    await Promise.all(nodes.map((n) => n.stop()));
    dir.remove();
  }
}

async function runBaseline(payloadBytes: number): Promise<Run> {
  const procs: Array<{ child: ChildProcess; send(line: string): void; recv: Map<string, number> }> = [];
  const waiters = new Map<string, { need: number; resolve: () => void }>();
  const addrs: string[] = [];
  try {
    for (let i = 0; i < NODES; i++) {
      const child = spawn(process.execPath, [join(import.meta.dirname, "_gossip_node.ts")], { stdio: ["pipe", "pipe", "inherit"] });
      const recv = new Map<string, number>();
      const addr = new Promise<string>((resolve) => {
        createInterface({ input: child.stdout! }).on("line", (line) => {
          const [kind, value] = line.split(" ");
          if (kind === "addr") resolve(value!);
          if (kind === "recv") {
            recv.set(value!, performance.now());
            const w = waiters.get(value!);
            if (w && --w.need === 0) w.resolve();
          }
        });
      });
      procs.push({ child, send: (l) => child.stdin!.write(l + "\n"), recv });
      addrs.push(await addr);
      for (const j of plan[i]!) procs[i]!.send(`dial ${addrs[j]}`);
    }
    await settle(procs.map((p) => p.child.pid!));
    const payload = "x".repeat(payloadBytes);
    const latencies: number[] = [];
    const cpu0 = cpuMs(procs.map((p) => p.child.pid!));
    for (let r = 0; r < RECORDS; r++) {
      const id = `b${r}`;
      const t0 = performance.now();
      const done = new Promise<void>((resolve) => waiters.set(id, { need: NODES - 1, resolve }));
      procs[publishers[r]!]!.send(`pub ${id} ${payload}`);
      await Promise.race([done, sleep(15_000).then(() => Promise.reject(new Error(`baseline message ${id} did not reach every node`)))]);
      latencies.push(performance.now() - t0);
    }
    return { latencies, cpuPerRecordMs: (cpuMs(procs.map((p) => p.child.pid!)) - cpu0) / RECORDS };
  } finally {
    for (const p of procs) p.child.kill("SIGTERM");
  }
}

const ours = await runAscendNet();
const sample = JSON.stringify(promptBody(1)).length + 700; // a signed record: body plus envelope and signatures
const baseline = await runBaseline(sample);
const r = (x: number) => Math.round(x * 10) / 10;
const p50 = percentile(ours.latencies, 50);
const b50 = percentile(baseline.latencies, 50);
printTable(`catalog-propagation (${NODES} processes on loopback, ${RECORDS} records from random nodes; publish to last node)`, [
  { run: "AscendNet catalog (API publish: sign, gossip, validate, store, event)", p50_ms: r(p50), p99_ms: r(percentile(ours.latencies, 99)), cpu_ms_per_record: r(ours.cpuPerRecordMs) },
  { run: `bare gossipsub (same libp2p stack and dial plan), ${sample}-byte payloads`, p50_ms: r(b50), p99_ms: r(percentile(baseline.latencies, 99)), cpu_ms_per_record: r(baseline.cpuPerRecordMs) },
]);
console.log(`goals: p50 <= 100 ms, p99 <= 300 ms, ratio to bare gossipsub <= 1.3; cpu_ms_per_record is all ${NODES} processes together, on ${availableParallelism()} cores`);
console.log(
  JSON.stringify({ bench: "catalog-propagation", nodes: NODES, p50_ms: r(p50), p99_ms: r(percentile(ours.latencies, 99)), baseline_p50_ms: r(b50), ratio: Math.round((p50 / b50) * 100) / 100 }),
);
