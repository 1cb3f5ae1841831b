import { describe, expect, it } from "vitest";
import { MemoryReplayGuard } from "../../../../shared/adapters/memory/replay-guard.memory";

const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 12, 0, s));

describe("MemoryReplayGuard", () => {
  it("refuses a delivery seen before until its window ends, then forgets it", () => {
    const guard = new MemoryReplayGuard();
    expect(guard.firstSeen("sig-1", at(10), at(0))).toBe(true);
    expect(guard.firstSeen("sig-1", at(10), at(5))).toBe(false);
    expect(guard.firstSeen("sig-2", at(10), at(5))).toBe(true);
    expect(guard.firstSeen("sig-1", at(20), at(11))).toBe(true);
  });

  it("stays within its bound, dropping the oldest entries first", () => {
    const guard = new MemoryReplayGuard(3);
    for (const key of ["a", "b", "c", "d"]) expect(guard.firstSeen(key, at(50), at(0))).toBe(true);
    expect(guard.firstSeen("d", at(50), at(1))).toBe(false);
    expect(guard.firstSeen("c", at(50), at(1))).toBe(false);
    expect(guard.firstSeen("a", at(50), at(1))).toBe(true); // dropped to stay within 3 entries
  });
});
