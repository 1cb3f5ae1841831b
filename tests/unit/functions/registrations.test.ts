import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installFunctionsCore, type FunctionRegistry } from "../../../devhost/functions-core";
import { compileRoute } from "../../../devhost/http-routes";
import { TimerTriggers } from "../../../devhost/timers";
import { asString } from "../../../devhost/text";
import entities from "../../../infra-bicep/service-bus-entities.json";

/** Every trigger type the dev host can run; a function with another trigger would silently never run locally. */
const SUPPORTED_TRIGGERS = new Set([
  "httptrigger",
  "timertrigger",
  "servicebustrigger",
  "blobtrigger",
  "eventgridtrigger",
  "orchestrationtrigger",
  "activitytrigger",
]);

let registry: FunctionRegistry;

beforeAll(async () => {
  registry = installFunctionsCore();
  await import("../../../functions/index");
});

describe("the app's function registrations", () => {
  it("registers the health endpoint", () => {
    const health = registry.byName("health");
    expect(health?.trigger.type).toBe("httpTrigger");
    expect(health?.trigger.route).toBe("api/health");
  });

  it("uses only trigger types the dev host runs", () => {
    const unknown = registry.functions.filter((f) => !SUPPORTED_TRIGGERS.has(f.trigger.type.toLowerCase()));
    expect(unknown.map((f) => `${f.name}: ${f.trigger.type}`)).toEqual([]);
  });

  it("gives every HTTP route a unique method and template, under api/, the short pay-link prefix p/, the debtor's own pages min-side/ or the staff portal portal/", () => {
    const seen = new Map<string, string>();
    for (const f of registry.byTrigger("httpTrigger")) {
      const route = compileRoute(f);
      expect(route.template, `${f.name} route`).toMatch(/^(api|p|min-side|portal)(\/|$)/);
      const shape = route.template.toLowerCase().replace(/\{[^}]+\}/g, "{}");
      for (const method of route.methods) {
        const key = `${method} ${shape}`;
        expect(seen.get(key), `${key} is served by both ${seen.get(key)} and ${f.name}`).toBeUndefined();
        seen.set(key, f.name);
      }
    }
    expect(seen.size).toBeGreaterThan(0);
  });

  it("serves the customer contact PATCH routes", () => {
    for (const [name, route] of [
      ["updateCaseCustomer", "api/v1/cases/{caseId}/customer"],
      ["updateCustomer", "api/v1/customers/{customerId}"],
    ]) {
      const f = registry.byName(name!);
      expect(f?.trigger.route).toBe(route);
      expect([...compileRoute(f!).methods]).toEqual(["PATCH"]);
    }
  });

  it("keeps dev-only endpoints out of the app", () => {
    const devRoutes = registry.byTrigger("httpTrigger").filter((f) => /^api\/dev(\/|$)/i.test(String(f.trigger.route)));
    expect(devRoutes.map((f) => f.name)).toEqual([]);
  });

  it("has valid schedules on every timer trigger", () => {
    const local = (
      JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "local.settings.example.json"), "utf8")) as {
        Values: Record<string, string>;
      }
    ).Values;
    const bicep = fs.readFileSync(path.join(__dirname, "..", "..", "..", "infra-bicep", "main.bicep"), "utf8");
    for (const f of registry.byTrigger("timerTrigger")) {
      let schedule = String(f.trigger.schedule);
      const setting = /^%([A-Za-z0-9_]+)%$/u.exec(schedule)?.[1];
      if (setting) {
        // A schedule from a setting: it must exist locally and in Azure, and both values must be valid.
        expect(local[setting], `${f.name}: ${setting} in local.settings.example.json`).toBeDefined();
        const inAzure = new RegExp(`^\\s*${setting}: '([^']+)'`, "mu").exec(bicep)?.[1];
        expect(inAzure, `${f.name}: ${setting} in main.bicep`).toBeDefined();
        expect(
          () => TimerTriggers.nextOccurrence(inAzure!, Date.parse("2027-01-01T00:00:00Z")),
          `${f.name} in Azure`,
        ).not.toThrow();
        schedule = local[setting]!;
      }
      expect(() => TimerTriggers.nextOccurrence(schedule, Date.parse("2027-01-01T00:00:00Z")), f.name).not.toThrow();
    }
  });

  it("binds Service Bus triggers only to entities declared in infra-bicep/service-bus-entities.json", () => {
    const queues = new Set(entities.queues.map((q) => q.name));
    const subscriptions = new Set(entities.topics.flatMap((t) => t.subscriptions.map((s) => `${t.name}/${s.name}`)));
    for (const f of registry.byTrigger("serviceBusTrigger")) {
      const t = f.trigger;
      const entity = t.queueName ? asString(t.queueName) : `${asString(t.topicName)}/${asString(t.subscriptionName)}`;
      expect(t.queueName ? queues.has(entity) : subscriptions.has(entity), `${f.name} → ${entity}`).toBe(true);
    }
  });
});
