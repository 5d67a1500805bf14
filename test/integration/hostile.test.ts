import assert from "node:assert/strict";
import { join } from "node:path";
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr } from "@multiformats/multiaddr";
import { Wallet } from "ethers";
import { CATALOG_TOPIC, encodeRecord, makeWalletProof, ownedId, signRecord, type UnsignedRecord } from "../../node-service/catalog/index.ts";
import { canonicalBytes } from "../../node-service/catalog/signing.ts";
import { buildLibp2p, type AscendLibp2p } from "../../node-service/p2p/libp2p.ts";
import { Reputation } from "../../node-service/p2p/reputation.ts";
import { catalogIdentity, converged, digestOf, promptBody, publish } from "../helpers/catalog.ts";
import { EventTap } from "../helpers/events.ts";
import { NodeProcess, tempDir } from "../helpers/node_process.ts";

type Network = { addresses: string[]; peers: Array<{ peerId: string; score: number }>; bans: Array<{ peerId: string; reason: string }> };
const network = async (n: NodeProcess) => (await (await n.fetch("/api/network/peers")).json()) as Network;

/** Resolves when `check` holds; the node offers no event for scores, so this asks its API. */
async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A hostile peer in this test process: a real libp2p node with gossipsub that publishes whatever it is told. */
async function attacker() {
  const { privateKey, peerId, keys } = await catalogIdentity();
  const node: AscendLibp2p = await buildLibp2p({
    privateKey,
    host: "127.0.0.1",
    port: 0,
    announce: [],
    bootstrap: [],
    mdns: false,
    agentVersion: "ascendnet/0.1.0",
    recordTopics: [CATALOG_TOPIC],
    reputation: new Reputation({ allow: [], deny: [], bans: [], onBan: () => undefined }),
  });
  await node.start();
  node.services.pubsub.subscribe(CATALOG_TOPIC);
  const sign = (name: string, n: number) => signRecord({ kind: "prompt", id: ownedId(peerId, name), version: 1, createdAt: Date.now(), body: promptBody(n) } as UnsignedRecord, keys);
  const send = (bytes: Uint8Array) => node.services.pubsub.publish(CATALOG_TOPIC, bytes);
  /** a node announcement claiming `victimWallet`, correctly signed by the attacker's key but with a wallet proof from another wallet */
  const stolenBinding = async (victimWallet: string) => {
    const owner = { ...(await makeWalletProof(Wallet.createRandom(), peerId)), wallet: victimWallet };
    const body = { wallet: victimWallet, multiaddrs: [], resources: { cpus: 1, memoryMb: 1, gpu: false, diskMb: 0 }, prices: { perCpuSecondWei: "0", perGbWei: "0" }, runtimes: [], agentVersion: "x/1" };
    const draft = { kind: "node", id: peerId, version: 1, createdAt: Date.now(), body, owner };
    const signature = Buffer.from(await privateKey.sign(canonicalBytes(draft))).toString("base64url");
    return Buffer.from(JSON.stringify({ ...draft, signature }));
  };
  return { node, peerId, sign, send, stolenBinding };
}

describe("hostile peers: forged, oversized, replayed and spam records", function () {
  this.timeout(120_000);
  let dir: ReturnType<typeof tempDir>;
  let a: NodeProcess;
  let b: NodeProcess;
  let evil: Awaited<ReturnType<typeof attacker>> | undefined;

  before(async () => {
    dir = tempDir();
    a = NodeProcess.start(join(dir.path, "a"));
    await a.ready();
    b = NodeProcess.start(join(dir.path, "b"), { args: ["--bootstrap", (await network(a)).addresses[0]!] });
    await b.ready();
    for (const n of [a, b]) {
      const tap = await EventTap.open(n.lock!.port, n.lock!.token);
      await tap.walletReady();
      tap.close();
    }
  });
  after(async () => {
    await evil?.node.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    dir.remove();
  });

  it("rejects a node announcement whose wallet never bound the sender's PeerId", async () => {
    const before = await converged([a, b], 2); // both node announcements
    const impostor = await attacker();
    try {
      const target = multiaddr((await network(a)).addresses[0]!);
      await impostor.node.dial(target);
      const aId = peerIdFromString(target.getComponents().find((c) => c.name === "p2p")!.value!);
      await until("the impostor to join the catalog topic", async () => impostor.node.services.pubsub.getSubscribers(CATALOG_TOPIC).some((p) => p.equals(aId)));
      const aWallet = ((await (await a.fetch("/api/health")).json()) as { wallet: { address: string } }).wallet.address;
      await impostor.send(await impostor.stolenBinding(aWallet));
      await until("the rejection", async () => /owner\.walletProof mismatch/.test(a.output));
      assert.equal((await digestOf(a)).digest, before, "the impostor's announcement was not stored");
    } finally {
      await impostor.node.stop();
    }
  });

  it("drops invalid records, lowers the sender's score, then bans it; honest catalogs stay as they were", async () => {
    const honest = await publish(a, "honest", promptBody(1));
    const before = await converged([a, b], 3); // the listing and both node announcements
    evil = await attacker();
    const target = multiaddr((await network(a)).addresses[0]!);
    await evil.node.dial(target);
    const aId = peerIdFromString(target.getComponents().find((c) => c.name === "p2p")!.value!);
    await until("the attacker to join the catalog topic", async () => evil!.node.services.pubsub.getSubscribers(CATALOG_TOPIC).some((p) => p.equals(aId)));

    // a record whose body was changed after signing
    const good = await evil.sign("forged", 2);
    const forged = { ...good, body: { ...good.body, title: "Free money" } };
    await evil.send(Buffer.from(JSON.stringify(forged)));
    // a message over the 16 KiB record limit
    await evil.send(new Uint8Array(20_000).fill(65));
    // the honest record, resent five times
    const replay = await (await a.fetch(`/api/prompts/list?text=number`)).json() as { items: Array<{ record: unknown }> };
    assert.equal(replay.items.length, 1);
    for (let i = 0; i < 5; i++) await evil.send(Buffer.from(JSON.stringify({ ...(replay.items[0]!.record as object) })));

    const scored = await until("the attacker's score to drop", async () => {
      const me = (await network(a)).peers.find((p) => p.peerId === evil!.peerId);
      return me && me.score < 0 ? me : undefined;
    });
    assert.ok(scored.score < 0, `score ${scored.score}`);
    assert.equal((await digestOf(a)).digest, before, "nothing forged entered A's catalog");
    assert.equal((await digestOf(b)).digest, before, "nor B's");
    assert.match(a.output, /bad signature/);
    assert.match(a.output, /20000 bytes \(limit 16384\)/);
    assert.ok(honest.record.id);

    // a flood of valid records, signed first and then sent as fast as gossip takes them: far above
    // the per-author rate (a burst of 500, then 50 a second)
    const flood = await Promise.all(Array.from({ length: 1000 }, (_, i) => evil!.sign(`spam-${i}`, 100 + i)));
    const floodStart = Date.now();
    await Promise.all(flood.map((r) => evil!.send(encodeRecord(r))));
    const banned = await until("the ban", async () => (await network(a)).bans.find((x) => x.peerId === evil!.peerId));
    assert.match(banned.reason, /above the gossip rate/);
    await until("the attacker to be disconnected", async () => !(await network(a)).peers.some((p) => p.peerId === evil!.peerId));
    const accepted = (await digestOf(a)).size - 3;
    const allowed = 500 + 50 * ((Date.now() - floodStart) / 1000);
    assert.ok(accepted <= allowed && accepted < flood.length, `only the rate's worth of the flood was taken (${accepted} of ${flood.length}, allowed ${Math.floor(allowed)})`);
    // the handshake can complete on the dialler's side before the node refuses it, so try to use it
    await assert.rejects(evil.node.services.ping.ping(target, { signal: AbortSignal.timeout(5_000) }), "the banned peer cannot reconnect");
    assert.ok(!(await network(a)).peers.some((p) => p.peerId === evil!.peerId));
  });

  it("keeps the ban across a restart", async () => {
    const dataDir = a.dataDir;
    await a.stop();
    a = NodeProcess.start(dataDir);
    await a.ready();
    assert.ok((await network(a)).bans.some((x) => x.peerId === evil!.peerId));
    const target = multiaddr((await network(a)).addresses[0]!);
    await assert.rejects(evil!.node.services.ping.ping(target, { signal: AbortSignal.timeout(5_000) }));
    assert.ok(!(await network(a)).peers.some((p) => p.peerId === evil!.peerId));
  });
});
