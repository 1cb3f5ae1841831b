/** Every creditor (tenant) the agency serves, by id and name: what a service agent's or operator's portal lists. */
export interface TenantSummary {
  tenantId: string;
  name: string;
}

export interface TenantDirectory {
  /** All tenants, by name; at most `limit`. */
  list(limit: number): Promise<TenantSummary[]>;
}
