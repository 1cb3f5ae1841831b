/** MinSideSessionStore in memory (tests). */
import {
  StoredMinSideDocument,
  type MinSideSessionStore,
  type StoredMinSideDocument as Doc,
} from "../../ports/min-side-session-store";

export class MemoryMinSideSessionStore implements MinSideSessionStore {
  readonly docs = new Map<string, Doc>();

  async get(id: string): Promise<Doc | undefined> {
    const doc = this.docs.get(id);
    return doc === undefined ? undefined : structuredClone(doc);
  }

  async put(doc: Doc): Promise<void> {
    this.docs.set(doc.id, StoredMinSideDocument.parse(structuredClone(doc)));
  }

  async delete(id: string): Promise<void> {
    this.docs.delete(id);
  }
}
