import assert from "node:assert/strict";
import { join } from "node:path";
import { converged, digestOf, promptBody, publish } from "../helpers/catalog.ts";
import { EventTap } from "../helpers/events.ts";
import { NodeProcess, tempDir } from "../helpers/node_process.ts";

const addressOf = async (n: NodeProcess) => ((await (await n.fetch("/api/network/peers")).json()) as { addresses: string[] }).addresses[0]!;

describe("partition: 2 | 3 nodes publishing apart, then healed", function () {
  this.timeout(120_000);
  let dir: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    dir?.remove();
  });

  it("converges on the union of both sides, with nothing lost", async () => {
    dir = tempDir();
    const start = async (name: string, bootstrap?: string) => {
      const n = NodeProcess.start(join(dir.path, name), { args: bootstrap ? ["--bootstrap", bootstrap] : [] });
      nodes.push(n);
      await n.ready();
      const tap = await EventTap.open(n.lock!.port, n.lock!.token);
      await tap.walletReady();
      tap.close();
      return n;
    };
    // two islands that know nothing of each other
    const a = await start("a");
    const b = await start("b", await addressOf(a));
    const c = await start("c");
    const d = await start("d", await addressOf(c));
    const e = await start("e", await addressOf(c));
    const left = [a, b];
    const right = [c, d, e];

    await Promise.all([...Array.from({ length: 30 }, (_, i) => publish(left[i % 2]!, `left-${i}`, promptBody(i))), ...Array.from({ length: 40 }, (_, i) => publish(right[i % 3]!, `right-${i}`, promptBody(100 + i)))]);
    const leftDigest = await converged(left, 30 + 2);
    const rightDigest = await converged(right, 40 + 3);
    assert.notEqual(leftDigest, rightDigest);

    // heal: one link between the islands, made through the API as an operator would
    const res = await b.fetch("/api/network/dial", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ multiaddr: await addressOf(d) }) });
    assert.equal(res.status, 200);
    const healedAt = Date.now();
    const digest = await converged(nodes, 30 + 40 + 5, 10_000);
    const took = Date.now() - healedAt;
    assert.ok(took < 5_000, `converged ${took} ms after healing (goal: within 5 s)`);
    for (const n of nodes) assert.equal((await digestOf(n)).digest, digest);
  });

  it("names what is wrong with a bad dial request", async () => {
    const n = nodes[0]!;
    const bad = await n.fetch("/api/network/dial", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ multiaddr: "/ip4/127.0.0.1/tcp/1" }) });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /must end in \/p2p\/<peerId>/);
  });
});
