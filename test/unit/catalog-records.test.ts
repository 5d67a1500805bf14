import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Wallet, type HDNodeWallet } from "ethers";
import {
  MAX_RECORD_BYTES,
  bidId,
  bindingMessage,
  decodeRecord,
  encodeRecord,
  isVerified,
  jobStatusId,
  makeWalletProof,
  ownedId,
  ratingId,
  recordHash,
  signRecord,
  verifyRecord,
  type UnsignedRecord,
  type VerifiedRecord,
} from "../../node-service/catalog/index.ts";
import { catalogIdentity as identity, type CatalogIdentity as Identity } from "../helpers/catalog.ts";
import { canonicalBytes } from "../../node-service/catalog/signing.ts";
import { clearWalletProofCache } from "../../node-service/catalog/wallet_proof.ts";
import { schemaProblems } from "../../node-service/catalog/validate.ts";
import type { Validator } from "typebox/compile";


const CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

function promptBody(over: Record<string, unknown> = {}) {
  return {
    title: "Refactor a React component",
    description: "Turns a class component into hooks.\nKeeps behaviour.",
    tags: ["react", "refactoring"],
    model: "gpt-4o",
    price: "1000000000000000",
    currency: "ETH",
    license: "MIT",
    preview: "You are a senior React engineer...",
    contentCid: CID,
    contentHash: "0x" + "ab".repeat(32),
    ...over,
  };
}

function prompt(owner: Identity, name = "p1", over: Record<string, unknown> = {}, version = 1): UnsignedRecord {
  return { kind: "prompt", id: ownedId(owner.peerId, name), version, createdAt: 1_700_000_000_000, body: promptBody(over) } as UnsignedRecord;
}

/** A copy that can be changed: what a peer would put on the wire. */
const plain = (r: unknown) => JSON.parse(JSON.stringify(r)) as Record<string, any>;

describe("catalog records: signing and verification", () => {
  let alice: Identity;
  let bob: Identity;
  before(async () => {
    alice = await identity();
    bob = await identity();
  });

  it("signs and verifies a record of every kind, and round-trips it through its canonical bytes", async () => {
    const jobId = ownedId(alice.peerId, "job-1");
    const unsigned: UnsignedRecord[] = [
      prompt(alice),
      {
        kind: "node",
        id: alice.peerId,
        version: 1,
        body: {
          wallet: alice.walletProof.wallet,
          multiaddrs: ["/ip4/127.0.0.1/tcp/4001"],
          resources: { cpus: 8, memoryMb: 16384, gpu: false, diskMb: 100000 },
          prices: { perCpuSecondWei: "1000", perGbWei: "5000" },
          runtimes: ["docker", "python3.12"],
          agentVersion: "0.1.0",
        },
      },
      {
        kind: "job",
        id: jobId,
        version: 1,
        body: {
          runtime: "python3.12",
          command: ["python", "main.py", "--fast"],
          inputs: [CID],
          resources: { cpus: 2, memoryMb: 2048, gpu: false, diskMb: 1024 },
          maxPriceWei: "50000000000000000",
          deadline: 1_800_000_000_000,
          biddingWindowMs: 30_000,
        },
      },
      { kind: "bid", id: bidId(bob.peerId, jobId), version: 1, body: { jobId, priceWei: "40000000000000000", etaMs: 60_000 } },
      { kind: "jobStatus", id: jobStatusId(bob.peerId, jobId), version: 1, body: { jobId, state: "completed", detail: "exit 0", resultCid: CID } },
      { kind: "rating", id: ratingId(bob.peerId, { kind: "prompt", id: ownedId(alice.peerId, "p1") }), version: 1, body: { target: { kind: "prompt", id: ownedId(alice.peerId, "p1") }, stars: 4 } },
    ];
    for (const u of unsigned) {
      const signer = u.id.startsWith(alice.peerId) ? alice : bob;
      const record = await signRecord(u, signer.keys);
      assert.equal(record.owner.peerId, signer.peerId);
      assert.ok(isVerified(record));
      const received = verifyRecord(plain(record));
      assert.deepEqual(received, record, u.kind);
      assert.equal(recordHash(received), recordHash(record));
      assert.equal(recordHash(decodeRecord(encodeRecord(record))), recordHash(record));
      // the hash is of the RFC 8785 form with the signature, however verification builds that form
      assert.equal(recordHash(record), createHash("sha256").update(encodeRecord(record)).digest("hex"));
      // key order on the wire does not matter: the signature covers the canonical form
      const reversed = Object.fromEntries(Object.entries(plain(record)).reverse());
      assert.equal(recordHash(verifyRecord(reversed)), recordHash(record));
    }
  });

  it("signs the RFC 8785 form without the signature, and binds peerId and wallet in the documented message", async () => {
    const record = await signRecord(prompt(alice), alice.keys);
    const text = canonicalBytes(record).toString("utf8");
    assert.ok(text.startsWith('{"body":{"contentCid":'), text.slice(0, 40));
    assert.ok(!text.includes('"signature"'));
    assert.equal(
      bindingMessage(alice.peerId, alice.wallet.address.toLowerCase()),
      `AscendNet node binding\npeerId: ${alice.peerId}\nwallet: ${alice.wallet.address}`,
    );
    assert.equal(recordHash(record), (await import("node:crypto")).createHash("sha256").update(encodeRecord(record)).digest("hex"));
  });

  it("returns a frozen record that cannot be changed after verification", async () => {
    const record = await signRecord(prompt(alice), alice.keys);
    assert.throws(() => {
      (record.body as { title: string }).title = "changed";
    }, TypeError);
    assert.throws(() => {
      (record as { version: number }).version = 9;
    }, TypeError);
  });

  it("rejects a forged signature", async () => {
    const record = plain(await signRecord(prompt(alice), alice.keys));
    const other = await signRecord(prompt(alice, "p2"), alice.keys);
    for (const signature of [other.signature, Buffer.alloc(64, 7).toString("base64url")]) {
      assert.throws(() => verifyRecord({ ...record, signature }), /bad signature/);
    }
  });

  it("rejects a body changed after signing", async () => {
    const record = plain(await signRecord(prompt(alice), alice.keys));
    for (const [field, value] of [["title", "Refactor a React component!"], ["price", "1"], ["tags", ["react"]]] as const) {
      assert.throws(() => verifyRecord({ ...record, body: { ...record.body, [field]: value } }), /bad signature/, field);
    }
    assert.throws(() => verifyRecord({ ...record, version: 2 }), /bad signature/);
    assert.throws(() => verifyRecord({ ...record, createdAt: 1 }), /bad signature/);
  });

  it("rejects a record whose owner.peerId is not the key that signed it", async () => {
    // bob signs a record that claims alice as its owner (alice's valid wallet proof included)
    const draft = { ...prompt(alice), owner: alice.walletProof };
    const signature = Buffer.from(await bob.privateKey.sign(canonicalBytes(draft))).toString("base64url");
    assert.throws(() => verifyRecord({ ...draft, signature }), new RegExp(`bad signature: it does not verify against owner.peerId ${alice.peerId}`));
    // and signRecord refuses to produce one
    await assert.rejects(signRecord(prompt(alice), { privateKey: bob.privateKey, walletProof: alice.walletProof }), /peerId mismatch/);
  });

  it("rejects a wallet proof signed by another wallet, or made for another peer", async () => {
    const byBob = (await bob.wallet.signMessage(bindingMessage(alice.peerId, alice.wallet.address))).toLowerCase();
    const forged = { ...alice.walletProof, walletProof: byBob };
    await assert.rejects(signRecord(prompt(alice), { privateKey: alice.privateKey, walletProof: forged }), /walletProof mismatch.*signed by 0x/);

    // alice's wallet did sign, but for bob's PeerId: replaying it under alice's key fails
    const forBob = await makeWalletProof(alice.wallet, bob.peerId);
    const draft = { ...prompt(alice), owner: { ...forBob, peerId: alice.peerId } };
    const signature = Buffer.from(await alice.privateKey.sign(canonicalBytes(draft))).toString("base64url");
    assert.throws(() => verifyRecord({ ...draft, signature }), /walletProof mismatch/);
  });

  it("does not let the wallet-proof cache vouch for a different proof", async () => {
    clearWalletProofCache();
    await signRecord(prompt(alice), alice.keys); // alice's real binding is now cached
    const other = (await (Wallet.createRandom() as HDNodeWallet).signMessage(bindingMessage(alice.peerId, alice.wallet.address))).toLowerCase();
    const draft = { ...prompt(alice), owner: { ...alice.walletProof, walletProof: other } };
    const signature = Buffer.from(await alice.privateKey.sign(canonicalBytes(draft))).toString("base64url");
    assert.throws(() => verifyRecord({ ...draft, signature }), /walletProof mismatch/);
  });

  it("rejects an oversized record, naming the limit", async () => {
    // every field within its own bound, the whole over 16 KiB: 3-byte characters
    const big = prompt(alice, "big", { description: "€".repeat(4000), preview: "€".repeat(2000) });
    await assert.rejects(signRecord(big, alice.keys), (err: Error) => {
      assert.match(err.message, new RegExp(`over the ${MAX_RECORD_BYTES}-byte \\(16 KiB\\) limit`));
      return true;
    });
    // on the wire the size is checked before parsing
    assert.throws(() => decodeRecord("[" + " ".repeat(MAX_RECORD_BYTES) + "]"), /16384-byte/);
    // just under the limit is fine
    const fits = await signRecord(prompt(alice, "fits", { description: "€".repeat(3000), preview: "a".repeat(2000) }), alice.keys);
    assert.ok(encodeRecord(fits).byteLength <= MAX_RECORD_BYTES);
  });

  it("names the field of each schema violation", async () => {
    const record = plain(await signRecord(prompt(alice), alice.keys));
    const withBody = (over: Record<string, unknown>) => ({ ...record, body: { ...record.body, ...over } });
    const cases: [string, unknown, RegExp][] = [
      ["price with a decimal point", withBody({ price: "1.5" }), /body\.price must be a decimal integer string/],
      ["price beyond uint256", withBody({ price: "9".repeat(78) }), /body\.price must not exceed 2\^256 - 1/],
      ["tag not a slug", withBody({ tags: ["react", "Bad Tag"] }), /body\.tags\.1 must be a lowercase slug/],
      ["too many tags", withBody({ tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }), /body\.tags must not have more than 16 items/],
      ["contentHash", withBody({ contentHash: "0x1234" }), /body\.contentHash must be 0x and 64 lowercase hex digits/],
      ["currency", withBody({ currency: "DAI" }), /body\.currency must be 'ETH' or an ERC-20 token address/],
      ["title too long", withBody({ title: "x".repeat(121) }), /body\.title must not have more than 120 characters/],
      ["title with a newline", withBody({ title: "a\nb" }), /body\.title must be text of at most 120 characters on one line/],
      ["missing title", { ...record, body: { ...record.body, title: undefined } }, /body\.title is required/],
      ["unknown body field", withBody({ secret: 1 }), /body: unknown field 'secret'/],
      ["unknown envelope field", { ...record, extra: true }, /record: unknown field 'extra'/],
      ["version 0", { ...record, version: 0 }, /version must be >= 1/],
      ["fractional version", { ...record, version: 1.5 }, /version must be integer/],
      ["kind", { ...record, kind: "listing" }, /kind must be one of prompt, node, job, bid, jobStatus, rating/],
      ["deleted: false", { ...record, deleted: false }, /deleted must be true when present/],
      ["peerId", { ...record, owner: { ...record.owner, peerId: "QmNotEd25519" } }, /owner\.peerId must be an Ed25519 PeerId/],
      ["wallet not checksummed", { ...record, owner: { ...record.owner, wallet: record.owner.wallet.toLowerCase() } }, /owner\.wallet must be the EIP-55 checksummed address/],
      ["signature", { ...record, signature: "abc" }, /signature must be a 64-byte Ed25519 signature/],
    ];
    for (const [what, value, expected] of cases) {
      assert.throws(() => verifyRecord(value), (err: Error) => {
        assert.match(err.message, expected, what);
        assert.doesNotMatch(err.message, /bad signature/, what);
        return true;
      });
    }
  });

  it("never reports a value that failed the schema as free of problems", () => {
    // TypeBox cuts its error list short; an empty description must still be a problem
    const silent = { Type: () => ({}), Errors: () => [] } as unknown as Validator;
    assert.deepEqual(schemaProblems(silent, {}), ["does not match the schema"]);
  });

  it("names the field of kind-specific rules", async () => {
    const jobId = ownedId(alice.peerId, "job-2");
    const job = {
      kind: "job",
      id: jobId,
      version: 1,
      body: {
        runtime: "python3.12",
        image: CID,
        command: ["python"],
        inputs: [],
        resources: { cpus: 1, memoryMb: 512, gpu: false, diskMb: 100 },
        maxPriceWei: "1",
        deadline: 1,
        biddingWindowMs: 5000,
      },
    } as UnsignedRecord;
    await assert.rejects(signRecord(job, alice.keys), /body must have exactly one of runtime and image/);
    const node = {
      kind: "node",
      id: alice.peerId,
      version: 1,
      body: {
        wallet: bob.walletProof.wallet,
        multiaddrs: [],
        resources: { cpus: 1, memoryMb: 1, gpu: true, diskMb: 1 },
        prices: { perCpuSecondWei: "1", perGbWei: "1" },
        runtimes: [],
        agentVersion: "0.1.0",
      },
    } as UnsignedRecord;
    await assert.rejects(signRecord(node, alice.keys), /body\.wallet must equal owner\.wallet/);
    const status = { kind: "jobStatus", id: jobStatusId(alice.peerId, jobId), version: 1, body: { jobId, state: "done", detail: "" } } as unknown as UnsignedRecord;
    await assert.rejects(signRecord(status, alice.keys), /body\.state must be one of requested, bidding, awarded, running, completed, failed, confirmed, refunded/);
    const target = { kind: "prompt" as const, id: ownedId(bob.peerId, "p1") };
    await assert.rejects(signRecord({ kind: "rating", id: ratingId(alice.peerId, target), version: 1, body: { target, stars: 6 } }, alice.keys), /body\.stars must be <= 5/);
  });

  it("binds every id to its owner", async () => {
    // bob cannot publish under alice's name: the id carries its owner
    await assert.rejects(signRecord(prompt(alice), bob.keys), /id must be '<owner.peerId>:<name>' \(it belongs to 12D3/);
    await assert.rejects(signRecord({ ...prompt(alice), id: bob.peerId } as UnsignedRecord, bob.keys), /id must be '<owner.peerId>:<name>'/);
    const node = await signRecord(
      {
        kind: "node",
        id: alice.peerId,
        version: 1,
        body: {
          wallet: alice.walletProof.wallet,
          multiaddrs: [],
          resources: { cpus: 1, memoryMb: 1, gpu: false, diskMb: 1 },
          prices: { perCpuSecondWei: "1", perGbWei: "1" },
          runtimes: [],
          agentVersion: "x",
        },
      },
      alice.keys,
    );
    await assert.rejects(signRecord({ ...node, id: ownedId(alice.peerId, "n") } as UnsignedRecord, alice.keys), /id of a node announcement must be the owner's PeerId/);
    const target = { kind: "prompt" as const, id: ownedId(bob.peerId, "p1") };
    await assert.rejects(
      signRecord({ kind: "rating", id: ownedId(alice.peerId, "r"), version: 1, body: { target, stars: 5 } }, alice.keys),
      /id of a rating must be ratingId\(owner.peerId, body.target\)/,
    );
    const own = { kind: "prompt" as const, id: ownedId(alice.peerId, "p1") };
    await assert.rejects(signRecord({ kind: "rating", id: ratingId(alice.peerId, own), version: 1, body: { target: own, stars: 5 } }, alice.keys), /must not be the rater's own record/);
    const jobId = ownedId(alice.peerId, "j");
    await assert.rejects(
      signRecord({ kind: "bid", id: bidId(bob.peerId, ownedId(alice.peerId, "other")), version: 1, body: { jobId, priceWei: "1", etaMs: 1 } }, bob.keys),
      /id of a bid must be bidId/,
    );
  });

  it("accepts a tombstone with no body or an empty one, and refuses one with a body", async () => {
    const id = ownedId(alice.peerId, "p1");
    const bare = await signRecord({ kind: "prompt", id, version: 2, deleted: true }, alice.keys);
    const empty = await signRecord({ kind: "prompt", id, version: 2, deleted: true, body: {} }, alice.keys);
    assert.equal(bare.deleted, true);
    assert.notEqual(recordHash(bare), recordHash(empty));
    await assert.rejects(signRecord({ ...prompt(alice), deleted: true } as UnsignedRecord, alice.keys), /body: unknown fields 'contentCid', 'contentHash'/);
  });

  it("refuses a second spelling of the same signature", async () => {
    const record = plain(await signRecord(prompt(alice), alice.keys));
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = record.signature.at(-1)!;
    // the last of 86 characters carries 2 bits; the other 4 must be zero
    const twin = record.signature.slice(0, -1) + alphabet[alphabet.indexOf(last) + 1];
    assert.deepEqual(Buffer.from(twin, "base64url"), Buffer.from(record.signature, "base64url"));
    assert.throws(() => verifyRecord({ ...record, signature: twin }), /signature is not canonical base64url/);
  });

  it("refuses values that are not JSON data", async () => {
    const record = plain(await signRecord(prompt(alice), alice.keys));
    assert.throws(() => verifyRecord({ ...record, version: 10n }), /not JSON data/);
    assert.throws(() => verifyRecord(null), /record must be a JSON object/);
    assert.throws(() => decodeRecord("{nope"), /not JSON/);
    const verified: VerifiedRecord = verifyRecord(record);
    assert.equal(verifyRecord(verified), verified, "an already verified record is returned as is");
  });
});
