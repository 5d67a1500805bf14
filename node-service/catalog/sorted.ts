/**
 * A list kept in order by a total comparator, stored as chunks of at most CHUNK items: an insert or
 * a removal moves at most CHUNK items, where one flat array would move half the catalog each time
 * (quadratic when 100,000 listings arrive in a catch-up).
 */
const CHUNK = 512;

export class SortedList<T> {
  private chunks: T[][] = [];
  private count = 0;
  private readonly compare: (a: T, b: T) => number;
  constructor(compare: (a: T, b: T) => number) {
    this.compare = compare;
  }

  get length(): number {
    return this.count;
  }

  /** Replaces the contents: one sort instead of n inserts. */
  load(items: T[]): void {
    const sorted = [...items].sort(this.compare);
    this.chunks = [];
    for (let i = 0; i < sorted.length; i += CHUNK / 2) this.chunks.push(sorted.slice(i, i + CHUNK / 2));
    this.count = sorted.length;
  }

  insert(item: T): void {
    if (this.chunks.length === 0) this.chunks.push([]);
    const c = this.chunkFor(item);
    const chunk = this.chunks[c]!;
    chunk.splice(lowerBound(chunk, item, this.compare), 0, item);
    this.count++;
    if (chunk.length > CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK / 2));
  }

  /** Removes `item`, which must compare as it did when it was inserted. */
  remove(item: T): boolean {
    if (this.chunks.length === 0) return false;
    const c = this.chunkFor(item);
    const chunk = this.chunks[c]!;
    const i = lowerBound(chunk, item, this.compare);
    if (i >= chunk.length || this.compare(chunk[i]!, item) !== 0) return false;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return true;
  }

  /** Items from position `from` (inclusive) to `to` (exclusive), in order or from the end. */
  slice(from: number, to: number, reverse = false): T[] {
    if (reverse) return this.slice(Math.max(0, this.count - to), Math.max(0, this.count - from)).reverse();
    const out: T[] = [];
    let skip = from;
    for (const chunk of this.chunks) {
      if (out.length >= to - from) break;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      for (let i = skip; i < chunk.length && out.length < to - from; i++) out.push(chunk[i]!);
      skip = 0;
    }
    return out;
  }

  /** Calls `visit` on the items in order (or from the end) until it returns false. */
  walk(visit: (item: T) => boolean, reverse = false): void {
    const chunks = this.chunks;
    if (!reverse) {
      for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c]!;
        for (let i = 0; i < chunk.length; i++) if (!visit(chunk[i]!)) return;
      }
    } else {
      for (let c = chunks.length - 1; c >= 0; c--) {
        const chunk = chunks[c]!;
        for (let i = chunk.length - 1; i >= 0; i--) if (!visit(chunk[i]!)) return;
      }
    }
  }

  // the first chunk whose last item is not below `item` (else the last chunk)
  private chunkFor(item: T): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      if (this.compare(chunk[chunk.length - 1]!, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound<T>(items: T[], item: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(items[mid]!, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
