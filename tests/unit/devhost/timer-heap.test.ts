import { describe, expect, it } from "vitest";
import { type HeapEntry, TimerHeap } from "../../../devhost/timer-heap";

interface E extends HeapEntry {
  id: number;
}

/** A small deterministic PRNG, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("the timer heap", () => {
  it("pops in (time, insertion) order under random pushes and removals, like a sorted list would", () => {
    const random = rng(42);
    const heap = new TimerHeap<E>();
    let reference: E[] = [];
    let seq = 0;
    const popped: number[] = [];
    const expected: number[] = [];
    for (let step = 0; step < 5_000; step++) {
      const r = random();
      if (r < 0.55) {
        // Few distinct times, so that ties are common.
        const e: E = { at: Math.floor(random() * 50), seq: ++seq, id: seq, heapIndex: -1 };
        heap.push(e);
        reference.push(e);
      } else if (r < 0.75 && reference.length > 0) {
        const victim = reference[Math.floor(random() * reference.length)]!;
        expect(heap.remove(victim)).toBe(true);
        expect(heap.remove(victim)).toBe(false);
        reference = reference.filter((e) => e !== victim);
      } else {
        reference.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const want = reference.shift();
        const got = heap.pop();
        expected.push(want?.id ?? -1);
        popped.push(got?.id ?? -1);
      }
      expect(heap.size).toBe(reference.length);
    }
    expect(popped).toEqual(expected);
    expect(heap.sorted().map((e) => e.id)).toEqual(
      reference.sort((a, b) => a.at - b.at || a.seq - b.seq).map((e) => e.id),
    );
  });

  it("clears, forgetting positions", () => {
    const heap = new TimerHeap<E>();
    const e: E = { at: 1, seq: 1, id: 1, heapIndex: -1 };
    heap.push(e);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(e.heapIndex).toBe(-1);
    expect(heap.remove(e)).toBe(false);
    expect(heap.pop()).toBeUndefined();
  });
});
