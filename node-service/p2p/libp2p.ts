import { createHash } from "node:crypto";
import { bootstrap } from "@libp2p/bootstrap";
import { gossipsub } from "@libp2p/gossipsub";
import { identify, identifyPush } from "@libp2p/identify";
import type { PrivateKey } from "@libp2p/interface";
import { kadDHT, passthroughMapper, removePublicAddressesMapper } from "@libp2p/kad-dht";
import { mdns } from "@libp2p/mdns";
import { noise } from "@libp2p/noise";
import { ping } from "@libp2p/ping";
import { tcp } from "@libp2p/tcp";
import { yamux } from "@libp2p/yamux";
import type { Multiaddr } from "@multiformats/multiaddr";
import { createLibp2p, type Libp2pOptions as Libp2pInit } from "libp2p";
import { BAN_THRESHOLD, type Reputation } from "./reputation.ts";

export const PROTOCOL_PREFIX = "/ascendnet";

export interface Libp2pOptions {
  privateKey: PrivateKey;
  host: string;
  port: number;
  announce: string[];
  bootstrap: string[];
  mdns: boolean;
  agentVersion: string;
  reputation: Reputation;
  /** topics that carry signed records: scored for first deliveries and invalid messages (P2, P4) */
  recordTopics: string[];
}

function isLoopback(host: string): boolean {
  return host === "::1" || host.startsWith("127.");
}

/** True for /ip4/127.x and /ip6/::1 addresses: the only ones a loopback-only node may dial. */
function loopbackAddress(ma: Multiaddr): boolean {
  const [first] = ma.getComponents();
  return (first?.name === "ip4" && first.value?.startsWith("127.")) || (first?.name === "ip6" && first.value === "::1");
}

/**
 * Without a fast message id gossipsub checks the signature of every copy of a message before it
 * finds the copy a duplicate, and on a well-connected mesh each message arrives from several peers.
 * The id hashes every byte that the signature covers and the signature itself, so only a copy
 * identical to a message already validated can match.
 */
export function gossipFastMsgId(msg: { from?: Uint8Array; seqno?: Uint8Array; topic: string; data?: Uint8Array; signature?: Uint8Array }): string {
  const hash = createHash("sha256").update(msg.topic);
  for (const part of [msg.from, msg.seqno, msg.data, msg.signature]) {
    hash.update(String(part?.length ?? -1)).update(":");
    if (part) hash.update(part);
  }
  return hash.digest("base64");
}

/**
 * Score parameters for a topic of signed records (see docs/ARCHITECTURE.md, "Peer scoring"). Record
 * traffic is bursty and often quiet for minutes, so silence in the mesh is never punished (P3, P3b
 * off); first deliveries earn a little (P2, at most +10), time in the mesh less (P1, at most +6), and
 * each invalid record costs its square (P4), on top of the application penalty (P5).
 */
const RECORD_TOPIC_SCORE = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 600,
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.99,
  firstMessageDeliveriesCap: 20,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -1,
  invalidMessageDeliveriesDecay: 0.99,
};

/** The node's services; gossipsub's score parameters read the reputation through `opts`. */
function services(opts: Libp2pOptions) {
  const loopbackOnly = isLoopback(opts.host);
  return {
    identify: identify(),
    identifyPush: identifyPush(),
    ping: ping(),
    dht: kadDHT({
      protocol: `${PROTOCOL_PREFIX}/kad/1.0.0`,
      clientMode: false,
      // the default mapper drops loopback and LAN addresses, which is all a local mesh has
      peerInfoMapper: loopbackOnly ? removePublicAddressesMapper : passthroughMapper,
    }),
    pubsub: gossipsub({
      allowPublishToZeroTopicPeers: true,
      fastMsgIdFn: gossipFastMsgId,
      ignoreDuplicatePublishError: true,
      // P5: this node's own judgement of the peer (invalid records, spam) is its gossip score. Below
      // -10 it gets no gossip from us, below -50 none of our publishes; graylisting (no processing
      // of its messages) sits at the ban threshold, so a misbehaving peer is still heard, and
      // charged, until it is banned outright rather than lingering muted but connected.
      scoreParams: {
        appSpecificScore: (peer: string) => -opts.reputation.penalty(peer),
        appSpecificWeight: 1,
        // P6 (IP colocation) defends a public mesh against many identities on one address; a
        // local devnet is all 127.0.0.1 and would otherwise graylist itself beyond 10 nodes
        IPColocationFactorWhitelist: new Set(["127.0.0.1", "::1"]),
        topics: Object.fromEntries(opts.recordTopics.map((topic) => [topic, RECORD_TOPIC_SCORE])),
      },
      scoreThresholds: { gossipThreshold: -10, publishThreshold: -50, graylistThreshold: -BAN_THRESHOLD },
    }),
  };
}

type ServiceFactories = ReturnType<typeof services>;
export type AscendServices = { [K in keyof ServiceFactories]: ReturnType<ServiceFactories[K]> };
export type AscendLibp2pInit = Libp2pInit<AscendServices>;

/**
 * The libp2p node's options: TCP, noise, yamux, identify, ping, Kademlia under /ascendnet, gossipsub
 * with strict signing, discovery through the configured bootstrap peers and (optionally) mDNS.
 * Nothing public is dialled unless configured. Unstarted, so that listeners attach before traffic.
 * Separate from `buildLibp2p` because the embedded IPFS node (Helia) creates the node from them:
 * one libp2p per node, shared by the mesh and bitswap.
 */
export function libp2pOptions(opts: Libp2pOptions): AscendLibp2pInit {
  const loopbackOnly = isLoopback(opts.host);
  const ipVersion = opts.host.includes(":") ? "ip6" : "ip4";
  return {
    privateKey: opts.privateKey,
    start: false,
    nodeInfo: { name: "ascendnet", version: opts.agentVersion.split("/")[1] ?? "0", userAgent: opts.agentVersion },
    addresses: { listen: [`/${ipVersion}/${opts.host}/tcp/${opts.port}`], announce: opts.announce },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [
      ...(opts.bootstrap.length > 0 ? [bootstrap({ list: opts.bootstrap, timeout: 0 })] : []),
      ...(opts.mdns ? [mdns({ serviceTag: "ascendnet.local" })] : []),
    ],
    connectionGater: {
      // A node bound to loopback is a local mesh (tests, a devnet): it never dials beyond this machine.
      denyDialMultiaddr: (ma: Multiaddr) => loopbackOnly && !loopbackAddress(ma),
      // banned and deny-listed peers are refused both ways, before any protocol runs
      denyDialPeer: (peer) => opts.reputation.isRefused(peer.toString()),
      denyInboundEncryptedConnection: (peer) => opts.reputation.isRefused(peer.toString()),
      denyOutboundEncryptedConnection: (peer) => opts.reputation.isRefused(peer.toString()),
    },
    services: services(opts),
  };
}

/** A bare libp2p node (no IPFS) with the node's options: for a Kubo-backed node, tests and benchmarks. */
export function buildLibp2p(opts: Libp2pOptions) {
  return createLibp2p(libp2pOptions(opts));
}

export type AscendLibp2p = Awaited<ReturnType<typeof buildLibp2p>>;
