/**
 * What this node thinks of its peers. Invalid or abusive traffic costs a peer penalty points; at
 * BAN_THRESHOLD it is banned (disconnected, and refused both ways) for the ban period. The penalty
 * also feeds gossipsub's application-specific score (P5), so a misbehaving peer loses its mesh
 * place and its gossip is ignored before it is banned. Penalties halve every PENALTY_HALF_LIFE_MS,
 * so an honest peer that sent one bad record long ago is not punished forever.
 */
export const BAN_THRESHOLD = 100;
export const PENALTY_HALF_LIFE_MS = 10 * 60_000;
export const DEFAULT_BAN_MS = 60 * 60_000;

export interface Ban {
  peerId: string;
  until: number;
  reason: string;
}

interface Penalty {
  points: number;
  at: number;
}

/** Records per author the node accepts by gossip: a burst, then a steady rate (token bucket). */
const AUTHOR_BURST = 500;
const AUTHOR_RATE_PER_S = 50;

export interface ReputationOptions {
  allow: string[];
  deny: string[];
  bans: Ban[];
  banMs?: number;
  /** called when a peer is banned, to disconnect it and persist the ban */
  onBan: (ban: Ban) => void;
  now?: () => number;
}

export class Reputation {
  private readonly allow: ReadonlySet<string>;
  private readonly deny: ReadonlySet<string>;
  private readonly banned = new Map<string, Ban>();
  private readonly penalties = new Map<string, Penalty>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly opts: ReputationOptions;
  private readonly now: () => number;

  constructor(opts: ReputationOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.allow = new Set(opts.allow);
    this.deny = new Set(opts.deny);
    for (const b of opts.bans) if (b.until > this.now()) this.banned.set(b.peerId, b);
  }

  /** Denied by configuration, or under an active ban. Allow-listed peers are never refused. */
  isRefused(peerId: string): boolean {
    if (this.allow.has(peerId)) return false;
    if (this.deny.has(peerId)) return true;
    const ban = this.banned.get(peerId);
    if (!ban) return false;
    if (ban.until > this.now()) return true;
    this.banned.delete(peerId);
    return false;
  }

  /** Current penalty points, decayed. */
  penalty(peerId: string): number {
    const p = this.penalties.get(peerId);
    if (!p) return 0;
    return p.points * 0.5 ** ((this.now() - p.at) / PENALTY_HALF_LIFE_MS);
  }

  /** Charges `points` to `peerId`; returns the ban when this report crosses the threshold. */
  report(peerId: string, points: number, reason: string): Ban | undefined {
    if (this.allow.has(peerId)) return undefined;
    const total = this.penalty(peerId) + points;
    this.penalties.set(peerId, { points: total, at: this.now() });
    if (total < BAN_THRESHOLD || this.banned.has(peerId)) return undefined;
    const ban: Ban = { peerId, until: this.now() + (this.opts.banMs ?? DEFAULT_BAN_MS), reason };
    this.banned.set(peerId, ban);
    this.opts.onBan(ban);
    return ban;
  }

  /** Takes one token from the author's bucket; false when the author publishes faster than the rate. */
  takeAuthorToken(author: string): boolean {
    const now = this.now();
    const b = this.buckets.get(author) ?? { tokens: AUTHOR_BURST, at: now };
    b.tokens = Math.min(AUTHOR_BURST, b.tokens + ((now - b.at) / 1000) * AUTHOR_RATE_PER_S);
    b.at = now;
    this.buckets.set(author, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  bans(): Ban[] {
    return [...this.banned.values()].filter((b) => b.until > this.now());
  }
}
