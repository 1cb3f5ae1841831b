import { describe, expect, it } from "vitest";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { health } from "../../../functions/health/http-health";
import packageJson from "../../../package.json";

describe("GET /api/health", () => {
  it("answers 200 with the status and the deployed version, never cached", async () => {
    const response = await health(
      new HttpRequest({ method: "GET", url: "http://localhost/api/health" }),
      new InvocationContext(),
    );
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual({ status: "ok", name: packageJson.name, version: packageJson.version });
    expect((response.headers as Record<string, string>)["cache-control"]).toBe("no-store");
  });
});
