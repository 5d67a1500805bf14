// Baseline for catalog-propagation: a bare libp2p + gossipsub node (same transports, no catalog, no
// validation). Driven over stdin/stdout by bench/catalog-propagation.ts: prints its address, then
// `recv <id>` for every message; reads `dial <multiaddr>` and `pub <id> <payload>` lines.
import { createInterface } from "node:readline";
import { gossipsub } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import { noise } from "@libp2p/noise";
import { tcp } from "@libp2p/tcp";
import { yamux } from "@libp2p/yamux";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";

const TOPIC = "/bench/baseline/1";
const node = await createLibp2p({
  start: false,
  addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  connectionGater: { denyDialMultiaddr: (ma) => !ma.toString().startsWith("/ip4/127.") },
  services: {
    identify: identify(),
    // every process is on 127.0.0.1: without this, IP colocation scoring graylists peers past 10 nodes
    pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, scoreParams: { IPColocationFactorWhitelist: new Set(["127.0.0.1"]) } }),
  },
});
node.services.pubsub.addEventListener("message", (e) => {
  if (e.detail.topic !== TOPIC) return;
  const id = new TextDecoder().decode(e.detail.data).split(" ", 1)[0];
  process.stdout.write(`recv ${id}\n`);
});
await node.start();
node.services.pubsub.subscribe(TOPIC);
process.stdout.write(`addr ${node.getMultiaddrs()[0]!.toString()}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg, ...rest] = line.split(" ");
  if (cmd === "dial") await node.dial(multiaddr(arg!)).catch((err: Error) => process.stderr.write(`dial failed: ${err.message}\n`));
  if (cmd === "pub") await node.services.pubsub.publish(TOPIC, new TextEncoder().encode(`${arg} ${rest.join(" ")}`));
}
await node.stop();
