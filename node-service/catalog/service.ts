import type { P2PService } from "../p2p/index.ts";
import { AscendError, errorMessage } from "../utils/errors.ts";
import type { Logger } from "../utils/logger.ts";
import { ownedId, recordKey } from "./ids.ts";
import type { RecordKind, UnsignedRecord } from "./records.ts";
import { CatalogReplicator } from "./replicator.ts";
import { CatalogSearch } from "./search.ts";
import { signRecord, type SigningKeys, type VerifiedRecord } from "./signing.ts";
import { CatalogStore } from "./store.ts";
import { CatalogJournal } from "./journal.ts";
import { VerifyPool } from "./verify_pool.ts";

export interface CatalogChange {
  action: "added" | "updated" | "deleted";
  kind: RecordKind;
  id: string;
  version: number;
}

/**
 * The replicated catalog as the node uses it: the store, its search index, replication over the
 * mesh, and publishing this node's own records (signed with its identity and wallet binding).
 */
export class CatalogService {
  readonly store: CatalogStore;
  readonly search: CatalogSearch;
  private readonly replicator: CatalogReplicator;
  private readonly peerId: string;
  private keys: SigningKeys | undefined;
  private readonly log: Logger;
  private readonly verifier = new VerifyPool();
  private readonly journal: CatalogJournal | undefined;
  private loaded: Promise<void> | undefined;

  constructor(opts: {
    p2p: P2PService;
    log: Logger;
    onMisbehaviour: (peer: string, points: number, reason: string) => void;
    /** where the catalog is kept between runs (see journal.ts); unset: memory only */
    journalPath?: string;
  }) {
    this.peerId = opts.p2p.peerId;
    this.log = opts.log;
    // a failing listener (the event stream, the index) is a bug of ours, not of the peer that sent the record
    this.store = new CatalogStore({ onListenerError: (err) => opts.log.error({ module: "catalog", err }, "a catalog listener failed") });
    this.search = new CatalogSearch(this.store);
    this.replicator = new CatalogReplicator({ p2p: opts.p2p, store: this.store, log: opts.log, verifier: this.verifier, onMisbehaviour: opts.onMisbehaviour });
    this.journal = opts.journalPath ? new CatalogJournal(opts.journalPath, opts.log) : undefined;
  }

  /** Starts replication at once; the catalog kept on disk loads meanwhile, in the background. */
  async start(): Promise<void> {
    this.loaded = this.journal?.attach(this.store, this.verifier).catch((err: unknown) => this.log.error({ module: "catalog" }, `could not load the catalog from disk: ${errorMessage(err)}`));
    await this.replicator.start();
  }

  async stop(): Promise<void> {
    this.replicator.stop();
    await this.loaded;
    await this.journal?.close();
    await this.verifier.close();
    this.search.close();
  }

  /** Records can be signed once the wallet is unlocked (each carries the wallet binding). */
  setSigningKeys(keys: SigningKeys): void {
    this.keys = keys;
  }

  onChange(fn: (c: CatalogChange) => void): () => void {
    return this.store.onChange((record, previous) =>
      fn({ action: record.deleted ? "deleted" : previous ? "updated" : "added", kind: record.kind, id: record.id, version: record.version }),
    );
  }

  /**
   * Signs, stores and gossips a record of this node's: `name` is local to this node (the id becomes
   * `<peerId>:<name>`). The version is above both the current one and the clock, so a restarted
   * node's update still wins.
   */
  async publish(input: { kind: RecordKind; name: string; body?: unknown; deleted?: boolean }): Promise<VerifiedRecord> {
    if (!this.keys) throw new AscendError("UNAVAILABLE", "the wallet is not ready yet: records are signed with it");
    let id: string;
    try {
      // a node announcement is the node itself: its id is the bare PeerId
      id = input.kind === "node" ? this.peerId : ownedId(this.peerId, input.name);
    } catch (err) {
      throw new AscendError("BAD_REQUEST", `name: ${(err as Error).message}`);
    }
    const current = this.store.getByKey(recordKey(input.kind, id));
    const version = Math.max((current?.version ?? 0) + 1, Date.now());
    const unsigned = (input.deleted ? { kind: input.kind, id, version, deleted: true } : { kind: input.kind, id, version, createdAt: Date.now(), body: input.body }) as UnsignedRecord;
    const record = await signRecord(unsigned, this.keys);
    this.store.apply(record);
    await this.replicator.publish(record);
    return record;
  }

  syncWith(peerId: string): Promise<number> {
    return this.replicator.syncWith(peerId);
  }
}
