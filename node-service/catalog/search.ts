/**
 * Full-text search over the prompt listings of a CatalogStore, kept in step through onChange. Text
 * goes to a MiniSearch index; every other order is kept pre-sorted, so a query walks a list instead
 * of sorting the catalog.
 */
import MiniSearch from "minisearch";
import Type, { type Static } from "typebox";
import { Compile } from "typebox/compile";
import { AscendError } from "../utils/errors.ts";
import { TagSchema, type PromptRecord } from "./records.ts";
import type { VerifiedRecord } from "./signing.ts";
import { SortedList } from "./sorted.ts";
import type { CatalogStore } from "./store.ts";
import { schemaProblems } from "./validate.ts";

export const SEARCH_SORTS = ["relevance", "newest", "price-asc", "price-desc", "rating"] as const;
export const MAX_SEARCH_LIMIT = 100;
export const DEFAULT_SEARCH_LIMIT = 20;

export const SearchQuerySchema = Type.Object(
  {
    text: Type.Optional(Type.String({ maxLength: 200 })),
    /** listings carrying all of these tags */
    tags: Type.Optional(Type.Array(TagSchema, { maxItems: 8 })),
    /** exact model name, case-insensitive */
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** default: relevance with text, newest without */
    sort: Type.Optional(Type.Enum(SEARCH_SORTS)),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
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

interface Listing {
  readonly id: string;
  readonly record: PromptRecord & VerifiedRecord;
  readonly createdAt: number;
  readonly price: bigint;
  readonly model: string;
  // the rating order sorts on these, so they change only while the listing is out of that order
  ratingSum: number;
  ratingCount: number;
}

const byId = (a: Listing, b: Listing) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const newestFirst = (a: Listing, b: Listing) => b.createdAt - a.createdAt || byId(a, b);
const cheapestFirst = (a: Listing, b: Listing) => (a.price < b.price ? -1 : a.price > b.price ? 1 : byId(a, b));
const average = (l: Listing) => (l.ratingCount === 0 ? 0 : l.ratingSum / l.ratingCount);
const bestRatedFirst = (a: Listing, b: Listing) => average(b) - average(a) || b.ratingCount - a.ratingCount || newestFirst(a, b);

const checkQuery = Compile(SearchQuerySchema);

// Words in nearly every listing: they make the index larger and a query slower and select nothing.
const STOP_WORDS = new Set("a an and are as at be by for from in into is it its of on or that the this to with you your".split(" "));
const processTerm = (term: string) => {
  const t = term.toLowerCase();
  return STOP_WORDS.has(t) ? null : t;
};

export class CatalogSearch {
  private readonly listings = new Map<string, Listing>();
  private readonly ratings = new Map<string, { sum: number; count: number }>();
  private readonly newest = new SortedList(newestFirst);
  private readonly cheapest = new SortedList(cheapestFirst);
  private readonly bestRated = new SortedList(bestRatedFirst);
  private readonly text = new MiniSearch<{ id: string; title: string; tags: string; model: string; description: string }>({
    fields: ["title", "tags", "model", "description"],
    storeFields: [],
    processTerm,
    searchOptions: {
      processTerm,
      boost: { title: 3, tags: 2, model: 2 },
      // every word must match (a search box narrows as one types); the last may be a prefix
      combineWith: "AND",
      prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 2,
      fuzzy: (term) => (term.length >= 6 ? 1 : false),
    },
  });
  private readonly unsubscribe: () => void;

  constructor(store: CatalogStore) {
    for (const r of store.list("rating")) this.rate(r.body.target, r.body.stars, 1);
    for (const r of store.list("prompt")) this.add(r);
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
    return this.listings.size;
  }

  /** Stops following the store. */
  close(): void {
    this.unsubscribe();
  }

  /** Validates `input` against SearchQuerySchema (BAD_REQUEST naming the field) and runs it. */
  query(input: SearchQuery = {}): SearchResult {
    if (!checkQuery.Check(input)) throw new AscendError("BAD_REQUEST", `search query: ${schemaProblems(checkQuery, input).join("; ")}`);
    const text = input.text?.trim() ?? "";
    const sort = input.sort ?? (text ? "relevance" : "newest");
    const offset = input.offset ?? 0;
    const end = offset + (input.limit ?? DEFAULT_SEARCH_LIMIT);
    const tags = input.tags ?? [];
    const model = input.model?.toLowerCase();
    const filtered = tags.length > 0 || model !== undefined;
    const passes = (l: Listing) => (model === undefined || l.model === model) && tags.every((t) => l.record.body.tags.includes(t));

    if (!text) {
      const order = this.order(sort);
      if (!filtered) return { total: order.length, items: window(order, sort, offset, end).map((l) => this.hit(l)) };
      return this.walk(order, sort, passes, offset, end);
    }

    const found = this.text.search(text, filtered ? { filter: (r) => passes(this.listings.get(r.id as string)!) } : {});
    if (sort === "relevance") {
      return { total: found.length, items: found.slice(offset, end).map((r) => this.hit(this.listings.get(r.id as string)!, r.score)) };
    }
    const order = this.order(sort);
    // few matches: sort them; many: walk the kept order and skip the rest (linear, no sort)
    if (found.length * 16 < order.length) {
      const matches = found.map((r) => this.listings.get(r.id as string)!);
      matches.sort(comparator(sort));
      return { total: matches.length, items: matches.slice(offset, end).map((l) => this.hit(l)) };
    }
    const ids = new Set(found.map((r) => r.id as string));
    return this.walk(order, sort, (l) => ids.has(l.id), offset, end);
  }

  private order(sort: SearchSort): Listing[] {
    if (sort === "price-asc" || sort === "price-desc") return this.cheapest.items;
    if (sort === "rating") return this.bestRated.items;
    return this.newest.items;
  }

  private walk(order: Listing[], sort: SearchSort, passes: (l: Listing) => boolean, offset: number, end: number): SearchResult {
    const items: SearchHit[] = [];
    let total = 0;
    const reverse = sort === "price-desc";
    for (let i = 0; i < order.length; i++) {
      const l = order[reverse ? order.length - 1 - i : i]!;
      if (!passes(l)) continue;
      if (total >= offset && total < end) items.push(this.hit(l));
      total++;
    }
    return { total, items };
  }

  private hit(l: Listing, score?: number): SearchHit {
    const rating = { average: average(l), count: l.ratingCount };
    return score === undefined ? { record: l.record, rating } : { record: l.record, rating, score };
  }

  private add(record: PromptRecord & VerifiedRecord): void {
    const r = this.ratings.get(record.id);
    const l: Listing = {
      id: record.id,
      record,
      createdAt: record.createdAt ?? 0,
      price: BigInt(record.body.price),
      model: record.body.model.toLowerCase(),
      ratingSum: r?.sum ?? 0,
      ratingCount: r?.count ?? 0,
    };
    this.listings.set(l.id, l);
    this.newest.insert(l);
    this.cheapest.insert(l);
    this.bestRated.insert(l);
    const b = record.body;
    this.text.add({ id: l.id, title: b.title, tags: b.tags.join(" "), model: b.model, description: b.description });
  }

  private remove(id: string): void {
    const l = this.listings.get(id);
    if (!l) return;
    this.listings.delete(id);
    this.newest.remove(l);
    this.cheapest.remove(l);
    this.bestRated.remove(l);
    // discard marks the document gone at once and leaves the index cleanup to vacuuming
    this.text.discard(id);
  }

  // Ratings may arrive before the listing they rate, so they are summed per target id on their own.
  private rate(target: { kind: string; id: string }, stars: number, sign: 1 | -1): void {
    if (target.kind !== "prompt") return;
    const r = this.ratings.get(target.id) ?? { sum: 0, count: 0 };
    r.sum += sign * stars;
    r.count += sign;
    if (r.count === 0) this.ratings.delete(target.id);
    else this.ratings.set(target.id, r);
    const l = this.listings.get(target.id);
    if (!l) return;
    this.bestRated.remove(l);
    l.ratingSum = r.sum;
    l.ratingCount = r.count;
    this.bestRated.insert(l);
  }
}

function comparator(sort: SearchSort): (a: Listing, b: Listing) => number {
  if (sort === "price-asc") return cheapestFirst;
  if (sort === "price-desc") return (a, b) => cheapestFirst(b, a);
  if (sort === "rating") return bestRatedFirst;
  return newestFirst;
}

function window(order: Listing[], sort: SearchSort, offset: number, end: number): Listing[] {
  if (sort !== "price-desc") return order.slice(offset, end);
  const n = order.length;
  return order.slice(Math.max(0, n - end), Math.max(0, n - offset)).reverse();
}
