/** In-memory DeadLetters (tests): dead letters are added by hand; a replay moves one into `replayed`. */
import type { DeadLetter, DeadLetters } from "../../ports/dead-letters";

export class MemoryDeadLetters implements DeadLetters {
  readonly #letters: DeadLetter[] = [];
  readonly replayed: DeadLetter[] = [];

  add(letter: DeadLetter): void {
    this.#letters.push(structuredClone(letter));
  }

  async list(queue: string, limit: number): Promise<DeadLetter[]> {
    return this.#letters
      .filter((l) => l.queue === queue)
      .slice(0, limit)
      .map((l) => structuredClone(l));
  }

  async replay(queue: string, sequenceNumber: string): Promise<boolean> {
    const index = this.#letters.findIndex((l) => l.queue === queue && l.sequenceNumber === sequenceNumber);
    if (index < 0) return false;
    this.replayed.push(...this.#letters.splice(index, 1));
    return true;
  }
}
