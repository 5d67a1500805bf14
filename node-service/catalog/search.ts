/**
 * Search over the prompt listings of a CatalogStore, kept in step through onChange. Words go to the
 * inverted index (text_index.ts); every other order is kept sorted as listings come and go, so a
 * query walks a list or sorts its few matches, and never sorts the catalog.
 *
 * A listing is known by its index slot, and what filters and orders read (date, price, rating,
 * model, tags) sits in arrays by slot: a query over 100,000 listings reads numbers instead of
 * chasing 100,000 objects across the heap.
 */
import Type, { type Static } from "typebox";
import { Compile } from "typebox/compile";
import { AscendError } from "../utils/errors.ts";
import { TagSchema, type PromptRecord } from "./records.ts";
import type { VerifiedRecord } from "./signing.ts";
import { SortedList } from "./sorted.ts";
import type { CatalogStore } from "./store.ts";
import { intersect, scoreWindow } from "./select.ts";
import { TextIndex } from "./text_index.ts";
import { schemaProblems } from "./validate.ts";

export const SEARCH_SORTS = ["relevance", "newest", "price-asc", "price-desc", "rating"] as const;
export const MAX_SEARCH_LIMIT = 100;
export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_OFFSET = 10_000;

export const SearchQuerySchema = Type.Object(
  {
    text: Type.Optional(Type.String({ maxLength: 200 })),
    /** listings carrying all of these tags */
    tags: Type.Optional(Type.Array(TagSchema, { maxItems: 8 })),
    /** exact model name, case-insensitive */
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** default: relevance with text, newest without */
    sort: Type.Optional(Type.Enum(SEARCH_SORTS)),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SEARCH_OFFSET })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_LIMIT })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuerySchema>;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export interface RatingSummary {
  /** mean of the stars, 0 when unrated */
  average: number;
  count: number;
}
export interface SearchHit {
  record: PromptRecord & VerifiedRecord;
  rating: RatingSummary;
  /** relevance score, with text only */
  score?: number;
}
export interface SearchResult {
  total: number;
  items: SearchHit[];
}

type Listing = PromptRecord & VerifiedRecord;
const checkQuery = Compile(SearchQuerySchema);
const EXACT_FLOAT = 2 ** 53;
const NONE: ReadonlySet<number> = new Set();

export class CatalogSearch {
  private readonly slotOf = new Map<string, number>();
  private readonly bySlot: (Listing | undefined)[] = [];
  private readonly text = new TextIndex();
  // by slot; a value changes only while its slot is out of the orders that sort on it
  private createdAt = new Float64Array(1024);
  private price = new Float64Array(1024);
  private ratingSum = new Float64Array(1024);
  private ratingCount = new Int32Array(1024);
  // per-query marks: slot s is selected when mark[s] === markGeneration
  private mark = new Uint32Array(1024);
  private markGeneration = 0;
  // Scratch space for one query. Arrays this large would be allocated outside the young generation,
  // and a few hundred of them in a row start a full collection of the whole heap (100+ ms here).
  private scratchSlots = new Int32Array(1024);
  private scratchScores = new Float64Array(1024);
  private readonly bigPrice = new Map<number, bigint>();
  private readonly byTag = new Map<string, Set<number>>();
  private readonly byModel = new Map<string, Set<number>>();
  // ratings may arrive before the listing they rate, so they are summed per target id on their own
  private readonly ratings = new Map<string, { sum: number; count: number }>();
  private readonly newest = new SortedList<number>((a, b) => this.newestFirst(a, b));
  private readonly cheapest = new SortedList<number>((a, b) => this.cheapestFirst(a, b));
  private readonly bestRated = new SortedList<number>((a, b) => this.bestRatedFirst(a, b));
  private readonly unsubscribe: () => void;

  constructor(store: CatalogStore) {
    for (const r of store.list("rating")) this.rate(r.body.target, r.body.stars, 1);
    const initial = store.list("prompt").map((r) => this.index(r));
    this.newest.load(initial);
    this.cheapest.load(initial);
    this.bestRated.load(initial);
    this.unsubscribe = store.onChange((record, previous) => {
      if (record.kind === "prompt") {
        this.remove(record.id);
        if (!record.deleted) this.add(record);
      } else if (record.kind === "rating") {
        if (previous && !previous.deleted && previous.kind === "rating") this.rate(previous.body.target, previous.body.stars, -1);
        if (!record.deleted) this.rate(record.body.target, record.body.stars, 1);
      }
    });
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Stops following the store. */
  close(): void {
    this.unsubscribe();
  }

  /** Validates `input` against SearchQuerySchema (BAD_REQUEST naming the field) and runs it. */
  query(input: SearchQuery = {}): SearchResult {
    if (!checkQuery.Check(input)) throw new AscendError("BAD_REQUEST", `search query: ${schemaProblems(checkQuery, input).join("; ")}`);
    const offset = input.offset ?? 0;
    const end = offset + (input.limit ?? DEFAULT_SEARCH_LIMIT);
    // text of stop words and punctuation only is no text
    const found = input.text ? this.text.search(input.text) : undefined;
    const sort = input.sort ?? (found ? "relevance" : "newest");
    const filters = (input.tags ?? []).map((t) => this.byTag.get(t) ?? NONE);
    if (input.model !== undefined) filters.push(this.byModel.get(input.model.toLowerCase()) ?? NONE);

    let selected: Int32Array;
    if (!found) {
      if (filters.length === 0) {
        const order = this.order(sort);
        return { total: order.length, items: order.slice(offset, end, sort === "price-desc").map((s) => this.hit(s)) };
      }
      selected = intersect(filters, this.scratchSlots);
    } else if (filters.length === 0) {
      selected = found.slots;
    } else {
      const gen = this.nextMark();
      for (const s of intersect(filters, this.scratchSlots)) this.mark[s] = gen;
      // the matches are the index's scratch too: keep the ones that pass, in place
      let kept = 0;
      for (const s of found.slots) if (this.mark[s] === gen) found.slots[kept++] = s;
      selected = found.slots.subarray(0, kept);
    }
    const total = selected.length;
    if (offset >= total) return { total, items: [] };

    if (sort === "relevance" && found) {
      const score = found.score;
      const page = scoreWindow(selected, score, this.scratchScores, this.createdAt, offset, end, (a, b) => this.newestFirst(a, b));
      return { total, items: page.map((s) => this.hit(s, score[s])) };
    }
    const order = this.order(sort);
    // Sorting the matches costs m log m comparisons; walking the kept order costs the items passed
    // until the page is full, about end * n / m. Take the cheaper.
    if (total * Math.log2(total + 1) * 4 < Math.min(order.length, (end * order.length) / total)) {
      const page = Array.from(selected).sort(this.comparator(sort)).slice(offset, end);
      return { total, items: page.map((s) => this.hit(s)) };
    }
    const gen = this.nextMark();
    const mark = this.mark;
    for (let i = 0; i < total; i++) mark[selected[i]!] = gen;
    const items: SearchHit[] = [];
    let seen = 0;
    order.walk((s) => {
      if (mark[s] !== gen) return true;
      if (seen >= offset) items.push(this.hit(s));
      return ++seen < end;
    }, sort === "price-desc");
    return { total, items };
  }

  /** The listing `id` with its rating, as a query would answer it; undefined when not listed (or delisted). */
  get(id: string): SearchHit | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.hit(slot);
  }

  private order(sort: SearchSort): SortedList<number> {
    if (sort === "price-asc" || sort === "price-desc") return this.cheapest;
    if (sort === "rating") return this.bestRated;
    return this.newest;
  }

  private comparator(sort: SearchSort): (a: number, b: number) => number {
    if (sort === "price-asc") return (a, b) => this.cheapestFirst(a, b);
    if (sort === "price-desc") return (a, b) => this.cheapestFirst(b, a);
    if (sort === "rating") return (a, b) => this.bestRatedFirst(a, b);
    return (a, b) => this.newestFirst(a, b);
  }

  private newestFirst(a: number, b: number): number {
    const d = this.createdAt[b]! - this.createdAt[a]!;
    if (d !== 0) return d;
    const x = this.bySlot[a]!.id;
    const y = this.bySlot[b]!.id;
    return x < y ? -1 : x > y ? 1 : 0;
  }

  private cheapestFirst(a: number, b: number): number {
    const pa = this.price[a]!;
    const pb = this.price[b]!;
    if (pa !== pb) return pa - pb;
    // a float holds wei exactly below 2^53 only
    if (pa >= EXACT_FLOAT) {
      const x = this.bigPrice.get(a)!;
      const y = this.bigPrice.get(b)!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return this.newestFirst(a, b);
  }

  private bestRatedFirst(a: number, b: number): number {
    const ca = this.ratingCount[a]!;
    const cb = this.ratingCount[b]!;
    const d = (cb === 0 ? 0 : this.ratingSum[b]! / cb) - (ca === 0 ? 0 : this.ratingSum[a]! / ca);
    return d || cb - ca || this.newestFirst(a, b);
  }

  private hit(slot: number, score?: number): SearchHit {
    const count = this.ratingCount[slot]!;
    const rating = { average: count === 0 ? 0 : this.ratingSum[slot]! / count, count };
    const record = this.bySlot[slot]!;
    return score === undefined ? { record, rating } : { record, rating, score };
  }

  private index(record: Listing): number {
    const b = record.body;
    const slot = this.text.add(b);
    this.ensure(slot + 1);
    this.slotOf.set(record.id, slot);
    this.bySlot[slot] = record;
    this.createdAt[slot] = record.createdAt ?? 0;
    const wei = BigInt(b.price);
    this.price[slot] = Number(wei);
    if (wei >= EXACT_FLOAT) this.bigPrice.set(slot, wei);
    const r = this.ratings.get(record.id);
    this.ratingSum[slot] = r?.sum ?? 0;
    this.ratingCount[slot] = r?.count ?? 0;
    for (const t of b.tags) addTo(this.byTag, t, slot);
    addTo(this.byModel, b.model.toLowerCase(), slot);
    return slot;
  }

  private add(record: Listing): void {
    const slot = this.index(record);
    this.newest.insert(slot);
    this.cheapest.insert(slot);
    this.bestRated.insert(slot);
  }

  private remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    // out of the orders first: their comparators still read this slot's values
    this.newest.remove(slot);
    this.cheapest.remove(slot);
    this.bestRated.remove(slot);
    const record = this.bySlot[slot]!;
    for (const t of record.body.tags) removeFrom(this.byTag, t, slot);
    removeFrom(this.byModel, record.body.model.toLowerCase(), slot);
    this.bigPrice.delete(slot);
    this.text.remove(slot, record.body);
    this.bySlot[slot] = undefined;
    this.slotOf.delete(id);
  }

  private rate(target: { kind: string; id: string }, stars: number, sign: 1 | -1): void {
    if (target.kind !== "prompt") return;
    const r = this.ratings.get(target.id) ?? { sum: 0, count: 0 };
    r.sum += sign * stars;
    r.count += sign;
    if (r.count === 0) this.ratings.delete(target.id);
    else this.ratings.set(target.id, r);
    const slot = this.slotOf.get(target.id);
    if (slot === undefined) return;
    this.bestRated.remove(slot);
    this.ratingSum[slot] = r.sum;
    this.ratingCount[slot] = r.count;
    this.bestRated.insert(slot);
  }

  private nextMark(): number {
    if (this.markGeneration === 0xffffffff) {
      this.mark.fill(0);
      this.markGeneration = 0;
    }
    return ++this.markGeneration;
  }

  private ensure(size: number): void {
    if (size <= this.createdAt.length) return;
    const n = Math.max(size, this.createdAt.length * 2);
    const grow = <A extends Float64Array | Int32Array | Uint32Array>(a: A, b: A): A => (b.set(a), b);
    this.createdAt = grow(this.createdAt, new Float64Array(n));
    this.price = grow(this.price, new Float64Array(n));
    this.ratingSum = grow(this.ratingSum, new Float64Array(n));
    this.ratingCount = grow(this.ratingCount, new Int32Array(n));
    this.mark = grow(this.mark, new Uint32Array(n));
    this.scratchSlots = new Int32Array(n);
    this.scratchScores = new Float64Array(n);
  }
}

function addTo(index: Map<string, Set<number>>, key: string, slot: number): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(slot);
}

function removeFrom(index: Map<string, Set<number>>, key: string, slot: number): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(slot);
  if (set.size === 0) index.delete(key);
}
