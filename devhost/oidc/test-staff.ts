/**
 * The dev host's test STAFF users for the creditor portal and customer-service console (issue 16), offered by the
 * local OpenID Connect provider to the portal's client. Their ID tokens carry what Entra ID's would: `sub`, `name`,
 * the app roles in `roles`, and for a creditor role the creditor tenant in `creditor_tenant` (PORTAL_OIDC_TENANT_CLAIM).
 */
import { DEMO_TENANT_ID } from "../demo-tenant";

export interface TestStaffUser {
  sub: string;
  name: string;
  roles: string[];
  creditorTenant?: string;
  note: string;
}

export const TEST_STAFF: readonly TestStaffUser[] = [
  {
    sub: "test-staff-viewer",
    name: "Vera Visning",
    roles: ["creditor.viewer"],
    creditorTenant: DEMO_TENANT_ID,
    note: "leser hos Demo Kreditor AS",
  },
  {
    sub: "test-staff-editor",
    name: "Erik Endring",
    roles: ["creditor.editor"],
    creditorTenant: DEMO_TENANT_ID,
    note: "redaktør hos Demo Kreditor AS",
  },
  { sub: "test-staff-agent", name: "Siri Service", roles: ["service.agent"], note: "kundeservice, alle kreditorer" },
  { sub: "test-staff-operator", name: "Ola Drift", roles: ["operator"], note: "drift" },
];
