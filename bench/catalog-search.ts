// catalog-search: N signed listings in one node's store and search index (in-process: this measures
// the index, not HTTP), then 1,000 mixed queries: latency p50/p99 and the process's RSS.
import { CatalogSearch, CatalogStore, ownedId, signRecord, type SearchQuery, type UnsignedRecord } from "../node-service/catalog/index.ts";
import { catalogIdentity, promptBody } from "../test/helpers/catalog.ts";
import { percentile, printTable, rssMb } from "./_stats.ts";

const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 100_000);
const QUERIES = 1000;
const WORDS = ["summarise", "refactor", "translate", "explain", "review", "test", "document", "optimise", "debug", "design"];
const MODELS = ["gpt-5", "claude-4", "llama-4", "mistral-large", "gemini-3"];
const TAGS = ["code", "writing", "data", "devops", "security", "testing", "docs", "sql", "python", "typescript"];

const owners = await Promise.all(Array.from({ length: 50 }, catalogIdentity));
const store = new CatalogStore();
const search = new CatalogSearch(store);
const t0 = performance.now();
for (let i = 0; i < LISTINGS; i++) {
  const owner = owners[i % owners.length]!;
  const w = (k: number) => WORDS[(i * 7 + k) % WORDS.length]!;
  const body = promptBody(i, {
    title: `${w(0)} ${w(1)} helper ${i}`,
    description: `Helps you ${w(2)} and ${w(3)} your project. Variant ${i}.`,
    tags: [TAGS[i % TAGS.length]!, TAGS[(i * 3 + 1) % TAGS.length]!].filter((t, k, a) => a.indexOf(t) === k),
    model: MODELS[i % MODELS.length]!,
  });
  const unsigned = { kind: "prompt", id: ownedId(owner.peerId, `l${i}`), version: 1, createdAt: 1_700_000_000_000 + i, body } as UnsignedRecord;
  store.apply(await signRecord(unsigned, owner.keys));
}
const loadMs = performance.now() - t0;

const queries: SearchQuery[] = Array.from({ length: QUERIES }, (_, i) => {
  switch (i % 5) {
    case 0:
      return { text: WORDS[i % WORDS.length]!, limit: 20 };
    case 1:
      return { text: `${WORDS[i % WORDS.length]} ${WORDS[(i + 3) % WORDS.length]}`, tags: [TAGS[i % TAGS.length]!], limit: 20 };
    case 2:
      return { model: MODELS[i % MODELS.length]!, sort: "price-asc", limit: 50 };
    case 3:
      return { tags: [TAGS[i % TAGS.length]!], sort: "newest", offset: 100, limit: 20 };
    default:
      return { text: "helper", model: MODELS[i % MODELS.length]!, sort: "rating", limit: 10 };
  }
});
for (const q of queries.slice(0, 50)) search.query(q); // warm the JIT, as a running node would be
const times: number[] = [];
let hits = 0;
for (const q of queries) {
  const t = performance.now();
  hits += search.query(q).items.length;
  times.push(performance.now() - t);
}
const rss = await rssMb(process.pid);
const r2 = (x: number) => Math.round(x * 100) / 100;
printTable(`catalog-search (${LISTINGS} listings, ${QUERIES} mixed queries: text, tags, model, sorts, pages)`, [
  { p50_ms: r2(percentile(times, 50)), p99_ms: r2(percentile(times, 99)), max_ms: r2(Math.max(...times)), results_returned: hits, rss_mb: rss, load_s: Math.round(loadMs / 100) / 10 },
]);
console.log("goal: p99 <= 10 ms");
console.log(JSON.stringify({ bench: "catalog-search", listings: LISTINGS, p50_ms: r2(percentile(times, 50)), p99_ms: r2(percentile(times, 99)), rss_mb: rss }));
