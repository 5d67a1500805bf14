import assert from "node:assert/strict";
import { join } from "node:path";
import { converged, digestOf, promptBody, publish } from "../helpers/catalog.ts";
import { EventTap } from "../helpers/events.ts";
import { NodeProcess, tempDir } from "../helpers/node_process.ts";

type Peers = { addresses: string[] };

describe("catalog: signed records every node converges on", function () {
  this.timeout(120_000);
  let dir: ReturnType<typeof tempDir>;
  let nodes: NodeProcess[] = [];
  before(async () => {
    dir = tempDir();
    const a = NodeProcess.start(join(dir.path, "a"));
    await a.ready();
    const bootstrap = ((await (await a.fetch("/api/network/peers")).json()) as Peers).addresses[0]!;
    nodes = [a, ...["b", "c", "d", "e"].map((n) => NodeProcess.start(join(dir.path, n), { args: ["--bootstrap", bootstrap] }))];
    await Promise.all(
      nodes.map(async (n) => {
        await n.ready();
        const tap = await EventTap.open(n.lock!.port, n.lock!.token);
        await tap.walletReady();
        tap.close();
      }),
    );
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    dir.remove();
  });

  it("shows a record published on one node on all five, with equal digests", async () => {
    const taps = await Promise.all(nodes.map((n) => EventTap.open(n.lock!.port, n.lock!.token)));
    try {
      const { record } = await publish(nodes[2]!, "first", promptBody(1));
      await Promise.all(taps.map((t) => t.waitFor("catalog", (e) => e.id === record.id && e.action === "added", 15_000)));
      await converged(nodes, 1 + nodes.length); // the listing and each node's announcement
      const listed = (await (await nodes[4]!.fetch("/api/prompts/list?text=number")).json()) as { total: number; items: Array<{ record: { id: string } }> };
      assert.equal(listed.total, 1);
      assert.equal(listed.items[0]!.record.id, record.id);
      // one listing by id, as the list answers it (the extension's detail panel reads it so)
      const one = await nodes[4]!.fetch(`/api/prompts/get?id=${encodeURIComponent(record.id)}`);
      assert.equal(one.status, 200);
      const { score: _, ...hit } = listed.items[0] as { score?: number };
      assert.deepEqual(await one.json(), hit);
      const missing = await nodes[4]!.fetch(`/api/prompts/get?id=${encodeURIComponent(record.id + "x")}`);
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
    } finally {
      for (const t of taps) t.close();
    }
  });

  it("refuses to publish a record whose body breaks the schema, naming the field", async () => {
    const res = await nodes[0]!.fetch("/api/catalog/records", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "prompt", name: "bad", body: promptBody(2, { price: "-5" }) }),
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /price/);
    assert.equal((await digestOf(nodes[0]!)).size, 1 + nodes.length, "nothing was stored");
  });

  it("brings a node that was stopped while 1,000 records were published up to date on restart", async () => {
    const e = nodes[4]!;
    await e.stop();
    const publishers = nodes.slice(0, 4);
    for (let start = 0; start < 1000; start += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, i) => publish(publishers[(start + i) % 4]!, `bulk-${start + i}`, promptBody(start + i))));
    }
    await converged(publishers, 1001 + nodes.length);
    const bootstrap = ((await (await nodes[0]!.fetch("/api/network/peers")).json()) as Peers).addresses[0]!;
    const restarted = NodeProcess.start(e.dataDir, { args: ["--bootstrap", bootstrap] });
    nodes[4] = restarted;
    await restarted.ready();
    const digest = await converged(nodes, 1001 + nodes.length, 30_000);
    assert.equal((await digestOf(restarted)).digest, digest);
  });
});
