// catalog-propagation: N node-service processes on loopback, R records published from random nodes
// through the API; for each record, the time until every other node has announced it on its event
// stream (p50, p99). Baseline in the same run: N bare gossipsub processes with the same topology
// carrying payloads of the same size. Both measured on this process's clock from the publish order.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { promptBody, publish } from "../test/helpers/catalog.ts";
import { EventTap } from "../test/helpers/events.ts";
import { NodeProcess, tempDir } from "../test/helpers/node_process.ts";
import { percentile, printTable } from "./_stats.ts";

const NODES = Number(process.env.BENCH_NODES ?? 20);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3000);

/** Each node dials the first node and two random earlier ones: a connected, not star-shaped, mesh. */
function topology(i: number): number[] {
  if (i === 0) return [];
  const picks = new Set([0, Math.floor(Math.random() * i), Math.floor(Math.random() * i)]);
  return [...picks];
}
const plan = Array.from({ length: NODES }, (_, i) => topology(i));
const publishers = Array.from({ length: RECORDS }, () => Math.floor(Math.random() * NODES));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runAscendNet(): Promise<number[]> {
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
    await sleep(SETTLE_MS); // let gossipsub form its mesh
    const latencies: number[] = [];
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
    return latencies;
  } finally {
    for (const t of taps) t.close();
    await Promise.all(nodes.map((n) => n.stop()));
    dir.remove();
  }
}

async function runBaseline(payloadBytes: number): Promise<number[]> {
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
    await sleep(SETTLE_MS);
    const payload = "x".repeat(payloadBytes);
    const latencies: number[] = [];
    for (let r = 0; r < RECORDS; r++) {
      const id = `b${r}`;
      const t0 = performance.now();
      const done = new Promise<void>((resolve) => waiters.set(id, { need: NODES - 1, resolve }));
      procs[publishers[r]!]!.send(`pub ${id} ${payload}`);
      await Promise.race([done, sleep(15_000).then(() => Promise.reject(new Error(`baseline message ${id} did not reach every node`)))]);
      latencies.push(performance.now() - t0);
    }
    return latencies;
  } finally {
    for (const p of procs) p.child.kill("SIGTERM");
  }
}

const ours = await runAscendNet();
const sample = JSON.stringify(promptBody(1)).length + 700; // a signed record: body plus envelope and signatures
const baseline = await runBaseline(sample);
const r = (x: number) => Math.round(x * 10) / 10;
const p50 = percentile(ours, 50);
const b50 = percentile(baseline, 50);
printTable(`catalog-propagation (${NODES} processes on loopback, ${RECORDS} records from random nodes; publish to last node)`, [
  { run: "AscendNet catalog (API publish: sign, gossip, validate, store, event)", p50_ms: r(p50), p99_ms: r(percentile(ours, 99)) },
  { run: `bare gossipsub, ${sample}-byte payloads`, p50_ms: r(b50), p99_ms: r(percentile(baseline, 99)) },
]);
console.log("goals: p50 <= 100 ms, p99 <= 300 ms, ratio to bare gossipsub <= 1.3");
console.log(
  JSON.stringify({ bench: "catalog-propagation", nodes: NODES, p50_ms: r(p50), p99_ms: r(percentile(ours, 99)), baseline_p50_ms: r(b50), ratio: Math.round((p50 / b50) * 100) / 100 }),
);
