import { describe, expect, it } from "vitest";
import {
  hasAnyAccess,
  mayAccessTenant,
  mayActOnTenant,
  visibleTenants,
  type Staff,
} from "../../../../shared/application/portal/access";

const staff = (roles: Staff["roles"], creditorTenantId?: string): Staff => ({
  subject: "sub-1",
  displayName: "",
  roles,
  ...(creditorTenantId ? { creditorTenantId } : {}),
});
const TENANTS = [
  { tenantId: "t_a", name: "A" },
  { tenantId: "t_b", name: "B" },
];

describe("who may see which tenant in the portal", () => {
  it("lets a creditor viewer see only the tenant her sign-in names, and not act on it", () => {
    const viewer = staff(["creditor.viewer"], "t_a");
    expect(mayAccessTenant(viewer, "t_a")).toBe(true);
    expect(mayAccessTenant(viewer, "t_b")).toBe(false);
    expect(mayActOnTenant(viewer, "t_a")).toBe(false);
    expect(visibleTenants(viewer, TENANTS).map((t) => t.tenantId)).toEqual(["t_a"]);
  });

  it("lets a creditor editor act on her own tenant only", () => {
    const editor = staff(["creditor.editor"], "t_a");
    expect(mayActOnTenant(editor, "t_a")).toBe(true);
    expect(mayActOnTenant(editor, "t_b")).toBe(false);
  });

  it("lets service agents and operators see every tenant", () => {
    for (const role of ["service.agent", "operator"] as const) {
      expect(visibleTenants(staff([role]), TENANTS)).toHaveLength(2);
      expect(mayActOnTenant(staff([role]), "t_b")).toBe(true);
    }
  });

  it("gives a creditor role without a tenant, or no role at all, nothing", () => {
    expect(hasAnyAccess(staff(["creditor.editor"]))).toBe(false);
    expect(hasAnyAccess(staff([]))).toBe(false);
    expect(visibleTenants(staff(["creditor.viewer"]), TENANTS)).toEqual([]);
  });
});
