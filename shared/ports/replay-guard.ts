/**
 * Remembers signed deliveries seen recently (a provider's webhooks), so the very same delivery sent again is
 * refused. Entries only need to outlive the signature's date window: after that the date check refuses it anyway.
 */
export interface ReplayGuard {
  /** True the first time `key` is seen before `until`; false for a repeat. */
  firstSeen(key: string, until: Date, now: Date): boolean;
}
