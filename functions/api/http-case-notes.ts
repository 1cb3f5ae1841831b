/** `POST /api/v1/cases/{caseId}/notes` → 201 with the timeline entry. */
import { app } from "@azure/functions";
import { makeAddNote } from "../../shared/application/notes";
import { handler, parseJson, parseParams } from "../../shared/http/parse";
import { authenticateTenant, idempotent, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CaseParams, NoteBody } from "./schemas";

export function makeNoteFunctions(resolve: ResolveDeps) {
  return {
    addNote: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, NoteBody);
        return ok(201, await makeAddNote(deps)(tenant.tenantId, caseId, body));
      });
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerNoteFunctions(resolve: ResolveDeps): void {
  const functions = makeNoteFunctions(resolve);
  app.http(API_FUNCTIONS.addNote, {
    route: API_ROUTES.notes,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: functions.addNote,
  });
}
