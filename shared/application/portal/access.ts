/**
 * Who may see what in the creditor portal and customer-service console (issue 16) — the ONE check every portal route
 * goes through, as Min side's `mayAccessCase`: a creditor role (viewer, editor) sees only the creditor tenant its sign-in
 * named; a service agent and an operator see every tenant. A tenant the staff user may not see is answered exactly as
 * a missing one (404), so the answer tells nothing about other creditors.
 */
import type { StaffRole } from "../../ports/staff-identity-provider";
import type { TenantSummary } from "../../ports/tenant-directory";

export interface Staff {
  subject: string;
  displayName: string;
  roles: readonly StaffRole[];
  creditorTenantId?: string;
}

const ALL_TENANT_ROLES: readonly StaffRole[] = ["service.agent", "operator"];
const CREDITOR_ROLES: readonly StaffRole[] = ["creditor.viewer", "creditor.editor"];

/** Sees every tenant the agency serves. */
export function seesAllTenants(staff: Staff): boolean {
  return staff.roles.some((r) => ALL_TENANT_ROLES.includes(r));
}

/** May this staff user see (read) this tenant's pages and cases? */
export function mayAccessTenant(staff: Staff, tenantId: string): boolean {
  if (seesAllTenants(staff)) return true;
  return (
    staff.creditorTenantId !== undefined &&
    staff.creditorTenantId === tenantId &&
    staff.roles.some((r) => CREDITOR_ROLES.includes(r))
  );
}

/** May this staff user act (change something) on this tenant's cases? A viewer may not. */
export function mayActOnTenant(staff: Staff, tenantId: string): boolean {
  if (!mayAccessTenant(staff, tenantId)) return false;
  return staff.roles.some((r) => r !== "creditor.viewer");
}

/** Has some role at all: a sign-in without any known role is refused (nothing to show). */
export function hasAnyAccess(staff: Staff): boolean {
  return (
    seesAllTenants(staff) ||
    (staff.creditorTenantId !== undefined && staff.roles.some((r) => CREDITOR_ROLES.includes(r)))
  );
}

/** The tenants of `all` the staff user may see. */
export function visibleTenants(staff: Staff, all: readonly TenantSummary[]): TenantSummary[] {
  return all.filter((t) => mayAccessTenant(staff, t.tenantId));
}
