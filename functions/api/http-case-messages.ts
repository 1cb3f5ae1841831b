/**
 * Customer service's side of Min side's message threads, until the staff portal exists (issue 16):
 *
 *   GET  /api/v1/cases/{caseId}/messages          the thread, oldest first (marks it read for customer service)
 *   POST /api/v1/cases/{caseId}/messages {text}   a reply → 201; the debtor is alerted by SMS and/or e-mail as chosen
 *                                                 on Min side, never with the text (Idempotency-Key honoured)
 *
 * Tenant-scoped by the API key: another creditor's case is 404. A malformed body is 400/422 problem+json naming the
 * field. The text is never logged.
 */
import { app } from "@azure/functions";
import { makeListCaseMessages, makeReplyToDebtor, threadsOf } from "../../shared/application/case-messages";
import { handler, parseJson, parseParams } from "../../shared/http/parse";
import { threadPath } from "../../shared/web/min-side/message-pages";
import { authenticateTenant, idempotent, ok, type ResolveDeps } from "./edge";
import { CaseMessageBody } from "./message-schemas";
import { API_FUNCTIONS, API_ROUTES } from "./names";
import { CaseParams } from "./schemas";

export function makeCaseMessageFunctions(resolve: ResolveDeps) {
  return {
    listMessages: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return ok(200, await makeListCaseMessages({ ...deps, messageThreads: threadsOf(deps) })(tenant.tenantId, caseId));
    }),
    replyToDebtor: handler(async (request, context) => {
      const deps = resolve(context);
      const tenant = await authenticateTenant(request, deps);
      const { caseId } = parseParams(request, CaseParams);
      return idempotent(request, context, deps, tenant.tenantId, async () => {
        const body = await parseJson(request, CaseMessageBody);
        const base = deps.publicBaseUrl.replace(/\/+$/u, "");
        const reply = makeReplyToDebtor(
          {
            ...deps,
            messageThreads: threadsOf(deps),
            ...(deps.letterChannels.email ? { email: deps.letterChannels.email } : {}),
          },
          { threadUrl: (t, c) => `${base}${threadPath(t, c)}` },
        );
        return ok(201, await reply(tenant.tenantId, caseId, body));
      });
    }),
  };
}

export function registerCaseMessageFunctions(resolve: ResolveDeps): void {
  const functions = makeCaseMessageFunctions(resolve);
  app.http(API_FUNCTIONS.listMessages, {
    route: API_ROUTES.messages,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: functions.listMessages,
  });
  app.http(API_FUNCTIONS.replyToDebtor, {
    route: API_ROUTES.messages,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: functions.replyToDebtor,
  });
}
