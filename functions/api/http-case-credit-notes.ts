/** `POST /api/v1/cases/{caseId}/credit-notes`: reduce the invoice → 200 with the case. */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { makeIssueCreditNote } from "../../shared/application/credit-note";
import { handler, parseJson, parseParams } from "../../shared/http/parse";
import { authenticateTenant, idempotent, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CaseParams, CreditNoteBody } from "./schemas";

export function makeCreditNoteFunctions(resolve: ResolveDeps) {
  return {
    issueCreditNote: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, CreditNoteBody);
        return ok(200, await makeIssueCreditNote(deps)(tenant.tenantId, caseId, body));
      });
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerCreditNoteFunctions(resolve: ResolveDeps): void {
  const functions = makeCreditNoteFunctions(resolve);
  app.http(API_FUNCTIONS.issueCreditNote, {
    route: API_ROUTES.creditNotes,
    methods: ["POST"],
    authLevel: "anonymous",
    extraInputs: [df.input.durableClient()],
    handler: functions.issueCreditNote,
  });
}
