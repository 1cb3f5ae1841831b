import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DomainError } from "../../../shared/domain/errors";
import { CurrencyMismatch } from "../../../shared/domain/money";
import { InvalidContinuationToken } from "../../../shared/ports/errors";
import {
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  ProblemType,
  pointerTo,
  problem,
  problemTypeForDomainCode,
  statusForDomainCode,
  toProblem,
} from "../../../shared/http/problem";
import { contextWithLog, read } from "./http-fixtures";

class CaseNotFound extends DomainError {
  readonly code = "CASE_NOT_FOUND";
}
class DuplicateInvoiceNumber extends DomainError {
  readonly code = "DUPLICATE_INVOICE_NUMBER";
}
class HoldNotAllowed extends DomainError {
  readonly code = "HOLD_NOT_ALLOWED";
}
class PayLinkExpired extends DomainError {
  readonly code = "PAY_LINK_EXPIRED";
}
class NotifyNotConfigured extends DomainError {
  readonly code = "NOTIFY_NOT_CONFIGURED";
}
class SmsGatewayUnavailable extends DomainError {
  readonly code = "SMS_GATEWAY_UNAVAILABLE";
}
class WebhookReplayed extends DomainError {
  readonly code = "WEBHOOK_REPLAYED";
}
class WebhookMalformed extends DomainError {
  readonly code = "WEBHOOK_MALFORMED";
}
class WebhookNotAuthenticated extends DomainError {
  readonly code = "WEBHOOK_NOT_AUTHENTICATED";
  override readonly title = "Webhook not authenticated";
  constructor() {
    super("The webhook was refused: stale", undefined, {
      errors: [{ pointer: "#/header/authorization", detail: "stale", code: "stale" }],
      members: { attempts: 2, instance: "https://evil.test/", status: 200, headers: { "set-cookie": "x" } },
    });
  }
}
class GatewayRejected extends DomainError {
  readonly code = "GATEWAY_REJECTED";
}

describe("a problem response", () => {
  it("is application/problem+json with type, title, status, detail and extension members", async () => {
    const response = await read(
      problem(404, "Not found", "No case 42.", { type: "https://example.test/p", code: "X" }),
    );
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(response.json).toEqual({
      type: "https://example.test/p",
      title: "Not found",
      status: 404,
      detail: "No case 42.",
      code: "X",
    });
  });

  it("defaults its type to about:blank and cannot have its standard members overwritten by extensions", async () => {
    const response = await read(problem(400, "Bad", undefined, { status: 200, title: "evil" }));
    expect(response.json).toEqual({ type: "about:blank", title: "Bad", status: 400 });
  });
});

describe("pointers", () => {
  it("are plain JSON Pointers into the body and fragments for the other parts of the request", () => {
    expect(pointerTo("body", ["customer", "phone"])).toBe("/customer/phone");
    expect(pointerTo("body", ["lines", 0, "amount"])).toBe("/lines/0/amount");
    expect(pointerTo("body", [])).toBe("");
    expect(pointerTo("query", ["limit"])).toBe("#/query/limit");
    expect(pointerTo("path", ["caseId"])).toBe("#/path/caseId");
    expect(pointerTo("header", ["Idempotency-Key"])).toBe("#/header/Idempotency-Key");
  });

  it("escape '~' and '/' per RFC 6901 and percent-encode what a fragment cannot hold", () => {
    expect(pointerTo("body", ["a/b", "c~d"])).toBe("/a~1b/c~0d");
    expect(pointerTo("query", ["sort order", "ø"])).toBe("#/query/sort%20order/%C3%B8");
  });
});

describe("mapping errors to problems", () => {
  it("passes a thrown HttpProblem through unchanged", () => {
    const response = problem(418, "Teapot");
    expect(toProblem(new HttpProblem(response))).toBe(response);
  });

  it("maps domain errors by their code through the one table", async () => {
    const cases: Array<[DomainError, number]> = [
      [new CaseNotFound("No case 42."), 404],
      [new DuplicateInvoiceNumber("Invoice 7 exists."), 409],
      [new HoldNotAllowed("The case is paid."), 409],
      [new PayLinkExpired("The link has expired."), 410],
      [new CurrencyMismatch("NOK", "SEK"), 422],
      [new WebhookMalformed("Not an event."), 400],
      [new WebhookNotAuthenticated(), 401],
      [new WebhookReplayed("Seen before."), 409],
      [new GatewayRejected("The gateway said 403."), 502],
      [new NotifyNotConfigured("Set NOTIFY_URL."), 503],
      [new SmsGatewayUnavailable("Timed out."), 503],
    ];
    for (const [error, status] of cases) {
      const response = await read(toProblem(error));
      expect(response.status).toBe(status);
      expect(response.json).toMatchObject({
        status,
        code: error.code,
        type: problemTypeForDomainCode(error.code),
        detail: error.message,
      });
    }
  });

  it("adds the rule's headers: retry-after for a dependency that is unavailable, none for one that is not configured", async () => {
    expect((await read(toProblem(new SmsGatewayUnavailable("Timed out.")))).headers.get("retry-after")).toBe("60");
    expect((await read(toProblem(new NotifyNotConfigured("Set NOTIFY_URL.")))).headers.get("retry-after")).toBeNull();
  });

  it("uses the error's own title, field errors and extension members, never letting them replace a standard member or a header", async () => {
    const response = await read(toProblem(new WebhookNotAuthenticated()));
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.json).toEqual({
      type: problemTypeForDomainCode("WEBHOOK_NOT_AUTHENTICATED"),
      code: "WEBHOOK_NOT_AUTHENTICATED",
      title: "Webhook not authenticated",
      status: 401,
      detail: "The webhook was refused: stale",
      errors: [{ pointer: "#/header/authorization", detail: "stale", code: "stale" }],
      attempts: 2,
    });
  });

  it("answers a continuation token no list issued as a bad query parameter: 400 naming it", async () => {
    const response = await read(toProblem(new InvalidContinuationToken()));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      code: "INVALID_CONTINUATION_TOKEN",
      errors: [{ pointer: "#/query/continuationToken", code: "INVALID_CONTINUATION_TOKEN" }],
    });
  });

  it("treats a domain error no rule knows as a broken business rule (422)", () => {
    expect(statusForDomainCode("LADDER_UNLAWFUL")).toEqual({ status: 422, title: "Business rule violated" });
  });

  it("names domain problem types after the error code in kebab case", () => {
    expect(problemTypeForDomainCode("CASE_NOT_FOUND")).toBe("https://payment-follow-up.dev/problems/case-not-found");
  });

  it("returns the domain error's details as context", async () => {
    const response = await read(toProblem(new CurrencyMismatch("NOK", "SEK")));
    expect(response.json.context).toEqual({ left: "NOK", right: "SEK" });
  });

  it("answers an unexpected error with a generic 500 that withholds its message and logs it with the invocation id", async () => {
    const { context, logged } = contextWithLog("a1b2c3d4-0000-4000-8000-000000000001");
    const secret = new Error("Cosmos said: document for Ola Nordmann, +4791234567, failed");
    const response = await read(toProblem(secret, context));

    expect(response.status).toBe(500);
    expect(response.json).toMatchObject({
      type: ProblemType.internal,
      title: "Internal server error",
      invocationId: "a1b2c3d4-0000-4000-8000-000000000001",
    });
    expect(response.text).not.toContain("Ola");
    expect(response.text).not.toContain("Cosmos");

    expect(logged).toHaveLength(1);
    const line = JSON.stringify(logged[0]);
    expect(line).toContain("a1b2c3d4-0000-4000-8000-000000000001");
    expect(line).toContain("problem.test.ts"); // a stack frame, to find the line
    expect(line).not.toContain("Ola Nordmann");
    expect(line).not.toContain("+4791234567");
  });

  it("answers a thrown non-Error with the same generic 500", async () => {
    const response = await read(toProblem("a string"));
    expect(response.status).toBe(500);
    expect(response.text).not.toContain("a string");
  });

  it("reads a bare ZodError as a problem with the request body", async () => {
    const error = z.object({ amount: z.int().min(1) }).safeParse({ amount: 0 }).error!;
    const response = await read(toProblem(error));
    expect(response.status).toBe(422);
    expect(response.json.errors).toEqual([{ pointer: "/amount", code: "TOO_SMALL", detail: expect.any(String) }]);
  });
});
