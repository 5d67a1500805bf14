/**
 * The catalog replica in memory. Merge rule: per (kind, id) the highest version wins and equal
 * versions go to the greater record hash. The rule depends on the two records only, so any delivery
 * order of the same set of records ends in the same state (and the same digest).
 */
import { AscendError, errorMessage } from "../utils/errors.ts";
import { BucketDigests, type SyncEntry } from "./buckets.ts";
import { parseRecordKey, recordKey } from "./ids.ts";
import { RECORD_KINDS, type RecordKind, type RecordOfKind, type TombstoneRecord } from "./records.ts";
import { recordHash, verifyRecord, type VerifiedRecord } from "./signing.ts";

export type ApplyResult = "added" | "updated" | "stale" | "duplicate";
export type ChangeListener = (record: VerifiedRecord, previous: VerifiedRecord | undefined) => void;

export interface ApplySummary {
  added: number;
  updated: number;
  stale: number;
  duplicate: number;
  rejected: { index: number; reason: string }[];
}

interface Slot {
  record: VerifiedRecord;
  hash: string;
}

/** > 0 when (version a, hash a) beats (version b, hash b); 0 when they are the same record. */
export function compareRecords(versionA: number, hashA: string, versionB: number, hashB: string): number {
  if (versionA !== versionB) return versionA - versionB;
  return hashA === hashB ? 0 : hashA > hashB ? 1 : -1;
}

export interface CatalogStoreOptions {
  /**
   * A change listener threw. The change stands and apply still reports it: the record was valid,
   * and a caller that treats a throwing apply as a bad record would blame the peer that sent it.
   * Default: a process warning.
   */
  onListenerError?: (err: unknown) => void;
}

export class CatalogStore {
  private readonly slots = new Map<string, Slot>();
  private readonly live = new Map<RecordKind, Map<string, VerifiedRecord>>(RECORD_KINDS.map((k) => [k, new Map()]));
  private readonly buckets = new BucketDigests();
  private readonly listeners = new Set<ChangeListener>();
  private readonly onListenerError: (err: unknown) => void;

  constructor(opts: CatalogStoreOptions = {}) {
    this.onListenerError = opts.onListenerError ?? ((err) => process.emitWarning(err instanceof Error ? err : new Error(String(err)), "CatalogListenerError"));
  }

  /**
   * Verifies (unless `value` came from verifyRecord) and merges one record. Throws AscendError for
   * an invalid record or one that would take over another owner's (kind, id).
   */
  apply(value: unknown): ApplyResult {
    const record = verifyRecord(value);
    const key = recordKey(record.kind, record.id);
    const hash = recordHash(record);
    const current = this.slots.get(key);
    if (current) {
      // ids embed their owner (validate.ts), so a verified record cannot reach this; kept as the last guard
      if (current.record.owner.peerId !== record.owner.peerId) {
        throw new AscendError("FORBIDDEN", `${key} belongs to ${current.record.owner.peerId}; ${record.owner.peerId} cannot update or delete it`);
      }
      const order = compareRecords(record.version, hash, current.record.version, current.hash);
      if (order === 0) return "duplicate";
      if (order < 0) return "stale";
    }
    this.slots.set(key, { record, hash });
    const byId = this.live.get(record.kind)!;
    if (record.deleted) byId.delete(record.id);
    else byId.set(record.id, record);
    this.buckets.set([key, record.version, hash]);
    this.emit(record, current?.record);
    return current ? "updated" : "added";
  }

  /** Applies a batch (a sync response, the file at start-up); a bad record does not stop the rest. */
  applyAll(values: Iterable<unknown>): ApplySummary {
    const summary: ApplySummary = { added: 0, updated: 0, stale: 0, duplicate: 0, rejected: [] };
    let index = 0;
    for (const value of values) {
      try {
        summary[this.apply(value)]++;
      } catch (err) {
        summary.rejected.push({ index, reason: errorMessage(err) });
      }
      index++;
    }
    return summary;
  }

  /** The record held for (kind, id): live, a tombstone (`deleted: true`), or undefined. */
  get<K extends RecordKind>(kind: K, id: string): (RecordOfKind<K> & VerifiedRecord) | (TombstoneRecord & VerifiedRecord) | undefined {
    return this.slots.get(recordKey(kind, id))?.record as (RecordOfKind<K> & VerifiedRecord) | (TombstoneRecord & VerifiedRecord) | undefined;
  }

  /** By anti-entropy key (`kind:id`), tombstones included: what a peer pulls. */
  getByKey(key: string): VerifiedRecord | undefined {
    return this.slots.get(key)?.record;
  }

  /** Live records of one kind (tombstones left out). */
  list<K extends RecordKind>(kind: K): (RecordOfKind<K> & VerifiedRecord)[] {
    return [...this.live.get(kind)!.values()] as (RecordOfKind<K> & VerifiedRecord)[];
  }

  /** Number of (kind, id) slots, tombstones included. */
  get size(): number {
    return this.slots.size;
  }

  /** Every record held, tombstones included: what persistence writes and a fresh store re-applies. */
  export(): VerifiedRecord[] {
    return [...this.slots.values()].map((s) => s.record);
  }

  /** One hash of the whole catalog: equal catalogs, equal digests. */
  digest(): string {
    return this.buckets.digest();
  }

  /** The 256 bucket digests (hex), index = bucket: compare with a peer's to find the buckets that differ. */
  bucketDigests(): string[] {
    return this.buckets.bucketDigests();
  }

  /** The `[key, version, hash]` of every slot in these buckets. */
  entriesIn(buckets: Iterable<number>): SyncEntry[] {
    return this.buckets.entriesIn(buckets);
  }

  /** Keys of a peer's entries that we lack or hold a losing version of: what to pull from it. */
  missing(remote: Iterable<SyncEntry>): string[] {
    const out = new Set<string>();
    for (const [key, version, hash] of remote) {
      // a key no valid record can have is not worth a request
      if (!parseRecordKey(key)) continue;
      const mine = this.slots.get(key);
      if (!mine || compareRecords(version, hash, mine.record.version, mine.hash) > 0) out.add(key);
    }
    return [...out];
  }

  /**
   * Called after every change with the new record and the one it replaced, synchronously and in
   * order. A listener that throws does not stop the others (see CatalogStoreOptions).
   */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(record: VerifiedRecord, previous: VerifiedRecord | undefined): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(record, previous);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
