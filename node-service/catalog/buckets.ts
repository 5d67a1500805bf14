/**
 * Anti-entropy summaries of the catalog. Keys are spread over 256 buckets by the first byte of
 * sha256(key); a bucket's digest is sha256 over its sorted `key version hash` lines, and the catalog
 * digest is sha256 over the 256 bucket digests. Two catalogs hold the same records exactly when
 * their digests are equal, and the buckets whose digests differ are the only ones to compare. Only
 * the buckets touched since the last call are rehashed.
 */
import { createHash } from "node:crypto";
import Type, { type Static } from "typebox";

export const BUCKET_COUNT = 256;
const HEX64 = "^[0-9a-f]{64}$";

/** `[key, version, hash]` with key = `kind:id`: one catalog slot as exchanged by anti-entropy. */
export const SyncEntrySchema = Type.Tuple([
  Type.String({ minLength: 3, maxLength: 140 }),
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  Type.String({ pattern: HEX64 }),
]);
export type SyncEntry = Static<typeof SyncEntrySchema>;
export const BucketDigestsSchema = Type.Array(Type.String({ pattern: HEX64 }), { minItems: BUCKET_COUNT, maxItems: BUCKET_COUNT });
export const BucketIndexSchema = Type.Integer({ minimum: 0, maximum: BUCKET_COUNT - 1 });

export function bucketOf(key: string): number {
  return createHash("sha256").update(key, "utf8").digest()[0]!;
}

export class BucketDigests {
  private readonly buckets: Map<string, SyncEntry>[] = Array.from({ length: BUCKET_COUNT }, () => new Map());
  private readonly digests: (Buffer | undefined)[] = new Array(BUCKET_COUNT).fill(undefined);
  private root: string | undefined;

  set(entry: SyncEntry): void {
    const b = bucketOf(entry[0]);
    this.buckets[b]!.set(entry[0], entry);
    this.digests[b] = undefined;
    this.root = undefined;
  }

  /** Hex digest of each bucket, index = bucket number. */
  bucketDigests(): string[] {
    return this.all().map((d) => d.toString("hex"));
  }

  digest(): string {
    this.root ??= createHash("sha256").update(Buffer.concat(this.all())).digest("hex");
    return this.root;
  }

  entriesIn(buckets: Iterable<number>): SyncEntry[] {
    const out: SyncEntry[] = [];
    for (const b of new Set(buckets)) {
      const bucket = this.buckets[b];
      if (!bucket) throw new RangeError(`bucket ${b} is not in 0..${BUCKET_COUNT - 1}`);
      for (const e of bucket.values()) out.push([e[0], e[1], e[2]]);
    }
    return out;
  }

  private all(): Buffer[] {
    return this.digests.map((d, b) => d ?? (this.digests[b] = hashBucket(this.buckets[b]!)));
  }
}

function hashBucket(bucket: Map<string, SyncEntry>): Buffer {
  const h = createHash("sha256");
  // keys are ASCII (schema), so string order is byte order and any implementation sorts alike
  for (const key of [...bucket.keys()].sort()) {
    const [, version, hash] = bucket.get(key)!;
    h.update(`${key} ${version} ${hash}\n`, "utf8");
  }
  return h.digest();
}
