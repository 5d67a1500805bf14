import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  CatalogStore,
  ownedId,
  ratingId,
  recordHash,
  recordKey,
  signRecord,
  type UnsignedRecord,
  type VerifiedRecord,
} from "../../node-service/catalog/index.ts";
import { catalogIdentity as identity, type CatalogIdentity as Identity } from "../helpers/catalog.ts";
import { bucketOf } from "../../node-service/catalog/buckets.ts";
import { canonicalBytes } from "../../node-service/catalog/signing.ts";


function promptDraft(owner: Identity, name: string, version: number, title = `Prompt ${name}`): UnsignedRecord {
  return {
    kind: "prompt",
    id: ownedId(owner.peerId, name),
    version,
    createdAt: 1_700_000_000_000 + version,
    body: {
      title,
      description: "",
      tags: ["test"],
      model: "gpt-4o",
      price: "0",
      currency: "ETH",
      license: "MIT",
      preview: "",
      contentCid: "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
      contentHash: "0x" + "00".repeat(32),
    },
  };
}
const sign = (owner: Identity, draft: UnsignedRecord) => signRecord(draft, owner.keys);
const tombstone = (owner: Identity, name: string, version: number) => sign(owner, { kind: "prompt", id: ownedId(owner.peerId, name), version, deleted: true });

/** Deterministic shuffles, so that a failure names a permutation that reproduces. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const snapshot = (store: CatalogStore) =>
  store
    .export()
    .map((r) => `${recordKey(r.kind, r.id)} ${r.version} ${recordHash(r)}`)
    .sort();

describe("catalog store: merge rule and anti-entropy", () => {
  let alice: Identity;
  let bob: Identity;
  let carol: Identity;
  before(async () => {
    [alice, bob, carol] = await Promise.all([identity(), identity(), identity()]);
  });

  it("reports added, updated, stale and duplicate", async () => {
    const store = new CatalogStore();
    const v1 = await sign(alice, promptDraft(alice, "p", 1));
    const v2 = await sign(alice, promptDraft(alice, "p", 2));
    assert.equal(store.apply(v1), "added");
    assert.equal(store.apply(JSON.parse(JSON.stringify(v1))), "duplicate");
    assert.equal(store.apply(v2), "updated");
    assert.equal(store.apply(v1), "stale");
    assert.equal(store.get("prompt", v1.id)?.version, 2);
    assert.equal(store.size, 1);
  });

  it("converges to the same state and digest for every delivery order (stale versions, equal-version conflicts, tombstones)", async () => {
    const conflictA = await sign(alice, promptDraft(alice, "conflict", 1, "Version A"));
    const conflictB = await sign(alice, promptDraft(alice, "conflict", 1, "Version B"));
    const target = { kind: "prompt" as const, id: ownedId(alice.peerId, "p1") };
    const records: VerifiedRecord[] = [
      await sign(alice, promptDraft(alice, "p1", 1)),
      await sign(alice, promptDraft(alice, "p1", 2)),
      await tombstone(alice, "p1", 3),
      conflictA,
      conflictB,
      // a live record and a tombstone at the same version: the hash decides, as for any tie
      await sign(alice, promptDraft(alice, "p3", 4)),
      await tombstone(alice, "p3", 4),
      // deleted, then listed again
      await tombstone(alice, "p4", 1),
      await sign(alice, promptDraft(alice, "p4", 2)),
      await sign(bob, { kind: "rating", id: ratingId(bob.peerId, target), version: 1, body: { target, stars: 2 } }),
      await sign(bob, { kind: "rating", id: ratingId(bob.peerId, target), version: 2, body: { target, stars: 5 } }),
      await sign(bob, promptDraft(bob, "b1", 1)),
      await sign(carol, promptDraft(carol, "c1", 5)),
      await sign(carol, promptDraft(carol, "c1", 4)),
    ];

    // the winners by the rule, computed independently of the store
    const expected = new Map<string, VerifiedRecord>();
    for (const r of records) {
      const key = recordKey(r.kind, r.id);
      const held = expected.get(key);
      if (!held || r.version > held.version || (r.version === held.version && recordHash(r) > recordHash(held))) expected.set(key, r);
    }
    const expectedSnapshot = [...expected].map(([key, r]) => `${key} ${r.version} ${recordHash(r)}`).sort();

    const orders = [records, [...records].reverse(), ...Array.from({ length: 60 }, (_, seed) => shuffled(records, seed + 1))];
    const digests = new Set<string>();
    for (const [i, order] of orders.entries()) {
      const store = new CatalogStore();
      // half the deliveries as received from the wire (plain JSON), half as already verified
      for (const r of order) store.apply(i % 2 ? JSON.parse(JSON.stringify(r)) : r);
      assert.deepEqual(snapshot(store), expectedSnapshot, `order #${i}`);
      digests.add(store.digest());
    }
    assert.equal(digests.size, 1);

    const store = new CatalogStore();
    store.applyAll(records);
    const winner = recordHash(conflictA) > recordHash(conflictB) ? conflictA : conflictB;
    assert.equal(recordHash(store.get("prompt", conflictA.id)!), recordHash(winner));
    assert.equal(store.get("prompt", ownedId(alice.peerId, "p1"))?.deleted, true);
    assert.equal(store.get("prompt", ownedId(alice.peerId, "p4"))?.deleted, undefined);
    assert.deepEqual(
      store.list("prompt").map((r) => r.id).sort(),
      [...expected.values()].filter((r) => r.kind === "prompt" && !r.deleted).map((r) => r.id).sort(),
    );
    // a superseded record changes nothing; a missing winner does change the digest
    const withoutStale = new CatalogStore();
    withoutStale.applyAll(records.filter((r) => !(r.kind === "prompt" && r.id === ownedId(alice.peerId, "p1") && r.version === 1)));
    assert.equal(withoutStale.digest(), store.digest());
    const withoutWinner = new CatalogStore();
    withoutWinner.applyAll(records.filter((r) => r.id !== ownedId(bob.peerId, "b1")));
    assert.notEqual(withoutWinner.digest(), store.digest());
  });

  it("rejects a record that would update or delete someone else's (kind, id)", async () => {
    const store = new CatalogStore();
    const mine = await sign(alice, promptDraft(alice, "p1", 1));
    store.apply(mine);
    const digest = store.digest();
    // bob signs (with his own, valid keys) a higher version of alice's listing, and a tombstone of it
    for (const draft of [{ ...promptDraft(alice, "p1", 9), owner: bob.walletProof }, { kind: "prompt", id: mine.id, version: 9, deleted: true, owner: bob.walletProof }]) {
      const signature = Buffer.from(await bob.privateKey.sign(canonicalBytes(draft))).toString("base64url");
      assert.throws(() => store.apply({ ...draft, signature }), new RegExp(`it belongs to ${alice.peerId}, the record is signed for ${bob.peerId}`));
    }
    assert.equal(store.get("prompt", mine.id)?.version, 1);
    assert.equal(store.digest(), digest);
  });

  it("tells listeners about changes only, with the record replaced", async () => {
    const store = new CatalogStore();
    const seen: [number, number | undefined][] = [];
    const stop = store.onChange((r, previous) => seen.push([r.version, previous?.version]));
    const v1 = await sign(alice, promptDraft(alice, "p", 1));
    const v2 = await sign(alice, promptDraft(alice, "p", 2));
    store.apply(v1);
    store.apply(v1);
    store.apply(v2);
    store.apply(v1);
    store.apply(await tombstone(alice, "p", 3));
    stop();
    store.apply(await sign(alice, promptDraft(alice, "p", 4)));
    assert.deepEqual(seen, [[1, undefined], [2, 1], [3, 2]]);
  });

  it("keeps a change when a listener throws, runs the other listeners and reports the error", async () => {
    const errors: unknown[] = [];
    const store = new CatalogStore({ onListenerError: (err) => errors.push(err) });
    const heard: number[] = [];
    store.onChange(() => {
      throw new Error("listener bug");
    });
    store.onChange((r) => heard.push(r.version));
    assert.equal(store.apply(await sign(alice, promptDraft(alice, "p", 1))), "added");
    assert.deepEqual(heard, [1]);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /listener bug/);
    assert.equal(store.size, 1);
  });

  it("lists live records, keeps tombstones for get and export, and reloads from its export", async () => {
    const store = new CatalogStore();
    store.applyAll([await sign(alice, promptDraft(alice, "a", 1)), await sign(alice, promptDraft(alice, "b", 1)), await tombstone(alice, "b", 2)]);
    assert.deepEqual(store.list("prompt").map((r) => r.id), [ownedId(alice.peerId, "a")]);
    assert.equal(store.get("prompt", ownedId(alice.peerId, "b"))?.deleted, true);
    assert.equal(store.get("job", ownedId(alice.peerId, "b")), undefined);
    assert.equal(store.size, 2);
    const reloaded = new CatalogStore();
    const summary = reloaded.applyAll(JSON.parse(JSON.stringify(store.export())) as unknown[]);
    assert.deepEqual(summary, { added: 2, updated: 0, stale: 0, duplicate: 0, rejected: [] });
    assert.equal(reloaded.digest(), store.digest());
  });

  it("applies a batch past a bad record and says which one failed", async () => {
    const store = new CatalogStore();
    const good = await sign(alice, promptDraft(alice, "a", 1));
    const bad = { ...JSON.parse(JSON.stringify(good)), version: 2 };
    const summary = store.applyAll([bad, good, good]);
    assert.equal(summary.added, 1);
    assert.equal(summary.duplicate, 1);
    assert.equal(summary.rejected.length, 1);
    assert.equal(summary.rejected[0]!.index, 0);
    assert.match(summary.rejected[0]!.reason, /bad signature/);
  });

  it("finds exactly the differing keys through bucket digests, and converges by pulling them", async () => {
    const shared = await Promise.all(Array.from({ length: 40 }, (_, i) => sign(alice, promptDraft(alice, `s${i}`, 1))));
    const onlyA = await Promise.all([0, 1, 2].map((i) => sign(bob, promptDraft(bob, `a${i}`, 1))));
    const onlyB = await Promise.all([0, 1, 2].map((i) => sign(carol, promptDraft(carol, `b${i}`, 1))));
    const newerInA = await Promise.all([0, 1].map((i) => sign(alice, promptDraft(alice, `s${i}`, 2))));
    const newerInB = await Promise.all([2, 3].map((i) => sign(alice, promptDraft(alice, `s${i}`, 2))));
    const a = new CatalogStore();
    const b = new CatalogStore();
    a.applyAll([...shared, ...onlyA, ...newerInA]);
    b.applyAll([...shared, ...onlyB, ...newerInB]);
    assert.notEqual(a.digest(), b.digest());

    const differing = [...onlyA, ...onlyB, ...newerInA, ...newerInB].map((r) => recordKey(r.kind, r.id));
    const da = a.bucketDigests();
    const db = b.bucketDigests();
    assert.equal(da.length, 256);
    const buckets = da.flatMap((d, i) => (d === db[i] ? [] : [i]));
    // the documented scheme: the first byte of sha256("kind:id")
    const firstByte = (key: string) => createHash("sha256").update(key).digest()[0]!;
    assert.deepEqual(buckets, [...new Set(differing.map(firstByte))].sort((x, y) => x - y));
    assert.deepEqual(differing.map(bucketOf), differing.map(firstByte));

    const fromA = a.entriesIn(buckets);
    const fromB = b.entriesIn(buckets);
    const keyOf = (r: VerifiedRecord) => recordKey(r.kind, r.id);
    assert.deepEqual(a.missing(fromB).sort(), [...onlyB, ...newerInB].map(keyOf).sort());
    assert.deepEqual(b.missing(fromA).sort(), [...onlyA, ...newerInA].map(keyOf).sort());
    // entries a peer already has, or holds a newer version of, are not requested
    assert.deepEqual(a.missing(a.entriesIn(buckets)), []);
    assert.deepEqual(b.missing(shared.map((r) => [keyOf(r), 1, recordHash(r)])), []);

    for (const key of a.missing(fromB)) assert.notEqual(a.apply(b.getByKey(key)), "stale");
    for (const key of b.missing(fromA)) assert.notEqual(b.apply(a.getByKey(key)), "stale");
    assert.equal(a.digest(), b.digest());
    assert.deepEqual(a.bucketDigests(), b.bucketDigests());
  });

  it("does not ask for keys no valid record can have", () => {
    const store = new CatalogStore();
    const hash = "0".repeat(64);
    const id = ownedId(alice.peerId, "x");
    assert.deepEqual(store.missing([[`listing:${id}`, 1, hash], ["prompt:x", 1, hash], [`prompt:${id}:y:z`, 1, hash], [alice.peerId, 1, hash]]), []);
    assert.deepEqual(store.missing([[`prompt:${id}`, 1, hash], [`node:${alice.peerId}`, 1, hash]]), [`prompt:${id}`, `node:${alice.peerId}`]);
  });
});
