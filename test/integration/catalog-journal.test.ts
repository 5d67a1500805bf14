// The catalog a node keeps on disk: back after a restart with no peer to sync from, and a damaged
// file costs only the damaged lines.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { converged, promptBody, publish } from "../helpers/catalog.ts";
import { EventTap } from "../helpers/events.ts";
import { NodeProcess, tempDir } from "../helpers/node_process.ts";

describe("catalog on disk", function () {
  this.timeout(60_000);
  const dir = tempDir("ascendnet-journal-");
  const dataDir = join(dir.path, "alone");
  let node: NodeProcess | undefined;
  after(async () => {
    await node?.stop();
    dir.remove();
  });

  /** The listings a user would see: id and version of each (the node re-announces itself on every start). */
  async function listings(n: NodeProcess): Promise<string[]> {
    const listed = (await (await n.fetch("/api/prompts/list?sort=newest")).json()) as { items: Array<{ record: { id: string; version: number } }> };
    return listed.items.map((i) => `${i.record.id} v${i.record.version}`).sort();
  }

  async function start(): Promise<NodeProcess> {
    node = NodeProcess.start(dataDir);
    await node.ready();
    const tap = await EventTap.open(node.lock!.port, node.lock!.token);
    await tap.walletReady(30_000);
    tap.close();
    return node;
  }

  it("shows the same catalog after a restart, with no peer to sync from", async () => {
    const first = await start();
    for (let i = 0; i < 3; i++) await publish(first, `kept-${i}`, promptBody(i));
    await converged([first], 4); // three listings and the node's announcement
    const before = await listings(first);
    assert.equal(before.length, 3);
    await first.stop();
    const journal = join(dataDir, "catalog.jsonl");
    assert.equal(statSync(journal).mode & 0o777, 0o600);
    assert.equal(readFileSync(journal, "utf8").trim().split("\n").length, 4);

    const again = await start();
    await converged([again], 4);
    assert.deepEqual(await listings(again), before, "the same listings, in the search index too");
  });

  it("skips damaged lines (a crash mid-write, a changed record) and keeps the rest", async () => {
    const before = await listings(node!);
    await node!.stop();
    const journal = join(dataDir, "catalog.jsonl");
    const good = readFileSync(journal, "utf8").trim().split("\n").find((l) => l.includes("Prompt number"))!;
    appendFileSync(journal, good.replace("Prompt number", "Changed number") + "\n" + good.slice(0, 40));
    const again = await start();
    await converged([again], 4);
    assert.deepEqual(await listings(again), before);
    await again.waitForOutput(/skipped 2 damaged lines of .*catalog\.jsonl/);
    await again.stop();
    // rewritten without them when loaded; the node's new announcement was appended after that
    const lines = readFileSync(journal, "utf8").trim().split("\n");
    assert.ok(lines.every((l) => !l.includes("Changed number")) && lines.length <= 5, `${lines.length} lines`);
  });
});
