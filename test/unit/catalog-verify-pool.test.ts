import assert from "node:assert/strict";
import { encodeRecord, ownedId, recordHash, signRecord, type UnsignedRecord, type VerifiedRecord } from "../../node-service/catalog/index.ts";
import { isVerified } from "../../node-service/catalog/signing.ts";
import { VerifyPool } from "../../node-service/catalog/verify_pool.ts";
import { catalogIdentity, promptBody } from "../helpers/catalog.ts";

/** A record as a peer sends it: plain JSON data, parsed off the wire. */
const wire = (r: VerifiedRecord): unknown => JSON.parse(encodeRecord(r).toString("utf8"));

describe("catalog verification threads", () => {
  const pool = new VerifyPool(2);
  after(() => pool.close());

  it("verifies a large batch on its threads: the same records, hashes and order as inline verification", async () => {
    const alice = await catalogIdentity();
    const signed: VerifiedRecord[] = [];
    for (let i = 0; i < 100; i++) {
      signed.push(await signRecord({ kind: "prompt", id: ownedId(alice.peerId, `p${i}`), version: 1 + i, createdAt: 1_700_000_000_000, body: promptBody(i) } as UnsignedRecord, alice.keys));
    }
    const outcomes = await pool.verify(signed.map(wire));
    assert.equal(outcomes.length, signed.length);
    outcomes.forEach((o, i) => {
      assert.ok("record" in o, `record ${i} verified`);
      assert.ok(isVerified(o.record));
      assert.ok(Object.isFrozen(o.record.body));
      assert.deepEqual(o.record, signed[i]);
      assert.equal(recordHash(o.record), recordHash(signed[i]!));
    });
  });

  it("names each bad record in a batch and keeps the good ones around it", async () => {
    const bob = await catalogIdentity();
    const batch: unknown[] = [];
    for (let i = 0; i < 40; i++) {
      batch.push(wire(await signRecord({ kind: "prompt", id: ownedId(bob.peerId, `q${i}`), version: 1, createdAt: 1_700_000_000_000, body: promptBody(i) } as UnsignedRecord, bob.keys)));
    }
    const forged = batch[7] as { body: { title: string } };
    forged.body.title = "changed after signing";
    batch[30] = { kind: "prompt", id: "nobody" };
    const outcomes = await pool.verify(batch);
    assert.equal(outcomes.length, 40);
    assert.match((outcomes[7] as { reason: string }).reason, /bad signature/);
    assert.match((outcomes[30] as { reason: string }).reason, /rejected/);
    assert.equal(outcomes.filter((o) => "record" in o).length, 38);
  });
});
