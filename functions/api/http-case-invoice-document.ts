/**
 * `PUT /api/v1/cases/{caseId}/invoice-document` — the creditor's own PDF of the invoice (`application/pdf`, at most
 * 10 MiB, `%PDF-` by content) → 201 the first time, 200 when it replaces one (or is the same again);
 * `GET …/invoice-document` → the PDF as a download. Tenant-scoped by the API key: another creditor's case is 404.
 * Refusals are problem+json naming what is wrong: the Content-Type header (415), the body (400 empty, 413 too large,
 * 422 not a PDF). The content is personal data: never logged.
 */
import { app, type HttpRequest } from "@azure/functions";
import {
  makeGetInvoiceDocument,
  makePutInvoiceDocument,
  MAX_INVOICE_DOCUMENT_BYTES,
  refuseInvoiceDocument,
  type InvoiceDocumentRefusal,
} from "../../shared/application/invoice-document";
import { handler, parseParams } from "../../shared/http/parse";
import { HttpProblem, problem, PROBLEM_TYPE_BASE, ProblemType } from "../../shared/http/problem";
import { CaseNotFound, InvoiceDocumentNotFound } from "../../shared/ports/errors";
import { authenticateTenant, ok, type ResolveDeps } from "./edge";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CaseParams } from "./schemas";

const MIB = MAX_INVOICE_DOCUMENT_BYTES / (1024 * 1024);

const REFUSALS: Record<InvoiceDocumentRefusal, { status: number; type: string; title: string; detail: string }> = {
  "file-empty": {
    status: 400,
    type: ProblemType.malformedRequest,
    title: "Malformed request",
    detail: "The request body is empty: send the invoice's PDF.",
  },
  "file-too-large": {
    status: 413,
    type: `${PROBLEM_TYPE_BASE}content-too-large`,
    title: "Content too large",
    detail: `The invoice's PDF may be at most ${MIB} MiB.`,
  },
  "not-a-pdf": {
    status: 422,
    type: ProblemType.validation,
    title: "Validation failed",
    detail: "The request body is not a PDF (it does not start with %PDF-).",
  },
};

function refused(reason: InvoiceDocumentRefusal): HttpProblem {
  const r = REFUSALS[reason];
  const code = reason.toUpperCase().replaceAll("-", "_");
  return new HttpProblem(
    problem(r.status, r.title, r.detail, { type: r.type, errors: [{ pointer: "", detail: r.detail, code }] }),
  );
}

/** The body as bytes, after the content type and the announced length are checked (no read beyond the cap). */
async function pdfBody(request: HttpRequest): Promise<Buffer> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/pdf") {
    const detail = "Send the invoice with Content-Type: application/pdf.";
    throw new HttpProblem(
      problem(415, "Unsupported media type", detail, {
        type: ProblemType.unsupportedMediaType,
        errors: [{ pointer: "#/header/Content-Type", detail, code: "UNSUPPORTED_MEDIA_TYPE" }],
      }),
    );
  }
  const announced = Number(request.headers.get("content-length") ?? "0");
  if (announced > MAX_INVOICE_DOCUMENT_BYTES) throw refused("file-too-large");
  const content = Buffer.from(await request.arrayBuffer());
  const refusal = refuseInvoiceDocument(content);
  if (refusal) throw refused(refusal);
  return content;
}

export function makeInvoiceDocumentFunctions(resolve: ResolveDeps) {
  return {
    putInvoiceDocument: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      const content = await pdfBody(request);
      const { outcome, document } = await makePutInvoiceDocument(deps)(tenant.tenantId, caseId, content);
      return ok(outcome === "created" ? 201 : 200, {
        caseId,
        contentType: "application/pdf",
        bytes: document.bytes,
        sha256: document.sha256,
        uploadedAt: document.uploadedAt,
      });
    }),
    getInvoiceDocument: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      const record = await deps.cases.get(tenant.tenantId, caseId);
      if (!record) throw new CaseNotFound(caseId);
      const content = await makeGetInvoiceDocument(deps)(record);
      if (!content) throw new InvoiceDocumentNotFound(caseId);
      return {
        status: 200,
        headers: {
          "content-type": "application/pdf",
          "content-disposition": `attachment; filename="invoice-${caseId}.pdf"`,
          "cache-control": "private, no-store",
          "x-content-type-options": "nosniff",
        },
        body: new Uint8Array(content),
      };
    }),
  };
}

/** Registers these functions with the host; `resolve` gives each invocation its deps. */
export function registerInvoiceDocumentFunctions(resolve: ResolveDeps): void {
  const functions = makeInvoiceDocumentFunctions(resolve);
  app.http(API_FUNCTIONS.putInvoiceDocument, {
    route: API_ROUTES.invoiceDocument,
    methods: ["PUT"],
    authLevel: "anonymous",
    handler: functions.putInvoiceDocument,
  });
  app.http(API_FUNCTIONS.getInvoiceDocument, {
    route: API_ROUTES.invoiceDocument,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.getInvoiceDocument,
  });
}
