// Baseline for catalog-propagation: the node's own libp2p configuration (buildLibp2p: transports,
// Kademlia, gossipsub and its score parameters) without the catalog: payloads are published raw on
// a topic with no validator, no signing of records, no store, index, API or events. The same dial
// plan then gives the same connectivity as the nodes, so the ratio is what the catalog adds.
// Driven over stdin/stdout by bench/catalog-propagation.ts: prints its address, then `recv <id>` for
// every message; reads `dial <multiaddr>` and `pub <id> <payload>` lines.
import { createInterface } from "node:readline";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { multiaddr } from "@multiformats/multiaddr";
import { buildLibp2p } from "../node-service/p2p/libp2p.ts";
import { Reputation } from "../node-service/p2p/reputation.ts";

const TOPIC = "/bench/baseline/1";
const node = await buildLibp2p({
  privateKey: await generateKeyPair("Ed25519"),
  host: "127.0.0.1",
  port: 0,
  announce: [],
  bootstrap: [],
  mdns: false,
  agentVersion: "ascendnet-baseline/0",
  reputation: new Reputation({ allow: [], deny: [], bans: [], onBan: () => undefined }),
  recordTopics: [TOPIC],
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
