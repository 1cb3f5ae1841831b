/**
 * Remembers signed deliveries seen recently (a provider's webhooks), so the very same delivery sent again is
 * recognised (refused, or acknowledged without acting again — the caller decides). Entries only need to outlive the
 * window in which the caller accepts a delivery's date.
 */
export interface ReplayGuard {
  /** True the first time `key` is seen before `until`; false for a repeat. */
  firstSeen(key: string, until: Date, now: Date): boolean;
  /** Forgets `key` (what its first sighting was to do failed, so the next copy must count as the first). */
  forget?(key: string): void;
}
