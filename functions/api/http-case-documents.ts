/** `GET /api/v1/cases/{caseId}/documents` (the letters) and `GET …/documents/{documentId}` (the PDF bytes). */
import { app } from "@azure/functions";
import { makeGetDocument, makeListDocuments } from "../../shared/application/documents";
import { handler, parseParams } from "../../shared/http/parse";
import { authenticateTenant, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CaseParams, DocumentParams } from "./schemas";

export function makeDocumentFunctions(resolve: ResolveDeps) {
  return {
    listDocuments: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return ok(200, { items: await makeListDocuments(deps)(tenant.tenantId, caseId) });
    }),
    getDocument: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId, documentId } = parseParams(request, DocumentParams);
      const document = await makeGetDocument(deps)(tenant.tenantId, caseId, documentId);
      return {
        status: 200,
        headers: {
          "content-type": document.contentType,
          "content-disposition": `inline; filename="${documentId}.pdf"`,
          "cache-control": "private, no-store",
        },
        body: new Uint8Array(document.content),
      };
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerDocumentFunctions(resolve: ResolveDeps): void {
  const functions = makeDocumentFunctions(resolve);
  app.http(API_FUNCTIONS.listDocuments, {
    route: API_ROUTES.documents,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.listDocuments,
  });
  app.http(API_FUNCTIONS.getDocument, {
    route: API_ROUTES.document,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.getDocument,
  });
}
