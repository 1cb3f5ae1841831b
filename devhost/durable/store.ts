/**
 * Persistence of Durable instances: one JSON file per instance under `<dataDir>/durable/<taskHub>/`, written
 * atomically (temp file + rename). Writes of one instance are chained so that a later snapshot never lands before
 * an earlier one; the snapshot is serialised when `save` is called, so the caller may keep mutating the state.
 */
import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import type { InstanceState } from "./types";

let tempCounter = 0;

export class InstanceStore {
  readonly dir: string;
  private readonly chains = new Map<string, Promise<void>>();

  constructor(dataDir: string, taskHubName: string) {
    this.dir = path.join(dataDir, "durable", safeName(taskHubName));
  }

  /** Loads every stored instance; unreadable files are reported through `onBadFile` and skipped. */
  async loadAll(onBadFile: (file: string, err: unknown) => void): Promise<InstanceState[]> {
    await fsp.mkdir(this.dir, { recursive: true });
    const out: InstanceState[] = [];
    for (const file of await fsp.readdir(this.dir)) {
      const full = path.join(this.dir, file);
      if (file.endsWith(".tmp")) {
        await fsp.rm(full, { force: true }); // a write that never got renamed: the previous file is still valid
        continue;
      }
      if (!file.endsWith(".json")) continue;
      try {
        const state = JSON.parse(await fsp.readFile(full, "utf8")) as InstanceState;
        if (state.schema !== 1 || typeof state.instanceId !== "string") throw new Error("not an instance state file");
        out.push(state);
      } catch (err) {
        onBadFile(file, err);
      }
    }
    return out;
  }

  /** Writes the state as it is now; resolves when it is on disk. */
  save(state: InstanceState): Promise<void> {
    const text = JSON.stringify(state);
    const file = this.fileOf(state.instanceId);
    return this.chain(state.instanceId, async () => {
      await fsp.mkdir(this.dir, { recursive: true });
      const tmp = `${file}.${process.pid}.${++tempCounter}.tmp`;
      await fsp.writeFile(tmp, text, "utf8");
      await fsp.rename(tmp, file);
    });
  }

  delete(instanceId: string): Promise<void> {
    const file = this.fileOf(instanceId);
    return this.chain(instanceId, () => fsp.rm(file, { force: true }));
  }

  /** Resolves when every write issued so far has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private chain(instanceId: string, write: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(instanceId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(write);
    this.chains.set(instanceId, next);
    void next
      .finally(() => {
        if (this.chains.get(instanceId) === next) this.chains.delete(instanceId);
      })
      .catch(() => undefined);
    return next;
  }

  private fileOf(instanceId: string): string {
    return path.join(this.dir, `${safeName(instanceId)}.json`);
  }
}

/** A file name for any id: URI-encoded, or a hash when that would be too long for the file system. */
function safeName(id: string): string {
  const encoded = encodeURIComponent(id).replace(/^\./, "%2E");
  if (encoded.length <= 150) return encoded;
  return `${encoded.slice(0, 80)}~${createHash("sha256").update(id).digest("hex").slice(0, 32)}`;
}
