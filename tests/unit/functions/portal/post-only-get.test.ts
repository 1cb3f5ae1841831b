import { describe, expect, it } from "vitest";
import { POST_ONLY_PAGES } from "../../../../functions/portal/http-portal-post-only";
import { getRequest, read } from "../../http/http-fixtures";

async function follow(
  handler: (r: ReturnType<typeof getRequest>) => Promise<unknown>,
  url: string,
  params: Record<string, string>,
) {
  const response = await read((await handler(getRequest(url, { params }))) as never);
  return { status: response.status, location: response.headers.get("location") };
}

describe("a reload of a portal POST-only address", () => {
  it("takes the browser back to the webhook after 'Lag ny hemmelighet', keeping English", async () => {
    const result = await follow(
      POST_ONLY_PAGES.webhookAction,
      "http://localhost/portal/t_demo/innstillinger/webhooks/wh_1/ny-hemmelighet?lang=en",
      { tenantId: "t_demo", webhookId: "wh_1", action: "ny-hemmelighet" },
    );
    expect(result).toEqual({ status: 303, location: "/portal/t_demo/innstillinger/webhooks/wh_1?lang=en" });
  });

  it("takes a reload of the sign-out address to the front page instead of a raw 404", async () => {
    expect(await follow(POST_ONLY_PAGES.signOut, "http://localhost/portal/logg-ut?lang=en", {})).toEqual({
      status: 303,
      location: "/portal?lang=en",
    });
  });

  it("takes the browser to the API keys page, the ladder editor and the case page", async () => {
    expect(
      await follow(POST_ONLY_PAGES.apiKeyRevoke, "http://localhost/x", { tenantId: "t_demo", keyId: "k1" }),
    ).toEqual({ status: 303, location: "/portal/t_demo/innstillinger/api-nokler" });
    expect(await follow(POST_ONLY_PAGES.policyCheck, "http://localhost/x", { tenantId: "t_demo" })).toEqual({
      status: 303,
      location: "/portal/t_demo/innstillinger/inndrivingslop",
    });
    expect(
      await follow(POST_ONLY_PAGES.caseAction, "http://localhost/x", {
        tenantId: "t_demo",
        caseId: "c_9",
        action: "pause",
      }),
    ).toEqual({ status: 303, location: "/portal/t_demo/saker/c_9" });
  });

  it("sends a malformed id to the portal's front page rather than echoing it into the address", async () => {
    const result = await follow(POST_ONLY_PAGES.webhookAction, "http://localhost/x", {
      tenantId: "t_demo",
      webhookId: "a/../../evil",
    });
    expect(result).toEqual({ status: 303, location: "/portal" });
  });
});
