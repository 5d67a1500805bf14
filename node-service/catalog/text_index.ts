/**
 * The inverted index behind listing search. MiniSearch's SearchableMap (a radix tree) holds the
 * vocabulary and answers prefix and fuzzy lookups; the postings and the scoring are ours, in flat
 * arrays, because MiniSearch's own search allocates a result object per matching document and took
 * 0.5 to 1.4 s for a common word over 100,000 listings.
 *
 * Scoring is BM25F with fixed field lengths, so a document's weights do not depend on what else
 * was indexed before it: two nodes with the same catalog rank alike.
 */
import SearchableMap from "minisearch/SearchableMap";

export interface TextFields {
  title: string;
  tags: readonly string[];
  model: string;
  description: string;
}

// [field, boost, typical length in terms]
const FIELDS = [
  ["title", 3, 6],
  ["tags", 2, 3],
  ["model", 2, 3],
  ["description", 1, 40],
] as const;
const K1 = 1.2;
const B = 0.7;
/** Words beyond this many in one query are ignored: each costs a pass over its postings. */
export const MAX_QUERY_WORDS = 12;
const MAX_TERM_LENGTH = 40;
// a one- or two-letter prefix matches a large part of the vocabulary and says little
const MIN_PREFIX = 3;
const PREFIX_FACTOR = 0.5;
const FUZZY_FACTOR = 0.3;

// Words in nearly every listing: they make the index larger and a query slower and select nothing.
const STOP_WORDS = new Set("a an and are as at be by for from in into is it its of on or that the this to with you your".split(" "));

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length > 0 && raw.length <= MAX_TERM_LENGTH && !STOP_WORDS.has(raw)) out.push(raw);
  }
  return out;
}

interface Postings {
  docs: number[];
  weights: number[];
  /** entries whose document is gone, removed in one pass once they are a quarter of the list */
  dead: number;
}

/** Both arrays are the index's scratch space: valid until its next search. */
export interface TextMatches {
  /** matching document slots, unordered */
  slots: Int32Array;
  /** relevance by slot */
  score: Float64Array;
}

export class TextIndex {
  // the same postings twice: a Map for the many exact lookups of indexing, the radix tree (touched
  // only when a word enters or leaves the vocabulary) for prefix and fuzzy lookups
  private readonly terms = new Map<string, Postings>();
  private readonly vocabulary = new SearchableMap<Postings>();
  private alive = new Uint8Array(1024);
  // postings entries still naming a slot: a slot is reused only when none is left, so an old entry
  // can never be mistaken for the new document
  private refs = new Int32Array(1024);
  private readonly free: number[] = [];
  private slots = 0;
  private live = 0;
  // per-query scratch by slot; `stamp` marks the entries written by the current query
  private stamp = new Uint32Array(1024);
  private matched = new Uint16Array(1024);
  private score = new Float64Array(1024);
  private found = new Int32Array(1024);
  private generation = 0;

  get size(): number {
    return this.live;
  }

  /** Indexes a document and returns its slot, the handle for remove. */
  add(fields: TextFields): number {
    const slot = this.free.pop() ?? this.slots++;
    this.ensure(slot + 1);
    const weights = new Map<string, number>();
    for (const [name, boost, typical] of FIELDS) {
      const value = fields[name];
      const tokens = tokenize(typeof value === "string" ? value : value.join(" "));
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      const norm = K1 * (1 - B + (B * tokens.length) / typical);
      for (const [t, n] of tf) weights.set(t, (weights.get(t) ?? 0) + (boost * n * (K1 + 1)) / (n + norm));
    }
    for (const [t, w] of weights) {
      let p = this.terms.get(t);
      if (!p) {
        p = { docs: [], weights: [], dead: 0 };
        this.terms.set(t, p);
        this.vocabulary.set(t, p);
      }
      p.docs.push(slot);
      p.weights.push(w);
    }
    this.alive[slot] = 1;
    this.refs[slot] = weights.size;
    this.live++;
    return slot;
  }

  /** Forgets a document; `fields` must be what was added under `slot`. */
  remove(slot: number, fields: TextFields): void {
    if (!this.alive[slot]) return;
    this.alive[slot] = 0;
    this.live--;
    if (this.refs[slot] === 0) this.free.push(slot);
    const seen = new Set<string>();
    for (const [name] of FIELDS) {
      const value = fields[name];
      for (const t of tokenize(typeof value === "string" ? value : value.join(" "))) {
        if (seen.has(t)) continue;
        seen.add(t);
        const p = this.terms.get(t);
        if (!p) continue;
        p.dead++;
        if (p.dead * 4 >= p.docs.length) this.compact(t, p);
      }
    }
  }

  /**
   * Documents that match every word of `text`: the last word (from three letters) also as a prefix,
   * a word of six letters or more that matches nothing as written also with one typo. Undefined
   * when `text` has no searchable word, so the caller can treat it as no text.
   */
  search(text: string): TextMatches | undefined {
    const words = [...new Set(tokenize(text))].slice(0, MAX_QUERY_WORDS);
    if (words.length === 0) return undefined;
    const groups = words.map((w, i) => this.expand(w, i === words.length - 1));
    if (groups.some((g) => g.length === 0)) return { slots: new Int32Array(0), score: this.score };
    // the rarest word first: it bounds the candidates the others only add to
    const cost = (g: Expansion[]) => g.reduce((n, e) => n + e.postings.docs.length, 0);
    groups.sort((a, b) => cost(a) - cost(b));

    const gen = this.nextGeneration();
    const { stamp, matched, score, alive, found } = this;
    let count = 0;
    const n = this.live;
    for (let g = 0; g < groups.length; g++) {
      for (const { postings: p, factor } of groups[g]!) {
        const df = p.docs.length - p.dead;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * factor;
        const docs = p.docs;
        const weights = p.weights;
        for (let i = 0; i < docs.length; i++) {
          const d = docs[i]!;
          if (!alive[d]) continue;
          if (g === 0) {
            if (stamp[d] !== gen) {
              stamp[d] = gen;
              matched[d] = 1;
              score[d] = 0;
              found[count++] = d;
            }
          } else {
            if (stamp[d] !== gen || matched[d]! < g) continue;
            if (matched[d] === g) matched[d] = g + 1;
          }
          score[d] = score[d]! + idf * weights[i]!;
        }
      }
    }
    if (groups.length > 1) {
      let kept = 0;
      for (let i = 0; i < count; i++) if (matched[found[i]!] === groups.length) found[kept++] = found[i]!;
      count = kept;
    }
    return { slots: found.subarray(0, count), score };
  }

  private expand(word: string, last: boolean): Expansion[] {
    const found = new Map<string, Expansion>();
    const exact = this.terms.get(word);
    if (exact) found.set(word, { postings: exact, factor: 1 });
    if (last && word.length >= MIN_PREFIX) {
      for (const [term, postings] of this.vocabulary.atPrefix(word).entries()) {
        if (!found.has(term)) found.set(term, { postings, factor: PREFIX_FACTOR });
      }
    }
    if (found.size === 0 && word.length >= 6) {
      for (const [term, [postings]] of this.vocabulary.fuzzyGet(word, 1)) found.set(term, { postings, factor: FUZZY_FACTOR });
    }
    return [...found.values()];
  }

  private compact(term: string, p: Postings): void {
    const docs: number[] = [];
    const weights: number[] = [];
    for (let i = 0; i < p.docs.length; i++) {
      const d = p.docs[i]!;
      if (this.alive[d]) {
        docs.push(d);
        weights.push(p.weights[i]!);
      } else if (--this.refs[d]! === 0) {
        this.free.push(d);
      }
    }
    if (docs.length === 0) {
      this.terms.delete(term);
      this.vocabulary.delete(term);
    } else {
      p.docs = docs;
      p.weights = weights;
      p.dead = 0;
    }
  }

  private nextGeneration(): number {
    if (this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }

  private ensure(size: number): void {
    if (size <= this.alive.length) return;
    const capacity = Math.max(size, this.alive.length * 2);
    const grow = <A extends Uint8Array | Int32Array | Uint32Array | Uint16Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.alive = grow(this.alive, (n) => new Uint8Array(n));
    this.refs = grow(this.refs, (n) => new Int32Array(n));
    this.stamp = grow(this.stamp, (n) => new Uint32Array(n));
    this.matched = grow(this.matched, (n) => new Uint16Array(n));
    this.score = grow(this.score, (n) => new Float64Array(n));
    this.found = grow(this.found, (n) => new Int32Array(n));
  }
}

interface Expansion {
  postings: Postings;
  factor: number;
}
