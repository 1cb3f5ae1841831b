import { describe, expect, it } from "vitest";
import { callbackSecretOf, PartnerConnection, PartnerServiceOrder } from "../../../shared/ports/partner-gateway";

const SECRET = `whsec_${Buffer.from("partner-shared-secret-32-bytes!!").toString("base64")}`;
const hmac = { tenantId: "t_1", baseUrl: "https://partner.example.test", auth: { kind: "hmac", secret: SECRET } };

describe("a partner connection", () => {
  it("accepts an HMAC connection with a Standard Webhooks secret and an OAuth2 connection with a scope", () => {
    expect(PartnerConnection.safeParse({ ...hmac, role: "broadband-provider" }).success).toBe(true);
    const oauth2 = {
      tenantId: "t_2",
      baseUrl: "https://grid.example.test/api",
      auth: {
        kind: "oauth2",
        tokenUrl: "https://grid.example.test/token",
        clientId: "c",
        clientSecret: "s",
        scope: "x",
      },
      role: "power-grid-company",
    };
    expect(PartnerConnection.safeParse(oauth2).success).toBe(true);
  });

  it("refuses an HMAC secret that is not whsec_<base64>, a base URL that is not http(s) and an unknown role", () => {
    const issues = (input: unknown) =>
      PartnerConnection.safeParse(input).error?.issues.map((issue) => issue.path.join(".")) ?? [];

    expect(issues({ ...hmac, auth: { kind: "hmac", secret: "hunter2" }, role: "broadband-provider" })).toEqual([
      "auth.secret",
    ]);
    expect(issues({ ...hmac, baseUrl: "ftp://partner.example.test", role: "broadband-provider" })).toEqual(["baseUrl"]);
    expect(issues({ ...hmac, role: "power-trader" })).toEqual(["role"]);
  });

  it("verifies callbacks with the HMAC secret, or with the callback secret an OAuth2 connection names", () => {
    const other = `whsec_${Buffer.from("some-other-secret-of-32-bytes!!!").toString("base64")}`;
    const oauth2 = PartnerConnection.parse({
      tenantId: "t_2",
      baseUrl: "https://grid.example.test",
      auth: { kind: "oauth2", tokenUrl: "https://grid.example.test/token", clientId: "c", clientSecret: "s" },
      role: "power-grid-company",
    });

    expect(callbackSecretOf(PartnerConnection.parse({ ...hmac, role: "broadband-provider" }))).toBe(SECRET);
    expect(callbackSecretOf(oauth2)).toBeUndefined();
    expect(callbackSecretOf({ ...oauth2, callbackSecret: other })).toBe(other);
  });
});

describe("a partner's service order answer", () => {
  it("keeps what the contract names and drops members it does not", () => {
    const order = PartnerServiceOrder.parse({
      id: "so-1",
      externalId: "cmd-1",
      state: "inProgress",
      "@type": "ServiceOrder",
      serviceOrderItem: [{ id: "1", state: "inProgress", service: { id: "bb-1", href: "x" } }],
    });
    expect(order).toEqual({
      id: "so-1",
      externalId: "cmd-1",
      state: "inProgress",
      serviceOrderItem: [{ id: "1", state: "inProgress", service: { id: "bb-1" } }],
    });
  });
});
