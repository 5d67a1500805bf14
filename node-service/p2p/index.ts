import type { PrivateKey } from "@libp2p/interface";
import type { Logger } from "../utils/logger.ts";
import { buildLibp2p, type AscendLibp2p } from "./libp2p.ts";
import { PeerManager, type PeerChange, type PeerInfo } from "./peers.ts";

export type { PeerChange, PeerInfo } from "./peers.ts";
export { PROTOCOL_PREFIX } from "./libp2p.ts";
export { callRpc, serveRpc, RpcError, type RpcLimits } from "./rpc.ts";

export interface P2POptions {
  privateKey: PrivateKey;
  host: string;
  port: number;
  announce: string[];
  bootstrap: string[];
  mdns: boolean;
  agentVersion: string;
  log: Logger;
}

/** The mesh as the rest of the node sees it. */
export interface P2PService {
  readonly peerId: string;
  /** the addresses peers can dial this node on, with /p2p/<peerId> */
  addresses(): string[];
  peers(): PeerInfo[];
  readonly peerCount: number;
  onPeerChange(fn: (c: PeerChange) => void): () => void;
  /** the underlying node, for the catalog's gossip and sync protocols */
  readonly libp2p: AscendLibp2p;
  stop(): Promise<void>;
}

export async function startP2P(opts: P2POptions): Promise<P2PService> {
  const node = await buildLibp2p(opts);
  const peers = new PeerManager(node);
  peers.onChange((c) => opts.log.debug({ module: "p2p", peer: c.peer.peerId, action: c.action }, `peer ${c.action}`));
  await node.start();
  peers.start();
  const addresses = () => node.getMultiaddrs().map((ma) => ma.toString());
  opts.log.info({ module: "p2p", addresses: addresses() }, `mesh listening on ${addresses().join(", ")}`);
  return {
    peerId: node.peerId.toString(),
    addresses,
    peers: () => peers.list(),
    get peerCount() {
      return peers.count;
    },
    onPeerChange: (fn) => peers.onChange(fn),
    libp2p: node,
    stop: async () => {
      peers.stop();
      await node.stop();
    },
  };
}
