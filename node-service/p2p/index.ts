import { multiaddr } from "@multiformats/multiaddr";
import { AscendError, errorMessage } from "../utils/errors.ts";
import type { Logger } from "../utils/logger.ts";
import { createLibp2p } from "libp2p";
import { libp2pOptions, type AscendLibp2p, type AscendLibp2pInit, type Libp2pOptions } from "./libp2p.ts";
import { PeerManager, type PeerChange, type PeerInfo } from "./peers.ts";
import { Reputation, type Ban } from "./reputation.ts";

export type { PeerChange, PeerInfo } from "./peers.ts";
export { PROTOCOL_PREFIX, type AscendLibp2p, type AscendLibp2pInit } from "./libp2p.ts";
export { callRpc, serveRpc, RpcError, type RpcLimits } from "./rpc.ts";
export { BAN_THRESHOLD, type Ban } from "./reputation.ts";

export interface P2POptions extends Omit<Libp2pOptions, "reputation"> {
  log: Logger;
  allowPeers: string[];
  denyPeers: string[];
  /** bans still in force from an earlier run */
  bans: Ban[];
  /** persists the ban list whenever it changes */
  saveBans: (bans: Ban[]) => Promise<void>;
  /**
   * Creates the libp2p node from the options this module decides (transports, gaters, services).
   * The embedded IPFS node passes its own, so that bitswap runs on the mesh's node; the node may
   * come back started. Default: a bare libp2p node.
   */
  createNode?: (init: AscendLibp2pInit) => Promise<AscendLibp2p>;
}

/** The mesh as the rest of the node sees it. */
export interface P2PService {
  readonly peerId: string;
  /** the addresses peers can dial this node on, with /p2p/<peerId> */
  addresses(): string[];
  peers(): PeerInfo[];
  readonly peerCount: number;
  onPeerChange(fn: (c: PeerChange) => void): () => void;
  /** charges a peer for misbehaviour; enough of it bans the peer */
  report(peerId: string, points: number, reason: string): void;
  /** false when `author` publishes records faster than the node accepts by gossip */
  takeAuthorToken(author: string): boolean;
  bans(): Ban[];
  /** connects to a peer by multiaddr (with /p2p/<peerId>) */
  dial(address: string): Promise<string>;
  /** the underlying node, for the catalog's gossip and sync protocols */
  readonly libp2p: AscendLibp2p;
  stop(): Promise<void>;
}

export async function startP2P(opts: P2POptions): Promise<P2PService> {
  let hangUp: (peerId: string) => void = () => undefined;
  const reputation = new Reputation({
    allow: opts.allowPeers,
    deny: opts.denyPeers,
    bans: opts.bans,
    onBan: (ban) => {
      opts.log.warn({ module: "p2p", peer: ban.peerId, until: new Date(ban.until).toISOString() }, `banned a peer: ${ban.reason}`);
      hangUp(ban.peerId);
      opts.saveBans(reputation.bans()).catch((err: unknown) => opts.log.error({ module: "p2p", err }, "could not save the ban list"));
    },
  });
  const init = libp2pOptions({ ...opts, reputation });
  const node = await (opts.createNode ? opts.createNode(init) : createLibp2p(init));
  hangUp = (peerId) => {
    const conns = node.getConnections().filter((c) => c.remotePeer.toString() === peerId);
    for (const c of conns) void c.close().catch(() => c.abort(new Error("banned")));
  };
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
    report: (peerId, points, reason) => {
      opts.log.debug({ module: "p2p", peer: peerId, points, reason }, "peer misbehaved");
      reputation.report(peerId, points, reason);
    },
    takeAuthorToken: (author) => reputation.takeAuthorToken(author),
    bans: () => reputation.bans(),
    dial: async (address) => {
      let ma;
      try {
        ma = multiaddr(address);
      } catch (err) {
        throw new AscendError("BAD_REQUEST", `multiaddr: '${address}' is not a multiaddr (${errorMessage(err)})`);
      }
      if (!ma.getComponents().some((c) => c.name === "p2p")) throw new AscendError("BAD_REQUEST", `multiaddr: '${address}' must end in /p2p/<peerId>`);
      try {
        const conn = await node.dial(ma, { signal: AbortSignal.timeout(10_000) });
        return conn.remotePeer.toString();
      } catch (err) {
        throw new AscendError("UNAVAILABLE", `could not connect to ${address}: ${errorMessage(err)}`);
      }
    },
    libp2p: node,
    stop: async () => {
      peers.stop();
      await node.stop();
    },
  };
}
