import { describe, expect, it } from "vitest";
import { compileRoute, matchRoute, sortRoutes } from "../../../devhost/http-routes";
import type { Registration } from "../../../devhost/functions-core";

const reg = (name: string, route: string, methods = ["GET"]): Registration => {
  const trigger = {
    name: "req",
    type: "httpTrigger",
    direction: "in" as const,
    route,
    methods,
    authLevel: "anonymous",
  };
  return { name, metadata: { name, bindings: { req: trigger } }, callback: async () => undefined, trigger };
};

describe("HTTP route templates", () => {
  it("captures route parameters, decoded", () => {
    expect(matchRoute(compileRoute(reg("a", "api/v1/cases/{caseId}")), "api/v1/cases/c%2042")).toEqual({
      caseId: "c 42",
    });
  });

  it("matches literals case-insensitively like the Functions host", () => {
    expect(matchRoute(compileRoute(reg("a", "api/Health")), "API/health")).toEqual({});
  });

  it("refuses a value that breaks the parameter's constraint", () => {
    const route = compileRoute(reg("a", "api/items/{id:int}"));
    expect(matchRoute(route, "api/items/42")).toEqual({ id: "42" });
    expect(matchRoute(route, "api/items/forty-two")).toBeUndefined();
  });

  it("accepts a missing optional parameter and a catch-all tail", () => {
    expect(matchRoute(compileRoute(reg("a", "api/docs/{page?}")), "api/docs")).toEqual({});
    expect(matchRoute(compileRoute(reg("a", "files/{*path}")), "files/a/b/c.pdf")).toEqual({ path: "a/b/c.pdf" });
  });

  it("does not match a path with more segments than the template", () => {
    expect(matchRoute(compileRoute(reg("a", "api/cases/{id}")), "api/cases/1/documents")).toBeUndefined();
  });

  it("prefers a literal segment over a parameter in the same place", () => {
    const routes = sortRoutes([
      compileRoute(reg("byId", "api/cases/{id}")),
      compileRoute(reg("search", "api/cases/search")),
    ]);
    const winner = routes.find((r) => matchRoute(r, "api/cases/search"));
    expect(winner?.registration.name).toBe("search");
  });

  it("rejects a catch-all that is not last", () => {
    expect(() => compileRoute(reg("a", "x/{*rest}/y"))).toThrow(/catch-all/);
  });
});
