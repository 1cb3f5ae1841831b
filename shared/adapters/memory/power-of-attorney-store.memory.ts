/** PowerOfAttorneyStore in memory (tests). */
import {
  StoredPowerOfAttorney,
  type PowerOfAttorneyStore,
  type StoredPowerOfAttorney as Grant,
} from "../../ports/power-of-attorney-store";

export class MemoryPowerOfAttorneyStore implements PowerOfAttorneyStore {
  readonly grants = new Map<string, Grant>();

  async put(grant: Grant): Promise<void> {
    this.grants.set(grant.id, StoredPowerOfAttorney.parse(structuredClone(grant)));
  }

  async listByGrantee(granteeRef: string): Promise<Grant[]> {
    return [...this.grants.values()].filter((g) => g.granteeRef === granteeRef).map((g) => structuredClone(g));
  }

  async listByGrantor(grantorRef: string): Promise<Grant[]> {
    return [...this.grants.values()].filter((g) => g.grantorRef === grantorRef).map((g) => structuredClone(g));
  }
}
