/**
 * `POST /api/v1/invoices` → 201 `{ caseId, kid, status, payLink }` (duplicate invoice number → 409), and
 * `POST /api/v1/invoices/batch` (up to 1 000) → 207 `{ results: [{ index, status, caseId?, problem? }] }`.
 */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { ZodError } from "zod";
import { makeRegisterInvoice, makeRegisterInvoiceBatch } from "../../shared/application/register-invoice";
import { handler, parseJson } from "../../shared/http/parse";
import { toProblem, type ProblemDocument } from "../../shared/http/problem";
import { authenticateTenant, idempotent, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { InvoiceBatchEnvelope, RegisterInvoiceBody } from "./schemas";

export function makeInvoiceFunctions(resolve: ResolveDeps) {
  return {
    registerInvoice: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, RegisterInvoiceBody);
        const created = await makeRegisterInvoice(deps)(tenant.tenantId, body);
        return {
          ...ok(201, created),
          headers: { "cache-control": "no-store", location: `/api/v1/cases/${created.caseId}` },
        };
      });
    }),

    registerInvoiceBatch: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const { invoices } = await parseJson(request, InvoiceBatchEnvelope);
        const items = invoices.map((item, index) => {
          const parsed = RegisterInvoiceBody.safeParse(item);
          if (parsed.success) return { ok: true as const, input: parsed.data };
          // Pointers into the whole body: /invoices/<index>/customer/phone.
          const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ["invoices", index, ...issue.path] }));
          return { ok: false as const, error: new ZodError(issues) };
        });
        const outcomes = await makeRegisterInvoiceBatch(deps)(tenant.tenantId, items);
        const results = outcomes.map((outcome) => {
          if (outcome.ok) {
            const { caseId, kid, payLink } = outcome.result;
            return { index: outcome.index, status: 201, caseId, kid, payLink };
          }
          const problem = toProblem(outcome.error, context);
          return { index: outcome.index, status: problem.status ?? 500, problem: problem.jsonBody as ProblemDocument };
        });
        return ok(207, { results });
      });
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerInvoiceFunctions(resolve: ResolveDeps): void {
  const functions = makeInvoiceFunctions(resolve);
  const durableClient = df.input.durableClient();
  app.http(API_FUNCTIONS.registerInvoice, {
    route: API_ROUTES.invoices,
    methods: ["POST"],
    authLevel: "anonymous",
    extraInputs: [durableClient],
    handler: functions.registerInvoice,
  });
  app.http(API_FUNCTIONS.registerInvoiceBatch, {
    route: API_ROUTES.invoiceBatch,
    methods: ["POST"],
    authLevel: "anonymous",
    extraInputs: [durableClient],
    handler: functions.registerInvoiceBatch,
  });
}
