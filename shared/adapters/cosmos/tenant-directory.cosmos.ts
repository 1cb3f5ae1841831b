/**
 * TenantDirectory on Cosmos DB: the tenant documents of container `tenants` (one cross-partition query; the agency
 * serves tens of creditors, not millions), by name.
 */
import type { Container, Database } from "@azure/cosmos";
import type { TenantDirectory, TenantSummary } from "../../ports/tenant-directory";
import { COSMOS_CONTAINERS } from "./database.cosmos";

export class CosmosTenantDirectory implements TenantDirectory {
  readonly #container: Container;

  constructor(options: { database: Database; containerId?: string }) {
    this.#container = options.database.container(options.containerId ?? COSMOS_CONTAINERS.tenants);
  }

  async list(limit: number): Promise<TenantSummary[]> {
    const { resources } = await this.#container.items
      .query<{ tenantId?: unknown; name?: unknown }>({
        query: "SELECT * FROM c WHERE c.type = @type",
        parameters: [{ name: "@type", value: "tenant" }],
      })
      .fetchAll();
    return resources
      .filter(
        (d): d is { tenantId: string; name: string } => typeof d.tenantId === "string" && typeof d.name === "string",
      )
      .map((d) => ({ tenantId: d.tenantId, name: d.name }))
      .sort((a, b) => a.name.localeCompare(b.name, "nb"))
      .slice(0, limit);
  }
}
