import { describe, expect, it } from "vitest";
import { loadServiceBusEntities, parseServiceBusEntities } from "../../../devhost/service-bus/entities";
import { correlationPredicate, type FilterableMessage, parseSqlFilter } from "../../../devhost/service-bus/filters";

const msg = (over: Partial<FilterableMessage> = {}): FilterableMessage => ({ applicationProperties: {}, ...over });

describe("Service Bus entities file and subscription filters", () => {
  it("loads the repository's entities file, shared with Bicep, with its queues, topics and subscriptions", () => {
    const entities = loadServiceBusEntities();
    expect(entities.queues.map((q) => q.name)).toContain("payments");
    expect(entities.queues.find((q) => q.name === "partner-commands")?.requiresSession).toBe(true);
    expect(entities.topics.find((t) => t.name === "case-events")?.subscriptions.map((s) => s.name)).toEqual([
      "webhooks",
      "kpis",
    ]);
  });

  it("rejects an entities file with a rule outside the supported SQL subset, naming the rule", () => {
    expect(() =>
      parseServiceBusEntities({
        topics: [
          { name: "t", subscriptions: [{ name: "s", rules: [{ name: "bad", sqlFilter: "amount LIKE '1%'" }] }] },
        ],
      }),
    ).toThrow(/rule "bad"/);
  });

  it("rejects an entity declared twice", () => {
    expect(() => parseServiceBusEntities({ queues: [{ name: "q" }], topics: [{ name: "Q" }] })).toThrow(
      /declared twice/,
    );
  });

  it("evaluates SQL filters: constants, string and number comparisons, AND/OR/NOT, IN, IS NULL and system properties", () => {
    const m = msg({
      subject: "payment.received",
      correlationId: "c-1",
      applicationProperties: { country: "NO", amount: 250, "x-tenant": "t1" },
    });
    expect(parseSqlFilter("1=1")(m)).toBe(true);
    expect(parseSqlFilter("1=0")(m)).toBe(false);
    expect(parseSqlFilter("country = 'NO'")(m)).toBe(true);
    expect(parseSqlFilter("user.country = 'DK'")(m)).toBe(false);
    expect(parseSqlFilter("amount = 250 AND amount >= 100")(m)).toBe(true);
    expect(parseSqlFilter("amount = '250'")(m)).toBe(false);
    expect(parseSqlFilter("country = 'DK' OR sys.label = 'payment.received'")(m)).toBe(true);
    expect(parseSqlFilter("sys.Subject = 'payment.received' AND NOT (amount < 100)")(m)).toBe(true);
    expect(parseSqlFilter("country IN ('SE', 'NO')")(m)).toBe(true);
    expect(parseSqlFilter("country NOT IN ('SE', 'NO')")(m)).toBe(false);
    expect(parseSqlFilter("missing IS NULL AND country IS NOT NULL")(m)).toBe(true);
    expect(parseSqlFilter("[x-tenant] = 't1' AND sys.correlationId = 'c-1'")(m)).toBe(true);
    expect(parseSqlFilter("missing = 'x'")(m)).toBe(false);
    expect(parseSqlFilter("name = 'O''Brien'")(msg({ applicationProperties: { name: "O'Brien" } }))).toBe(true);
  });

  it("evaluates correlation filters on every given field and application property", () => {
    const f = correlationPredicate({ subject: "payment.received", applicationProperties: { country: "NO" } });
    expect(f(msg({ subject: "payment.received", applicationProperties: { country: "NO" } }))).toBe(true);
    expect(f(msg({ subject: "payment.received", applicationProperties: { country: "SE" } }))).toBe(false);
    expect(f(msg({ subject: "case.created", applicationProperties: { country: "NO" } }))).toBe(false);
    expect(
      correlationPredicate({ label: "x", contentType: "application/json" })(
        msg({ subject: "x", contentType: "application/json" }),
      ),
    ).toBe(true);
  });
});
