import assert from "node:assert/strict";
import {
  CatalogSearch,
  CatalogStore,
  ownedId,
  ratingId,
  signRecord,
  type SearchQuery,
  type VerifiedRecord,
} from "../../node-service/catalog/index.ts";
import { catalogIdentity as identity, type CatalogIdentity as Identity } from "../helpers/catalog.ts";


interface Fixture {
  name: string;
  title: string;
  tags: string[];
  model: string;
  price: string;
  createdAt: number;
}

// prices beyond 2^53 are ordered as integers, not as strings or floats
const FIXTURES: Fixture[] = [
  { name: "l0", title: "Refactor React components", tags: ["react", "refactoring"], model: "gpt-4o", price: "5000", createdAt: 10 },
  { name: "l1", title: "Write unit tests for Python", tags: ["python", "testing"], model: "claude-3.5-sonnet", price: "100000000000000000000", createdAt: 20 },
  { name: "l2", title: "Summarise research papers", tags: ["writing"], model: "gpt-4o", price: "9", createdAt: 30 },
  { name: "l3", title: "React hooks explained", tags: ["react", "teaching"], model: "llama-3", price: "0", createdAt: 40 },
  // newer than l5 and equal to it as a float: only an exact comparison puts it above l5
  { name: "l4", title: "SQL query optimiser", tags: ["sql", "databases"], model: "GPT-4o", price: "9007199254740993", createdAt: 70 },
  { name: "l5", title: "Python data cleaning", tags: ["python", "data"], model: "gpt-4o", price: "9007199254740992", createdAt: 60 },
  ...Array.from({ length: 14 }, (_, i) => ({
    name: `g${i}`,
    title: `Generic helper number ${i}`,
    tags: ["misc"],
    model: i % 2 ? "gpt-4o" : "mistral-7b",
    price: String((i * 7919) % 1000),
    createdAt: 100 + ((i * 37) % 14),
  })),
];

function draft(owner: Identity, f: Fixture, version = 1) {
  return {
    kind: "prompt" as const,
    id: ownedId(owner.peerId, f.name),
    version,
    createdAt: f.createdAt,
    body: {
      title: f.title,
      description: "A reusable prompt for everyday work.",
      tags: f.tags,
      model: f.model,
      price: f.price,
      currency: "ETH",
      license: "MIT",
      preview: "",
      contentCid: "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
      contentHash: "0x" + "11".repeat(32),
    },
  };
}

const names = (r: { items: { record: VerifiedRecord }[] }) => r.items.map((h) => h.record.id.split(":")[1]!);
const byNewest = (a: Fixture, b: Fixture) => b.createdAt - a.createdAt || (a.name < b.name ? -1 : 1);
// equal prices: newest first (the order price-desc then reverses)
const byPrice = (a: Fixture, b: Fixture) => (BigInt(a.price) < BigInt(b.price) ? -1 : BigInt(a.price) > BigInt(b.price) ? 1 : byNewest(a, b));

describe("catalog search", () => {
  let alice: Identity;
  let bob: Identity;
  let carol: Identity;
  let store: CatalogStore;
  let search: CatalogSearch;
  const id = (name: string) => ownedId(alice.peerId, name);
  const rate = (who: Identity, name: string, stars: number, version = 1) => {
    const target = { kind: "prompt" as const, id: id(name) };
    return signRecord({ kind: "rating", id: ratingId(who.peerId, target), version, body: { target, stars } }, who.keys);
  };
  // every query result checked against the listings the test expects to exist
  const all = (filter: (f: Fixture) => boolean = () => true) => FIXTURES.filter(filter);
  const query = (q: SearchQuery) => search.query({ limit: 100, ...q });

  before(async () => {
    [alice, bob, carol] = await Promise.all([identity(), identity(), identity()]);
  });
  beforeEach(async () => {
    store = new CatalogStore();
    for (const f of FIXTURES) store.apply(await signRecord(draft(alice, f), alice.keys));
    search = new CatalogSearch(store);
  });
  afterEach(() => search.close());

  it("indexes what the store held before it was created, and follows it afterwards", async () => {
    assert.equal(search.size, FIXTURES.length);
    assert.equal(query({}).total, FIXTURES.length);
    store.apply(await signRecord(draft(bob, { name: "late", title: "Kubernetes manifests", tags: ["k8s"], model: "gpt-4o", price: "1", createdAt: 999 }), bob.keys));
    assert.deepEqual(names(query({ text: "kubernetes" })), ["late"]);
    assert.equal(query({}).total, FIXTURES.length + 1);
  });

  it("finds listings by words of the title and tags, the last word as a prefix, all words required", () => {
    assert.deepEqual(names(query({ text: "python" })).sort(), ["l1", "l5"]);
    assert.deepEqual(names(query({ text: "reac" })).sort(), ["l0", "l3"]);
    assert.deepEqual(names(query({ text: "react hooks" })), ["l3"]);
    assert.deepEqual(names(query({ text: "databases" })), ["l4"]);
    assert.deepEqual(names(query({ text: "react sql" })), []);
    assert.deepEqual(names(query({ text: "optimizer" })), ["l4"], "one typo in a long word is forgiven");
    const hit = query({ text: "python" }).items[0]!;
    assert.ok(typeof hit.score === "number" && hit.score > 0);
  });

  it("filters by tags (all of them) and by model (case-insensitive), with and without text", () => {
    assert.deepEqual(names(query({ tags: ["react"] })).sort(), ["l0", "l3"]);
    assert.deepEqual(names(query({ tags: ["python", "data"] })), ["l5"]);
    const gpt = all((f) => f.model.toLowerCase() === "gpt-4o").map((f) => f.name).sort();
    assert.deepEqual(names(query({ model: "GPT-4O" })).sort(), gpt);
    assert.deepEqual(names(query({ text: "python", model: "gpt-4o" })), ["l5"]);
    assert.deepEqual(names(query({ text: "react", tags: ["teaching"] })), ["l3"]);
    assert.equal(query({ tags: ["nothing"] }).total, 0);
  });

  it("sorts by newest, price ascending and descending, with and without text", () => {
    assert.deepEqual(names(query({})), all().sort(byNewest).map((f) => f.name), "newest is the default without text");
    assert.deepEqual(names(query({ sort: "price-asc" })).map((n) => BigInt(FIXTURES.find((f) => f.name === n)!.price)), all().map((f) => BigInt(f.price)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    assert.deepEqual(names(query({ sort: "price-desc" })).slice(0, 3), ["l1", "l4", "l5"]);
    // many matches (walk the kept order) and few (sort the matches) must agree with the brute force
    const everyone = names(query({ text: "everyday", sort: "price-asc" }));
    assert.equal(everyone.length, FIXTURES.length);
    assert.deepEqual(everyone, all().sort(byPrice).map((f) => f.name));
    assert.deepEqual(names(query({ text: "everyday", sort: "price-desc" })), all().sort(byPrice).reverse().map((f) => f.name));
    assert.deepEqual(names(query({ sort: "price-desc" })), all().sort(byPrice).reverse().map((f) => f.name));
    assert.deepEqual(names(query({ model: "gpt-4o", sort: "price-desc" })), all((f) => f.model.toLowerCase() === "gpt-4o").sort(byPrice).reverse().map((f) => f.name));
    assert.deepEqual(names(query({ text: "python", sort: "price-desc" })), ["l1", "l5"]);
    assert.deepEqual(names(query({ text: "react", sort: "newest" })), ["l3", "l0"]);
    assert.deepEqual(names(query({ text: "generic", sort: "newest" })), all((f) => f.name.startsWith("g")).sort(byNewest).map((f) => f.name));
  });

  it("pages through results with offset and limit, the total unchanged", () => {
    for (const sort of ["newest", "price-asc", "price-desc", "rating"] as const) {
      for (const filter of [{}, { model: "gpt-4o" }, { text: "everyday" }]) {
        const full = query({ ...filter, sort });
        const pages: string[] = [];
        for (let offset = 0; offset < full.total + 5; offset += 3) {
          const page = search.query({ ...filter, sort, offset, limit: 3 });
          assert.equal(page.total, full.total, `${sort} ${JSON.stringify(filter)}`);
          pages.push(...names(page));
        }
        assert.deepEqual(pages, names(full), `${sort} ${JSON.stringify(filter)}`);
      }
    }
    assert.equal(search.query({}).items.length, 20, "default limit");
    assert.deepEqual(search.query({ offset: 1000 }).items, []);
  });

  it("sorts by rating and follows new, changed and withdrawn ratings", async () => {
    store.apply(await rate(bob, "l2", 5));
    store.apply(await rate(carol, "l2", 3));
    store.apply(await rate(bob, "l0", 5));
    store.apply(await rate(bob, "l3", 4));
    assert.deepEqual(names(query({ sort: "rating" })).slice(0, 3), ["l0", "l2", "l3"]);
    assert.deepEqual(query({ text: "summarise" }).items[0]!.rating, { average: 4, count: 2 });

    store.apply(await rate(bob, "l0", 1, 2)); // bob changes his mind
    assert.deepEqual(names(query({ sort: "rating" })).slice(0, 3), ["l2", "l3", "l0"]);
    const target = { kind: "prompt" as const, id: id("l2") };
    store.apply(await signRecord({ kind: "rating", id: ratingId(carol.peerId, target), version: 2, deleted: true }, carol.keys));
    assert.deepEqual(query({ text: "summarise" }).items[0]!.rating, { average: 5, count: 1 });
    assert.deepEqual(names(query({ sort: "rating" })).slice(0, 3), ["l2", "l3", "l0"]);
    assert.deepEqual(names(query({ text: "react", sort: "rating" })), ["l3", "l0"]);
  });

  it("counts a rating that arrived before its listing", async () => {
    const early = { name: "early", title: "Early bird", tags: [], model: "gpt-4o", price: "1", createdAt: 1 };
    store.apply(await rate(bob, "early", 2));
    store.apply(await signRecord(draft(alice, early), alice.keys));
    assert.deepEqual(query({ text: "early" }).items[0]!.rating, { average: 2, count: 1 });
  });

  it("drops a delisted prompt and reindexes an updated one", async () => {
    store.apply(await signRecord({ kind: "prompt", id: id("l3"), version: 2, deleted: true }, alice.keys));
    assert.deepEqual(names(query({ text: "react" })), ["l0"]);
    assert.equal(query({}).total, FIXTURES.length - 1);
    for (const sort of ["newest", "price-asc", "price-desc", "rating"] as const) assert.ok(!names(query({ sort })).includes("l3"), sort);
    assert.deepEqual(names(query({ tags: ["react"] })), ["l0"]);

    const l2 = FIXTURES.find((f) => f.name === "l2")!;
    store.apply(await signRecord(draft(alice, { ...l2, title: "Summarise legal contracts", price: "999999999999999999999" }, 2), alice.keys));
    assert.deepEqual(names(query({ text: "research" })), []);
    assert.deepEqual(names(query({ text: "legal" })), ["l2"]);
    assert.equal(names(query({ sort: "price-desc" }))[0], "l2");
    assert.equal(query({}).total, FIXTURES.length - 1);

    // listed again after the delisting
    store.apply(await signRecord(draft(alice, FIXTURES.find((f) => f.name === "l3")!, 3), alice.keys));
    assert.deepEqual(names(query({ text: "react" })).sort(), ["l0", "l3"]);
  });

  it("gets one listing by id with its rating, as a query answers it, until it is delisted", async () => {
    store.apply(await rate(bob, "l2", 4));
    const hit = search.get(id("l2"));
    assert.deepEqual(hit, query({ text: "summarise" }).items.map(({ score: _, ...h }) => h)[0]);
    assert.deepEqual(hit?.rating, { average: 4, count: 1 });
    assert.equal(search.get(id("nothing")), undefined);
    store.apply(await signRecord({ kind: "prompt", id: id("l2"), version: 2, deleted: true }, alice.keys));
    assert.equal(search.get(id("l2")), undefined);
  });

  it("pages a large result the same whether a page is sorted whole or selected", async () => {
    // 120 listings that say "alpha" alike (one large group of equal scores, dates partly equal),
    // 100 that say it in varied amounts, and the fixtures that do not say it at all
    const alike = Array.from({ length: 120 }, (_, i) => ({ name: `same${i}`, title: "Alpha", tags: [], model: "m", price: "1", createdAt: 5000 + (i % 30) }));
    const varied = Array.from({ length: 100 }, (_, i) => ({ name: `var${i}`, title: i % 3 ? "Other" : "Alpha beta", tags: [], model: "m", price: "1", createdAt: 6000 + i }));
    for (const [i, f] of [...alike, ...varied].entries()) {
      const d = draft(alice, f);
      if (f.name.startsWith("var")) d.body.description = `${"alpha ".repeat(1 + (i % 4))}${"filler ".repeat(i % 7)}`;
      store.apply(await signRecord(d, alice.keys));
    }
    const full: { id: string; score: number; createdAt: number }[] = [];
    for (let offset = 0; offset < 300; offset += 100) {
      for (const h of search.query({ text: "alpha", offset, limit: 100 }).items) full.push({ id: h.record.id, score: h.score!, createdAt: h.record.createdAt! });
    }
    assert.equal(full.length, 220);
    assert.equal(new Set(full.map((h) => h.id)).size, 220);
    for (let i = 1; i < full.length; i++) {
      const [a, b] = [full[i - 1]!, full[i]!];
      const inOrder = a.score > b.score || (a.score === b.score && (a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id < b.id)));
      assert.ok(inOrder, `rank ${i}: ${JSON.stringify(a)} before ${JSON.stringify(b)}`);
    }
    // small pages take the selection path (many more matches than the page), and must agree
    for (const limit of [1, 7]) {
      const paged: string[] = [];
      for (let offset = 0; offset < 220; offset += limit) paged.push(...search.query({ text: "alpha", offset, limit }).items.map((h) => h.record.id));
      assert.deepEqual(paged, full.map((h) => h.id), `limit ${limit}`);
    }
  });

  it("answers after heavy churn exactly as an index built afresh", async () => {
    const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
    const churn = Array.from({ length: 40 }, (_, i) => ({ name: `c${i}`, title: `${words[i % 6]} ${words[(i + 1) % 6]}`, tags: [`t${i % 5}`], model: `m${i % 3}`, price: String(i * 13), createdAt: 200 + i }));
    for (const f of churn) store.apply(await signRecord(draft(alice, f), alice.keys));
    for (let round = 2; round <= 4; round++) {
      for (const [i, f] of churn.entries()) {
        if ((i + round) % 5 === 0) {
          store.apply(await signRecord({ kind: "prompt", id: id(f.name), version: round, deleted: true }, alice.keys));
        } else if ((i + round) % 2 === 0) {
          const changed = { ...f, title: `${words[(i + round) % 6]} golf`, tags: [`t${(i + round) % 5}`], price: String(round * 1000 - i), createdAt: f.createdAt + round };
          store.apply(await signRecord(draft(alice, changed, round), alice.keys));
        }
      }
    }
    const fresh = new CatalogSearch(store);
    try {
      const queries: SearchQuery[] = [
        {},
        ...words.map((text) => ({ text })),
        { text: "golf" },
        { text: "alpha golf" },
        { text: "gol" },
        { tags: ["t1"] },
        { model: "m2", sort: "price-desc" },
        { text: "bravo", sort: "price-asc" },
        { sort: "rating" },
      ];
      for (const q of queries) {
        const a = query(q);
        const b = fresh.query({ limit: 100, ...q });
        assert.equal(a.total, b.total, JSON.stringify(q));
        assert.deepEqual(a.items.map((h) => [h.record.id, h.record.version]), b.items.map((h) => [h.record.id, h.record.version]), JSON.stringify(q));
      }
      assert.equal(search.size, fresh.size);
    } finally {
      fresh.close();
    }
  });

  it("validates its query, naming the field", () => {
    assert.throws(() => search.query({ limit: 101 }), /limit must be <= 100/);
    assert.throws(() => search.query({ limit: 0 }), /limit must be >= 1/);
    assert.throws(() => search.query({ text: "x".repeat(201) }), /text must not have more than 200 characters/);
    assert.throws(() => search.query({ tags: ["Not A Slug"] }), /tags\.0 must be a lowercase slug/);
    assert.throws(() => search.query({ sort: "cheapest" } as unknown as SearchQuery), /sort must be one of relevance, newest, price-asc, price-desc, rating/);
    assert.throws(() => search.query({ page: 2 } as unknown as SearchQuery), /unknown field 'page'/);
    assert.deepEqual(names(search.query({ text: "   ", limit: 100 })), names(query({})), "blank text is no text");
  });
});
