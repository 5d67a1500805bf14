import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MAX_API_CONTENT_BYTES } from "../../node-service/api/protocol.ts";
import { contentCid } from "../../node-service/storage/index.ts";
import { NodeProcess, tempDir } from "../helpers/node_process.ts";

type Content = { cid: string; size: number; pinned: boolean; data: string };
type ErrorBody = { error: { code: string; message: string } };

async function addContent(node: NodeProcess, bytes: Uint8Array): Promise<string> {
  const res = await node.fetch("/api/content", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: Buffer.from(bytes).toString("base64") }) });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { cid: string; size: number };
  assert.equal(body.size, bytes.length);
  return body.cid;
}

function getContent(node: NodeProcess, cid: string, timeoutMs = 10_000): Promise<Response> {
  return node.fetch(`/api/content?cid=${encodeURIComponent(cid)}&timeoutMs=${timeoutMs}`);
}

async function mesh(node: NodeProcess): Promise<{ peerId: string; addresses: string[]; peers: Array<{ peerId: string }> }> {
  return (await (await node.fetch("/api/network/peers")).json()) as { peerId: string; addresses: string[]; peers: Array<{ peerId: string }> };
}

/** Connects `from` to `to` through the API: resolves once the connection stands. */
async function connect(from: NodeProcess, to: NodeProcess): Promise<void> {
  const res = await from.fetch("/api/network/dial", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ multiaddr: (await mesh(to)).addresses[0] }) });
  assert.equal(res.status, 200, await res.clone().text());
}

describe("content: embedded IPFS between real nodes over loopback", function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];
  beforeEach(() => (dir = tempDir()));
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    dir.remove();
  });

  async function start(name: string): Promise<NodeProcess> {
    const node = NodeProcess.start(join(dir.path, name));
    nodes.push(node);
    await node.ready();
    return node;
  }

  async function restart(node: NodeProcess): Promise<NodeProcess> {
    nodes.splice(nodes.indexOf(node), 1);
    await node.stop();
    return start(node.dataDir.slice(dir.path.length + 1));
  }

  it("a peer fetches content by CID over bitswap on the mesh's own connection and gets identical bytes", async () => {
    const [a, b] = [await start("a"), await start("b")];
    const bytes = randomBytes(40_000);
    const cid = await addContent(a, bytes);
    assert.equal(cid, (await contentCid(bytes)).toString(), "the CID is the UnixFS CIDv1 of the bytes");
    await connect(b, a);
    const res = await getContent(b, cid);
    assert.equal(res.status, 200, await res.clone().text());
    const got = (await res.json()) as Content;
    assert.deepEqual(Buffer.from(got.data, "base64"), bytes);
    assert.equal(got.pinned, false, "fetched content is cached, not pinned");
    // one libp2p node per process: bitswap travels on the mesh connection, under the same PeerId
    assert.deepEqual((await mesh(a)).peers.map((p) => p.peerId), [(await mesh(b)).peerId]);
    for (const n of [a, b]) assert.equal(((await (await n.fetch("/api/health")).json()) as { subsystems: { ipfs: string } }).subsystems.ipfs, "ready");
  });

  it("keeps pinned content across a restart and serves it to a peer that never had it", async () => {
    let a = await start("a");
    const bytes = randomBytes(30_000);
    const cid = await addContent(a, bytes);
    a = await restart(a);
    const own = (await (await getContent(a, cid, 2_000)).json()) as Content;
    assert.equal(own.pinned, true);
    assert.deepEqual(Buffer.from(own.data, "base64"), bytes);
    const b = await start("b");
    await connect(b, a);
    const got = (await (await getContent(b, cid)).json()) as Content;
    assert.deepEqual(Buffer.from(got.data, "base64"), bytes);
  });

  it("gives up on a CID nobody has with an error that says so, and names a bad CID", async () => {
    const [a, b] = [await start("a"), await start("b")];
    await connect(b, a);
    const missing = (await contentCid(randomBytes(64))).toString();
    const res = await getContent(b, missing, 1_500);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as ErrorBody).error.message, `content ${missing} was not found on any connected peer within 1.5 s`);
    const bad = await getContent(b, "not-a-cid");
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as ErrorBody).error.message, /^cid: 'not-a-cid' is not a CID/);
  });

  it("never returns tampered content, from its own disk or from a peer", async () => {
    let a = await start("a");
    const bytes = randomBytes(20_000);
    const cid = await addContent(a, bytes);
    await a.stop();
    nodes.splice(nodes.indexOf(a), 1);
    const blocks = join(a.dataDir, "ipfs", "blocks");
    let tampered = 0;
    for (const entry of await readdir(blocks, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      const stored = await readFile(file);
      if (!stored.equals(bytes)) continue;
      stored.writeUInt8(stored.readUInt8(100) ^ 0xff, 100);
      await writeFile(file, stored);
      tampered++;
    }
    assert.equal(tampered, 1, "the content is one raw block on disk");
    a = await start("a");
    const own = await getContent(a, cid, 2_000);
    assert.equal(own.status, 409);
    assert.match(((await own.json()) as ErrorBody).error.message, new RegExp(`^content of ${cid} does not match its CID`));
    const b = await start("b");
    await connect(b, a);
    const fetched = await getContent(b, cid, 2_000);
    assert.equal(fetched.status, 404, "a block that fails its hash is dropped, so the fetch runs out of time");
    assert.match(((await fetched.json()) as ErrorBody).error.message, /was not found on any connected peer within 2 s/);
  });

  it("refuses content beyond what the API carries, naming the field", async () => {
    const a = await start("a");
    const post = (data: string) => a.fetch("/api/content", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data }) });
    const over = await post(Buffer.alloc(MAX_API_CONTENT_BYTES + 3).toString("base64"));
    assert.equal(over.status, 400);
    assert.match(((await over.json()) as ErrorBody).error.message, /^body: data/);
    const notBase64 = await post("!!!");
    assert.equal(notBase64.status, 400);
    assert.match(((await notBase64.json()) as ErrorBody).error.message, /^body: data/);
  });
});
