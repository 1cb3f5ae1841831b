/** Function names of the partner API (v1) and its OpenAPI document: every function is named by what it does, in camelCase. */
export const API_FUNCTIONS = {
  registerTenant: "registerTenant",
  getPolicy: "getPolicy",
  putPolicy: "putPolicy",
  registerInvoice: "registerInvoice",
  registerInvoiceBatch: "registerInvoiceBatch",
  getCase: "getCase",
  listCases: "listCases",
  recordPayment: "recordDirectPayment",
  issueCreditNote: "issueCreditNote",
  holdCase: "holdCase",
  resumeCase: "resumeCase",
  cancelCase: "cancelCase",
  addNote: "addCaseNote",
  listDocuments: "listCaseDocuments",
  getDocument: "getCaseDocument",
  openApi: "getOpenApiDocument",
} as const;

/** Routes as the Functions host sees them (host.json sets routePrefix ""); OpenAPI paths drop the "api" prefix. */
export const API_ROUTES = {
  tenants: "api/v1/tenants",
  policy: "api/v1/policy",
  invoices: "api/v1/invoices",
  invoiceBatch: "api/v1/invoices/batch",
  cases: "api/v1/cases",
  case: "api/v1/cases/{caseId}",
  payments: "api/v1/cases/{caseId}/payments",
  creditNotes: "api/v1/cases/{caseId}/credit-notes",
  hold: "api/v1/cases/{caseId}/hold",
  resume: "api/v1/cases/{caseId}/resume",
  cancel: "api/v1/cases/{caseId}/cancel",
  notes: "api/v1/cases/{caseId}/notes",
  documents: "api/v1/cases/{caseId}/documents",
  document: "api/v1/cases/{caseId}/documents/{documentId}",
  openApi: "api/openapi.json",
} as const;
