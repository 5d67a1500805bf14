import type { PeerId } from "@libp2p/interface";
import type { AscendLibp2p } from "./libp2p.ts";

/** What the API and the editor show of one connected peer. */
export interface PeerInfo {
  peerId: string;
  addresses: string[];
  latencyMs: number | null;
  score: number;
  agentVersion: string | null;
  /** when this node connected to it (ms since the epoch) */
  since: number;
}

export type PeerChange = { action: "connected" | "updated" | "disconnected"; peer: PeerInfo };

const LATENCY_REFRESH_MS = 10_000;

// The gossipsub implementation scores every peer, but its exported interface does not declare
// getScore; read it where present.
function gossipScore(node: AscendLibp2p, peerId: string): number {
  const pubsub = node.services.pubsub as unknown as { getScore?: (id: string) => number };
  return pubsub.getScore?.(peerId) ?? 0;
}

/**
 * Tracks the peers this node is connected to: since when, round-trip time (ping), agent version
 * (identify) and gossipsub score, and reports joins, changes and leaves.
 */
export class PeerManager {
  private readonly node: AscendLibp2p;
  private readonly known = new Map<string, { since: number; latencyMs: number | null; agentVersion: string | null }>();
  private readonly listeners = new Set<(c: PeerChange) => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(node: AscendLibp2p) {
    this.node = node;
    node.addEventListener("peer:connect", (e) => this.onConnect(e.detail));
    node.addEventListener("peer:disconnect", (e) => this.onDisconnect(e.detail));
    node.addEventListener("peer:identify", (e) => {
      const entry = this.known.get(e.detail.peerId.toString());
      if (!entry) return;
      entry.agentVersion = e.detail.agentVersion ?? null;
      this.emit("updated", e.detail.peerId);
    });
  }

  start(): void {
    // a node created elsewhere (inside Helia) may already have connections this manager never saw
    for (const conn of this.node.getConnections()) this.onConnect(conn.remotePeer);
    this.timer = setInterval(() => this.refreshLatencies(), LATENCY_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  onChange(fn: (c: PeerChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  list(): PeerInfo[] {
    return [...this.known.keys()].map((id) => this.info(id)).sort((a, b) => a.since - b.since);
  }

  get count(): number {
    return this.known.size;
  }

  private info(id: string): PeerInfo {
    const entry = this.known.get(id)!;
    const addresses = this.node
      .getConnections()
      .filter((c) => c.remotePeer.toString() === id)
      .map((c) => c.remoteAddr.toString());
    return {
      peerId: id,
      addresses: [...new Set(addresses)],
      latencyMs: entry.latencyMs,
      score: Math.round(gossipScore(this.node, id) * 100) / 100,
      agentVersion: entry.agentVersion,
      since: entry.since,
    };
  }

  private onConnect(peer: PeerId): void {
    const id = peer.toString();
    if (this.known.has(id)) return;
    this.known.set(id, { since: Date.now(), latencyMs: null, agentVersion: null });
    this.emit("connected", peer);
    void this.measure(peer);
  }

  private onDisconnect(peer: PeerId): void {
    const id = peer.toString();
    if (!this.known.has(id)) return;
    const last = this.info(id);
    this.known.delete(id);
    for (const l of this.listeners) l({ action: "disconnected", peer: last });
  }

  private async measure(peer: PeerId): Promise<void> {
    try {
      const rtt = await this.node.services.ping.ping(peer, { signal: AbortSignal.timeout(5_000) });
      const entry = this.known.get(peer.toString());
      if (!entry) return;
      entry.latencyMs = Math.round(rtt * 10) / 10;
      this.emit("updated", peer);
    } catch {
      // an unanswered ping leaves the last figure; the connection manager decides about the peer
    }
  }

  /**
   * libp2p's connection monitor pings every connection on its own (and records the round trip on
   * the connection); pinging again here would run two pings to a peer at once, and the ping
   * protocol allows one. The first figure comes from measure() at connect, later ones from there.
   */
  private refreshLatencies(): void {
    for (const [id, entry] of this.known) {
      const rtts = this.node
        .getConnections()
        .filter((c) => c.remotePeer.toString() === id && c.rtt !== undefined)
        .map((c) => c.rtt!);
      if (rtts.length === 0) continue;
      const latencyMs = Math.round(Math.min(...rtts) * 10) / 10;
      if (latencyMs === entry.latencyMs) continue;
      entry.latencyMs = latencyMs;
      this.emit("updated", id);
    }
  }

  private emit(action: PeerChange["action"], peer: PeerId | string): void {
    const id = peer.toString();
    if (!this.known.has(id)) return;
    const info = this.info(id);
    for (const l of this.listeners) l({ action, peer: info });
  }
}
