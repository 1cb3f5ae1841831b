/**
 * In-memory EventPublisher for unit tests: keeps what was published, in order, and — like the topic's duplicate
 * detection — drops an event whose id was published before.
 */
import type { CaseEventMessage, EventPublisher } from "../../ports/event-publisher";

export class MemoryEventPublisher implements EventPublisher {
  readonly published: CaseEventMessage[] = [];
  readonly #seen = new Set<string>();

  async publish(events: CaseEventMessage[]): Promise<void> {
    for (const event of events) {
      if (this.#seen.has(event.id)) continue;
      this.#seen.add(event.id);
      this.published.push(structuredClone(event));
    }
  }

  /** The published events of one type (or all), for assertions. */
  ofType(type?: CaseEventMessage["type"]): CaseEventMessage[] {
    return type === undefined ? [...this.published] : this.published.filter((e) => e.type === type);
  }
}
