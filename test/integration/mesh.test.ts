import assert from "node:assert/strict";
import { join } from "node:path";
import { EventTap } from "../helpers/events.ts";
import { NodeProcess, PASSWORD, runCli, tempDir } from "../helpers/node_process.ts";

type Peers = { peerId: string; addresses: string[]; peers: Array<{ peerId: string; addresses: string[]; latencyMs: number | null; agentVersion: string | null; since: number }> };

const peersOf = async (n: NodeProcess) => (await (await n.fetch("/api/network/peers")).json()) as Peers;

describe("mesh: real libp2p nodes over loopback TCP", function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];
  beforeEach(() => (dir = tempDir()));
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    dir.remove();
  });

  async function start(name: string, bootstrap?: string): Promise<NodeProcess> {
    const node = NodeProcess.start(join(dir.path, name), { args: bootstrap ? ["--bootstrap", bootstrap] : [] });
    nodes.push(node);
    await node.ready();
    return node;
  }

  it("joins through a bootstrap peer and shows peers live, with latency and agent version", async () => {
    const a = await start("a");
    const self = await peersOf(a);
    assert.equal(self.peers.length, 0);
    assert.ok(self.addresses.every((x) => x.startsWith("/ip4/127.0.0.1/tcp/") && x.endsWith(`/p2p/${self.peerId}`)), "loopback only");
    const tap = await EventTap.open(a.lock!.port, a.lock!.token);
    try {
      const b = await start("b", self.addresses[0]);
      const c = await start("c", self.addresses[0]);
      const bId = (await peersOf(b)).peerId;
      const cId = (await peersOf(c)).peerId;
      await tap.waitFor("peer", (e) => e.action === "connected" && e.peer.peerId === bId);
      await tap.waitFor("peer", (e) => e.action === "connected" && e.peer.peerId === cId);
      await tap.waitFor("peer", (e) => e.peer.peerId === bId && e.peer.agentVersion !== null && e.peer.latencyMs !== null);
      const listed = await peersOf(a);
      const bInfo = listed.peers.find((p) => p.peerId === bId);
      assert.ok(bInfo, "B is listed");
      assert.equal(bInfo.agentVersion, "ascendnet/0.1.0");
      assert.equal(typeof bInfo.latencyMs, "number");
      assert.ok(bInfo.addresses.every((x) => x.startsWith("/ip4/127.0.0.1/")));
      assert.ok(listed.peers.some((p) => p.peerId === cId), "C is listed");
      const health = (await (await a.fetch("/api/health")).json()) as { peers: number; subsystems: { p2p: string } };
      assert.equal(health.peers, 2);
      assert.equal(health.subsystems.p2p, "ready");

      await b.stop();
      await tap.waitFor("peer", (e) => e.action === "disconnected" && e.peer.peerId === bId);
      assert.ok(!(await peersOf(a)).peers.some((p) => p.peerId === bId), "B is gone from the list");
    } finally {
      tap.close();
    }
  });

  it("keeps the same PeerId on the mesh as in its health", async () => {
    const a = await start("a");
    const health = (await (await a.fetch("/api/health")).json()) as { peerId: string };
    assert.equal((await peersOf(a)).peerId, health.peerId);
  });

  it("refuses bootstrap entries that are not multiaddrs naming a peer", async () => {
    const env = { ASCENDNET_PASSWORD: PASSWORD };
    const noPeer = await runCli(["node", "start", "--data-dir", join(dir.path, "x"), "--bootstrap", "/ip4/127.0.0.1/tcp/4001"], { env });
    assert.equal(noPeer.code, 2);
    assert.match(noPeer.output, /bootstrap\.0 '\/ip4\/127\.0\.0\.1\/tcp\/4001' is not a multiaddr ending in \/p2p\/<peerId> \(from flags\)/);
    const garbage = await runCli(["node", "start", "--data-dir", join(dir.path, "x")], { env: { ...env, ASCENDNET_BOOTSTRAP: "/not/a/multiaddr" } });
    assert.equal(garbage.code, 2);
    assert.match(garbage.output, /bootstrap\.0 .*\(from environment\)/);
  });
});
