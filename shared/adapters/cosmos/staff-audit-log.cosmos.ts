/**
 * StaffAuditLog on Cosmos DB, container `staff-audit`, partition key /partition (the case id, or `staff:{day}` for
 * entries without a case): a case's staff actions are one single-partition query. Entries are created, never changed.
 */
import type { Container, Database } from "@azure/cosmos";
import { StaffAuditEntry, type StaffAuditLog } from "../../ports/staff-audit-log";
import { decodeDocument } from "./cosmos-errors.cosmos";
import { COSMOS_CONTAINERS } from "./database.cosmos";

export class CosmosStaffAuditLog implements StaffAuditLog {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.staffAudit);
  }

  async record(entry: StaffAuditEntry): Promise<void> {
    await this.#container.items.create(StaffAuditEntry.parse(entry));
  }

  forCase(caseId: string): Promise<StaffAuditEntry[]> {
    return this.#partition(caseId);
  }

  forDay(day: string): Promise<StaffAuditEntry[]> {
    return this.#partition(`staff:${day}`);
  }

  async #partition(partition: string): Promise<StaffAuditEntry[]> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        { query: "SELECT * FROM c WHERE c.partition = @p", parameters: [{ name: "@p", value: partition }] },
        { partitionKey: partition },
      )
      .fetchAll();
    return resources
      .map((doc) => decodeDocument(StaffAuditEntry, doc, { container: this.#container.id, storageOnly: [] }))
      .sort((a, b) => a.at.localeCompare(b.at));
  }
}
