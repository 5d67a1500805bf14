// One side of bench/ipfs-transfer: the node's own composition of the mesh and embedded IPFS
// (startP2P creating its libp2p node through HeliaContentStore, as node.ts does), without the
// catalog, wallet or HTTP API, whose 64 KiB body limit would not carry 10 MB.
// Driven over stdin/stdout: prints `addr <multiaddr>`; reads `dial <multiaddr>`, `add <bytes>`
// (random content, answers `added <cid> <ms>`), `get <cid>` (answers `got <bytes> <ms>`), `rss`.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { pino } from "pino";
import { startP2P } from "../node-service/p2p/index.ts";
import { HeliaContentStore } from "../node-service/storage/index.ts";

const dataDir = mkdtempSync(join(tmpdir(), "ascendnet-bench-ipfs-"));
const log = pino({ level: "warn" });
let store: HeliaContentStore | undefined;
const p2p = await startP2P({
  privateKey: await generateKeyPair("Ed25519"),
  host: "127.0.0.1",
  port: 0,
  announce: [],
  bootstrap: [],
  mdns: false,
  agentVersion: "ascendnet-bench/0",
  recordTopics: [],
  log,
  allowPeers: [],
  denyPeers: [],
  bans: [],
  saveBans: async () => undefined,
  createNode: async (init) => {
    store = await HeliaContentStore.open({ dataDir, libp2p: init, log });
    return store.libp2p;
  },
});
const content = store!;
const reply = (line: string) => process.stdout.write(`${line}\n`);
reply(`addr ${p2p.addresses()[0]}`);
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.split(" ");
  const t0 = performance.now();
  try {
    if (cmd === "dial") reply(`dialled ${await p2p.dial(arg!)}`);
    if (cmd === "add") reply(`added ${await content.add(randomBytes(Number(arg)))} ${performance.now() - t0}`);
    if (cmd === "get") reply(`got ${(await content.get(arg!, { timeoutMs: 120_000 })).length} ${performance.now() - t0}`);
    if (cmd === "rss") reply(`rss ${process.memoryUsage().rss}`);
  } catch (err) {
    reply(`error ${(err as Error).message}`);
  }
}
await p2p.stop();
await content.close();
rmSync(dataDir, { recursive: true, force: true });
