import assert from "node:assert/strict";
import { feePercent, formatPrice, groupListings, isListing, priceSplit, promptDetail, ratingText, readListings, UNTAGGED, type Listing } from "../../extension/listing.ts";
import type { PromptHit } from "../../node-service/api/protocol.ts";
import { splitFee } from "../../node-service/payments/fees.ts";

const ETH = 10n ** 18n;
const PEER = "12D3KooWAbCdEfGhJkLmNpQrStUvWxYz1234567890abcdefghij";
const WALLET = "0x1111111111111111111111111111111111112222";
const TOKEN = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";

function listing(name: string, body: { tags?: string[]; model?: string; price?: string; currency?: string } = {}, rating = { count: 0, average: 0 as number | null }): Listing {
  return {
    record: {
      kind: "prompt",
      id: `${PEER}:${name}`,
      version: 3,
      owner: { peerId: PEER, wallet: WALLET, walletProof: "0x" + "00".repeat(65) },
      createdAt: 1_700_000_000_000,
      signature: "A".repeat(86),
      body: {
        title: `Listing ${name}`,
        description: "Does a thing.",
        tags: body.tags ?? ["refactoring"],
        model: body.model ?? "gpt-5",
        price: body.price ?? "1000000000000000",
        currency: body.currency ?? "ETH",
        license: "single-user",
        preview: "Summarise ${selection}\n  in three bullets.",
        contentCid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        contentHash: "0x" + "11".repeat(32),
      },
    },
    rating,
  };
}
const titles = (ls: Listing[]) => ls.map((l) => l.record.body.title);

describe("the extension's listing helpers", () => {
  it("splits a price into the 3% marketplace fee (rounded down) and the seller's rest, exactly, like the contracts", () => {
    assert.deepEqual(priceSplit("1000000000000000"), { pays: 1_000_000_000_000_000n, fee: 30_000_000_000_000n, seller: 970_000_000_000_000n });
    assert.deepEqual(priceSplit(0n), { pays: 0n, fee: 0n, seller: 0n });
    assert.deepEqual(priceSplit(33n), { pays: 33n, fee: 0n, seller: 33n }, "33 * 3% = 0.99: no fee");
    assert.deepEqual(priceSplit(34n), { pays: 34n, fee: 1n, seller: 33n });
    const huge = 2n ** 256n - 1n; // beyond any float: the split stays exact and adds up
    const s = priceSplit(huge);
    assert.equal(s.fee + s.seller, huge);
    for (const amount of [1n, 99n, 101n, 12_345_678_901_234_567_890n, huge]) {
      const { fee, payee } = splitFee(amount);
      assert.deepEqual(priceSplit(amount), { pays: amount, fee, seller: payee }, `${amount}: as the node's FeeMath`);
    }
    assert.equal(feePercent(), "3%");
    assert.throws(() => priceSplit(-1n), RangeError);
  });

  it("formats prices exactly: ETH in ether, an ERC-20 token in base units with its short address", () => {
    assert.equal(formatPrice("1000000000000000", "ETH"), "0.001 ETH");
    assert.equal(formatPrice(ETH + 1n, "ETH"), "1.000000000000000001 ETH");
    assert.equal(formatPrice(0n, "ETH"), "0 ETH");
    assert.equal(formatPrice("2500000", TOKEN), "2500000 units of 0xA0b8…eB48");
    const d = promptDetail(listing("a", { price: "2500000000000000" }));
    assert.deepEqual(d.price, { pays: "0.0025 ETH", fee: "0.000075 ETH", seller: "0.002425 ETH", feePercent: "3%" });
    assert.deepEqual(promptDetail(listing("t", { price: "1000", currency: TOKEN })).price, {
      pays: "1000 units of 0xA0b8…eB48",
      fee: "30 units of 0xA0b8…eB48",
      seller: "970 units of 0xA0b8…eB48",
      feePercent: "3%",
    });
  });

  it("writes the rating as stars with one decimal and the count, or says there is none", () => {
    assert.equal(ratingText({ count: 12, average: 4.5 }), "★ 4.5 (12)");
    assert.equal(ratingText({ count: 1, average: 4 }), "★ 4.0 (1)");
    assert.equal(ratingText({ count: 3, average: 11 / 3 }), "★ 3.7 (3)");
    assert.equal(ratingText({ count: 0, average: 0 }), "No ratings yet");
    assert.equal(ratingText({ count: 0, average: null }), "No ratings yet");
  });

  it("groups listings under each of their tags, untagged last, keeping their order", () => {
    const a = listing("a", { tags: ["testing", "python"] });
    const b = listing("b", { tags: ["python"] });
    const c = listing("c", { tags: [] });
    const d = listing("d", { tags: ["api"] });
    const groups = groupListings([a, b, c, d], "tag");
    assert.deepEqual(
      groups.map((g) => [g.name, titles(g.listings)]),
      [
        ["api", ["Listing d"]],
        ["python", ["Listing a", "Listing b"]],
        ["testing", ["Listing a"]],
        [UNTAGGED, ["Listing c"]],
      ],
    );
    assert.deepEqual(groupListings([], "tag"), []);
  });

  it("groups listings by model, case-insensitively as search filters, named as first spelled", () => {
    const groups = groupListings([listing("a", { model: "GPT-4o" }), listing("b", { model: "claude" }), listing("c", { model: "gpt-4o" })], "model");
    assert.deepEqual(
      groups.map((g) => [g.name, titles(g.listings)]),
      [
        ["claude", ["Listing b"]],
        ["GPT-4o", ["Listing a", "Listing c"]],
      ],
    );
  });

  it("tells live listings from delistings and shows a listing's seller, version and preview as they are", () => {
    const l = listing("x", {}, { count: 2, average: 5 });
    assert.ok(isListing(l as PromptHit));
    const tombstone = { record: { ...l.record, body: undefined, deleted: true }, rating: l.rating } as unknown as PromptHit;
    assert.ok(!isListing(tombstone));
    const d = promptDetail(l);
    assert.equal(d.seller.peerIdShort, "12D3KooW…efghij");
    assert.equal(d.seller.walletShort, "0x1111…2222");
    assert.equal(d.preview, "Summarise ${selection}\n  in three bullets.");
    assert.equal(d.version, 3);
    assert.equal(d.createdAt, 1_700_000_000_000);
    assert.equal(d.rating, "★ 5.0 (2)");
  });

  it("reads the wanted number of listings in pages the API allows, stopping at the catalog's end or when a newer read starts", async () => {
    const catalog = Array.from({ length: 250 }, (_, i) => listing(`l${i}`));
    const calls: Array<{ offset: number; limit: number }> = [];
    const list = async (q: { offset: number; limit: number }) => {
      calls.push({ offset: q.offset, limit: q.limit });
      return { total: catalog.length, items: catalog.slice(q.offset, q.offset + q.limit) };
    };
    const first = await readListings(list, 200, 100, () => false);
    assert.deepEqual(calls, [{ offset: 0, limit: 100 }, { offset: 100, limit: 100 }]);
    assert.equal(first?.total, 250);
    assert.deepEqual(titles(first!.listings), titles(catalog.slice(0, 200)), "the first 200, in order");

    calls.length = 0;
    const more = await readListings(list, 400, 100, () => false);
    assert.deepEqual(calls, [{ offset: 0, limit: 100 }, { offset: 100, limit: 100 }, { offset: 200, limit: 100 }], "no call past the end");
    assert.equal(more?.listings.length, 250);

    let newer = false;
    const stale = await readListings(async (q) => ((newer = true), list(q)), 200, 100, () => newer);
    assert.equal(stale, undefined, "a read a newer one replaced answers nothing");
  });
});
