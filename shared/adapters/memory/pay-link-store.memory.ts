/** In-memory PayLinkStore (tests, dev host without Cosmos DB). `put` of an existing token hash replaces it. */
import type { PayLink, PayLinkStore } from "../../ports/pay-link-store";

export class MemoryPayLinkStore implements PayLinkStore {
  readonly #links = new Map<string, PayLink>();

  async put(link: PayLink): Promise<void> {
    this.#links.set(link.tokenHash, structuredClone(link));
  }

  async putMany(links: readonly PayLink[]): Promise<void> {
    for (const link of links) await this.put(link);
  }

  async get(tokenHash: string): Promise<PayLink | undefined> {
    const link = this.#links.get(tokenHash);
    return link === undefined ? undefined : structuredClone(link);
  }

  async markOpened(tokenHash: string, at: string): Promise<void> {
    const link = this.#links.get(tokenHash);
    if (link && link.openedAt === undefined) link.openedAt = at;
  }
}
