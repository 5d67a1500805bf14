import type { PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { TopicValidatorResult } from "@libp2p/gossipsub";
import Type from "typebox";
import { Compile } from "typebox/compile";
import { callRpc, serveRpc, type P2PService, type RpcLimits } from "../p2p/index.ts";
import { errorMessage } from "../utils/errors.ts";
import type { Logger } from "../utils/logger.ts";
import { BUCKET_COUNT, BucketDigestsSchema, SyncEntrySchema, type SyncEntry } from "./buckets.ts";
import { MAX_RECORD_BYTES } from "./records.ts";
import { decodeRecord, encodeRecord, type VerifiedRecord } from "./signing.ts";
import type { CatalogStore } from "./store.ts";
import type { VerifyPool } from "./verify_pool.ts";

export const CATALOG_TOPIC = "/ascendnet/catalog/1";
export const SYNC_PROTOCOL = "/ascendnet/sync/1";
/** Digest hints: a node whose catalog changed through sync says so, and neighbours that differ pull from it. */
export const DIGEST_TOPIC = "/ascendnet/catalog-digest/1";
const DIGEST_HINT_DELAY_MS = 200;

// One sync message: at most RECORDS_PER_REQUEST records of at most 16 KiB each, plus framing.
const RECORDS_PER_REQUEST = 200;
const BUCKETS_PER_REQUEST = 64;
const SYNC_LIMITS: RpcLimits = { maxBytes: RECORDS_PER_REQUEST * MAX_RECORD_BYTES + 64 * 1024, timeoutMs: 10_000 };
const PERIODIC_SYNC_MS = 30_000;

/** Penalty points per offence; the p2p layer bans at 100 (see p2p/reputation.ts). */
export const Penalties = {
  invalidRecord: 25,
  oversized: 50,
  malformedRequest: 25,
  /** more records from one author than the gossip rate allows */
  spam: 5,
  /** an old or repeated version published anew by the sender itself */
  replay: 1,
} as const;

const SyncRequestSchema = Type.Union([
  Type.Object({ type: Type.Literal("buckets") }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal("entries"), buckets: Type.Array(Type.Integer({ minimum: 0, maximum: BUCKET_COUNT - 1 }), { maxItems: BUCKETS_PER_REQUEST }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal("records"), keys: Type.Array(Type.String({ maxLength: 256 }), { maxItems: RECORDS_PER_REQUEST }) }, { additionalProperties: false }),
]);
// Compiled once: interpreted checking of a catch-up's 10k entries took half a second.
const SyncRequest = Compile(SyncRequestSchema);
const BucketDigests = Compile(BucketDigestsSchema);
const Entries = Compile(Type.Array(SyncEntrySchema));
const Records = Compile(Type.Array(Type.Unknown(), { maxItems: RECORDS_PER_REQUEST }));

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface ReplicatorOptions {
  p2p: P2PService;
  store: CatalogStore;
  log: Logger;
  /** verifies the records a sync brings, off the main thread */
  verifier: VerifyPool;
  /** a peer sent something invalid or abusive: the caller charges it `points` (see Penalties) */
  onMisbehaviour: (peer: string, points: number, reason: string) => void;
}

/**
 * Keeps the local catalog in step with the mesh: new records travel by gossip (validated before
 * they are forwarded), and on every new connection and periodically the two sides compare bucket
 * digests and pull what they lack (anti-entropy), so a node that was away catches up.
 */
export class CatalogReplicator {
  private readonly opts: ReplicatorOptions;
  private readonly syncing = new Map<string, Promise<number>>();
  private timer: NodeJS.Timeout | undefined;
  private hintTimer: NodeJS.Timeout | undefined;

  constructor(opts: ReplicatorOptions) {
    this.opts = opts;
  }

  async start(): Promise<void> {
    const { p2p, store, log } = this.opts;
    const pubsub = p2p.libp2p.services.pubsub;
    pubsub.topicValidators.set(CATALOG_TOPIC, (peer, message) =>
      this.validate(peer.toString(), message.type === "signed" ? message.from.toString() : undefined, message.data),
    );
    pubsub.subscribe(CATALOG_TOPIC);
    // Records learnt by sync are not gossiped again; instead the node announces its new digest, so
    // that a healed partition spreads beyond the two peers that happened to reconnect.
    pubsub.topicValidators.set(DIGEST_TOPIC, (_peer, message) =>
      /^[0-9a-f]{64}$/.test(new TextDecoder().decode(message.data)) ? TopicValidatorResult.Accept : TopicValidatorResult.Reject,
    );
    pubsub.addEventListener("message", (e) => {
      if (e.detail.topic !== DIGEST_TOPIC || e.detail.type !== "signed") return;
      if (new TextDecoder().decode(e.detail.data) !== store.digest()) void this.syncWith(e.detail.from.toString());
    });
    pubsub.subscribe(DIGEST_TOPIC);
    await serveRpc(p2p.libp2p, SYNC_PROTOCOL, SYNC_LIMITS, log, (req, peer) => this.answer(req, peer), (peer, reason) => this.opts.onMisbehaviour(peer, Penalties.malformedRequest, `bad sync request: ${reason}`));
    p2p.onPeerChange((c) => {
      if (c.action === "connected") void this.syncWith(c.peer.peerId);
    });
    this.timer = setInterval(() => {
      const peers = p2p.peers();
      const pick = peers[Math.floor(Math.random() * peers.length)];
      if (pick) void this.syncWith(pick.peerId);
    }, PERIODIC_SYNC_MS);
    this.timer.unref();
    log.info({ module: "catalog", records: store.size }, "catalog replication started");
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.hintTimer);
  }

  private hintDigest(): void {
    clearTimeout(this.hintTimer);
    this.hintTimer = setTimeout(() => {
      const digest = new TextEncoder().encode(this.opts.store.digest());
      this.opts.p2p.libp2p.services.pubsub.publish(DIGEST_TOPIC, digest).catch(() => undefined);
    }, DIGEST_HINT_DELAY_MS);
  }

  /** Gossips a record this node made (already applied locally). */
  async publish(record: VerifiedRecord): Promise<void> {
    await this.opts.p2p.libp2p.services.pubsub.publish(CATALOG_TOPIC, encodeRecord(record));
  }

  /** `peer` delivered the message; `originator` published it (the same peer unless it is relaying). */
  private validate(peer: string, originator: string | undefined, data: Uint8Array): TopicValidatorResult {
    if (data.length > MAX_RECORD_BYTES) {
      this.opts.onMisbehaviour(peer, Penalties.oversized, `gossiped record of ${data.length} bytes (limit ${MAX_RECORD_BYTES})`);
      return TopicValidatorResult.Reject;
    }
    try {
      const record = decodeRecord(data);
      if (!this.opts.p2p.takeAuthorToken(record.owner.peerId)) {
        // Only an author flooding its own records is charged: an honest relay of a prolific author
        // is just not forwarded further (anti-entropy still brings those records later). Excess is
        // ignored, not rejected: the records are valid, so gossipsub's invalid-message score (P4,
        // squared) stays for forgeries and the flood is priced by the application penalty alone.
        if (peer === record.owner.peerId) this.opts.onMisbehaviour(peer, Penalties.spam, `records from ${record.owner.peerId} above the gossip rate`);
        return TopicValidatorResult.Ignore;
      }
      const result = this.opts.store.apply(record);
      if (result === "added" || result === "updated") return TopicValidatorResult.Accept;
      // Old or repeated news is not forwarded. Honest relays race with sync and deliver such records
      // now and then; only a peer that itself publishes old records anew is charged for it.
      if (originator === peer) this.opts.onMisbehaviour(peer, Penalties.replay, `${result} record ${record.kind}:${record.id} v${record.version}`);
      return TopicValidatorResult.Ignore;
    } catch (err) {
      this.opts.onMisbehaviour(peer, Penalties.invalidRecord, errorMessage(err));
      return TopicValidatorResult.Reject;
    }
  }

  private async answer(request: unknown, peer: string): Promise<unknown> {
    if (!SyncRequest.Check(request)) {
      this.opts.onMisbehaviour(peer, Penalties.malformedRequest, "malformed sync request");
      return { error: "malformed request" };
    }
    const { store } = this.opts;
    switch (request.type) {
      case "buckets":
        return store.bucketDigests();
      case "entries":
        return store.entriesIn(request.buckets);
      case "records":
        return request.keys.map((k) => store.getByKey(k)).filter((r) => r !== undefined);
    }
  }

  /** Pulls from `peerId` whatever it has that this node lacks; returns how many records changed here. */
  syncWith(peerId: string): Promise<number> {
    const running = this.syncing.get(peerId);
    if (running) return running;
    const run = this.pull(peerIdFromString(peerId))
      .catch((err: unknown) => {
        this.opts.log.debug({ module: "catalog", peer: peerId, err: errorMessage(err) }, "sync failed");
        return 0;
      })
      .finally(() => this.syncing.delete(peerId));
    this.syncing.set(peerId, run);
    return run;
  }

  private async pull(peer: PeerId): Promise<number> {
    const { p2p, store, log } = this.opts;
    const ask = (req: unknown) => callRpc(p2p.libp2p, peer, SYNC_PROTOCOL, req, SYNC_LIMITS);
    const remote = await ask({ type: "buckets" });
    if (!BucketDigests.Check(remote)) throw new Error("peer answered buckets with something else");
    const mine = store.bucketDigests();
    const differing = remote.flatMap((digest, i) => (digest !== mine[i] ? [i] : []));
    if (differing.length === 0) return 0;
    const entries: SyncEntry[] = [];
    for (const part of chunks(differing, BUCKETS_PER_REQUEST)) {
      const answer = await ask({ type: "entries", buckets: part });
      if (!Entries.Check(answer)) throw new Error("peer answered entries with something else");
      entries.push(...answer);
    }
    let changed = 0;
    const batches = chunks(store.missing(entries), RECORDS_PER_REQUEST);
    const fetch = (i: number) => (i < batches.length ? ask({ type: "records", keys: batches[i] }) : undefined);
    // the next batch travels while this one is verified
    let next = fetch(0);
    try {
      for (let i = 0; next; i++) {
        const answer = await next;
        next = fetch(i + 1);
        if (!Records.Check(answer)) throw new Error("peer answered records with something else");
        const outcomes = await this.opts.verifier.verify(answer);
        const summary = store.applyAll(outcomes.flatMap((o) => ("record" in o ? [o.record] : [])));
        changed += summary.added + summary.updated;
        const rejected = outcomes.flatMap((o) => ("reason" in o ? [o.reason] : []));
        for (const reason of rejected.slice(0, 3)) this.opts.onMisbehaviour(peer.toString(), Penalties.invalidRecord, `sync sent an invalid record: ${reason}`);
      }
    } finally {
      next?.catch(() => undefined);
    }
    if (changed > 0) {
      log.info({ module: "catalog", peer: peer.toString(), changed, size: store.size }, `caught up ${changed} records from a peer`);
      this.hintDigest();
    }
    return changed;
  }
}
