/**
 * An array kept in order by a total comparator. Insert and remove are a binary search plus one
 * memmove, which at 100,000 items costs microseconds, so no query ever has to sort the catalog.
 */
export class SortedList<T> {
  readonly items: T[] = [];
  private readonly compare: (a: T, b: T) => number;
  constructor(compare: (a: T, b: T) => number) {
    this.compare = compare;
  }

  insert(item: T): void {
    this.items.splice(this.lowerBound(item), 0, item);
  }

  /** Removes `item`, which must compare as it did when it was inserted. */
  remove(item: T): boolean {
    const i = this.lowerBound(item);
    if (i < this.items.length && this.compare(this.items[i]!, item) === 0) {
      this.items.splice(i, 1);
      return true;
    }
    return false;
  }

  private lowerBound(item: T): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.items[mid]!, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
