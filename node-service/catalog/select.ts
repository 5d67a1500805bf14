// Picking a page out of many matches without sorting them all (see search.ts).

/** Slots in every one of `sets` (the smallest walked, the others probed), written into `out`. */
export function intersect(sets: ReadonlySet<number>[], out: Int32Array): Int32Array {
  const [first, ...rest] = [...sets].sort((a, b) => a.size - b.size);
  let n = 0;
  for (const s of first!) if (rest.every((r) => r.has(s))) out[n++] = s;
  return out.subarray(0, n);
}

/**
 * Ranks offset..end-1 of `slots` by descending score, equal scores newest first, without sorting
 * them all: two selections find the scores at both ends of the page, the slots between are grouped
 * by score, and a large group of equal scores (common: a word once in descriptions of one length)
 * is cut down by a selection on the date before anything is sorted.
 */
export function scoreWindow(
  slots: Int32Array,
  score: Float64Array,
  scratch: Float64Array,
  createdAt: Float64Array,
  offset: number,
  end: number,
  newest: (a: number, b: number) => number,
): number[] {
  const m = slots.length;
  if (m <= 4 * (end - offset) + 64) return Array.from(slots).sort((a, b) => score[b]! - score[a]! || newest(a, b)).slice(offset, end);
  const values = scratch.subarray(0, m);
  for (let i = 0; i < m; i++) values[i] = score[slots[i]!]!;
  const lowest = kthLargest(values, Math.min(end, m));
  const highest = offset > 0 ? kthLargest(values, offset + 1) : Infinity;
  let rank = 0; // slots above `highest` come before the page
  const groups = new Map<number, number[]>();
  for (let i = 0; i < m; i++) {
    const s = slots[i]!;
    const v = score[s]!;
    if (v > highest) rank++;
    else if (v >= lowest) {
      const g = groups.get(v);
      if (g) g.push(s);
      else groups.set(v, [s]);
    }
  }
  const page: number[] = [];
  for (const v of [...groups.keys()].sort((a, b) => b - a)) {
    const group = groups.get(v)!;
    const from = Math.max(0, offset - rank);
    const to = Math.min(group.length, end - rank);
    if (from < to) page.push(...firstByDate(group, to, createdAt, newest).slice(from));
    rank += group.length;
    if (rank >= end) break;
  }
  return page;
}

/** The first `k` of `slots` by `newest`, selecting on the date first when there are many. */
function firstByDate(slots: number[], k: number, createdAt: Float64Array, newest: (a: number, b: number) => number): number[] {
  if (slots.length > 4 * k + 64) {
    const dates = new Float64Array(slots.length);
    for (let i = 0; i < slots.length; i++) dates[i] = createdAt[slots[i]!]!;
    const cut = kthLargest(dates, k);
    slots = slots.filter((s) => createdAt[s]! >= cut);
  }
  return slots.sort(newest).slice(0, k);
}

/** The k-th largest value (k from 1), by quickselect with Hoare partitions; reorders `a`. */
function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target]!;
}
