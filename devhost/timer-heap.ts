/**
 * An indexed binary min-heap of timer entries ordered by (`at`, `seq`): the earliest first, entries due at the same
 * instant in insertion order (`seq` is increasing). Insert, remove-first and remove-any are O(log n); each entry keeps
 * its position in the heap (`heapIndex`), so a cancelled entry leaves at once instead of lingering until it is due.
 */
export interface HeapEntry {
  readonly at: number;
  readonly seq: number;
  /** Position in the heap; -1 when the entry is not in one. Maintained by the heap. */
  heapIndex: number;
}

export class TimerHeap<E extends HeapEntry> {
  private readonly items: E[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The earliest entry, or undefined when empty. */
  peek(): E | undefined {
    return this.items[0];
  }

  push(entry: E): void {
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.up(entry.heapIndex);
  }

  /** Removes and returns the earliest entry. */
  pop(): E | undefined {
    const first = this.items[0];
    if (first) this.removeAt(0);
    return first;
  }

  /** Removes `entry` if it is in this heap; true when it was. */
  remove(entry: E): boolean {
    const i = entry.heapIndex;
    if (i < 0 || this.items[i] !== entry) return false;
    this.removeAt(i);
    return true;
  }

  /** Every entry in firing order (O(n log n); for diagnostics). */
  sorted(): E[] {
    return [...this.items].sort(before);
  }

  clear(): void {
    for (const e of this.items) e.heapIndex = -1;
    this.items.length = 0;
  }

  private removeAt(i: number): void {
    const items = this.items;
    const removed = items[i]!;
    const last = items.pop()!;
    removed.heapIndex = -1;
    if (i === items.length) return; // it was the last one
    items[i] = last;
    last.heapIndex = i;
    if (i > 0 && before(last, items[(i - 1) >> 1]!) < 0) this.up(i);
    else this.down(i);
  }

  private up(i: number): void {
    const items = this.items;
    const entry = items[i]!;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex]!;
      if (before(entry, parent) >= 0) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = parentIndex;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const entry = items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(items[right]!, items[left]!) < 0 ? right : left;
      if (before(items[child]!, entry) >= 0) break;
      items[i] = items[child]!;
      items[i]!.heapIndex = i;
      i = child;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }
}

function before(a: HeapEntry, b: HeapEntry): number {
  return a.at - b.at || a.seq - b.seq;
}
