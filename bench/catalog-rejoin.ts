// catalog-rejoin: a node is offline while N listings are published on the mesh; measured from its
// restart (process spawn) until its catalog digest equals the mesh's.
import { join } from "node:path";
import { converged, digestOf, promptBody, publish } from "../test/helpers/catalog.ts";
import { EventTap } from "../test/helpers/events.ts";
import { NodeProcess, tempDir } from "../test/helpers/node_process.ts";
import { printTable } from "./_stats.ts";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 10_000);
const dir = tempDir("ascendnet-bench-rejoin-");
const nodes: NodeProcess[] = [];
try {
  const a = NodeProcess.start(join(dir.path, "a"));
  nodes.push(a);
  await a.ready();
  const bootstrap = ((await (await a.fetch("/api/network/peers")).json()) as { addresses: string[] }).addresses[0]!;
  const b = NodeProcess.start(join(dir.path, "b"), { args: ["--bootstrap", bootstrap] });
  nodes.push(b);
  await b.ready();
  for (const n of [a, b]) {
    const tap = await EventTap.open(n.lock!.port, n.lock!.token);
    await tap.walletReady();
    tap.close();
  }
  await b.stop();
  nodes.pop();
  const t0 = performance.now();
  for (let start = 0; start < RECORDS; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, RECORDS - start) }, (_, i) => publish(a, `r-${start + i}`, promptBody(start + i))));
  }
  console.log(`published ${RECORDS} listings on the online node in ${Math.round(performance.now() - t0)} ms`);
  const target = await digestOf(a);

  const t1 = performance.now();
  const back = NodeProcess.start(join(dir.path, "b"), { args: ["--bootstrap", bootstrap] });
  nodes.push(back);
  await back.ready();
  const readyMs = performance.now() - t1;
  await converged([a, back], target.size, 60_000);
  const catchupMs = performance.now() - t1;
  printTable("catalog-rejoin (one node offline while the listings were published)", [
    { records: RECORDS, restart_to_api_ms: Math.round(readyMs), restart_to_full_catalog_ms: Math.round(catchupMs), sync_after_ready_ms: Math.round(catchupMs - readyMs) },
  ]);
  console.log("goal: full catalog <= 2000 ms after reconnect");
  console.log(JSON.stringify({ bench: "catalog-rejoin", records: RECORDS, catchup_ms: Math.round(catchupMs), sync_ms: Math.round(catchupMs - readyMs) }));
} finally {
  await Promise.all(nodes.map((n) => n.stop()));
  dir.remove();
}
