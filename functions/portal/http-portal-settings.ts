/**
 * The creditor's settings in the portal (issue 16):
 *
 *   GET  /portal/{t}/innstillinger/inndrivingslop            the ladder policy editor (viewer: read only)
 *   POST /portal/{t}/innstillinger/inndrivingslop            save (editor; the same use case as PUT /api/v1/policy)
 *   POST /portal/{t}/innstillinger/inndrivingslop/kontroll   the live legal validation (JSON: problems per form row)
 *   GET  /portal/{t}/innstillinger/webhooks                  list; POST: create (the secret shown once)
 *   GET  /portal/{t}/innstillinger/webhooks/{id}             one webhook and its delivery log
 *   POST /portal/{t}/innstillinger/webhooks/{id}/send-igjen | ny-hemmelighet | slett
 *   GET  /portal/{t}/innstillinger/api-nokler                list; POST: create (the key shown once)
 *   POST /portal/{t}/innstillinger/api-nokler/{keyId}/trekk-tilbake
 *   GET  /portal/ressurser/innstillinger.js | .css           the editor's script and the pages' styles
 *
 * Every page: signed in, the tenant through `mayAccessTenant` (else the same 404 as a missing tenant). Every POST:
 * the session's CSRF token, then `mayActOnTenant` (a viewer: 403), and every change is audited with
 * `recordStaffAction`. Logs name the tenant and staff subject at most — never a URL, secret, key or form value.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { ZodError } from "zod";
import { mayAccessTenant, mayActOnTenant } from "../../shared/application/portal/access";
import { staffCsrfMatches, type PortalLang, type StaffSession } from "../../shared/application/portal/staff-sessions";
import { UnlawfulPolicy } from "../../shared/application/policy";
import { mayRetry } from "../../shared/application/webhooks/delivery-log";
import { SECRET_OVERLAP_HOURS } from "../../shared/application/webhooks/register-webhook";
import type { PolicyProblem } from "../../shared/domain/policy";
import { generateApiKey } from "../../shared/http/api-keys";
import { portalHref } from "../../shared/web/portal/pages";
import { legalBasisInBokmal, problemInBokmal } from "../../shared/web/portal/problems-nb";
import {
  formToPolicy,
  policyToForm,
  readPolicyForm,
  type FieldError,
  type PolicyFormValues,
} from "../../shared/web/portal/policy-form";
import {
  renderApiKeysPage,
  renderForbidden,
  renderPolicyPage,
  renderWebhookPage,
  renderWebhooksPage,
  SETTINGS_CSP,
  SETTINGS_CSS,
  SETTINGS_SCRIPT,
  settingsPath,
  type PolicyProblemAt,
  type SettingsMessage,
} from "../../shared/web/portal/settings-pages";
import type { PortalDeps, PortalSettingsWiring, PortalWiring } from "./deps";
import { headerOf, langOf, notice, page, redirect } from "./portal-guards";
import * as names from "./names";

const ID = /^[A-Za-z0-9_-]{1,100}$/u;
const MAX_FORM = 65_536;

interface TenantContext {
  request: HttpRequest;
  deps: PortalDeps;
  wiring: PortalWiring;
  settings: PortalSettingsWiring;
  session: StaffSession;
  lang: PortalLang;
  tenantId: string;
  tenantName: string;
  canEdit: boolean;
}

function settingsPage(status: number, body: string): HttpResponseInit {
  const response = page(status, body);
  return {
    ...response,
    headers: { ...(response.headers as Record<string, string>), "content-security-policy": SETTINGS_CSP },
  };
}

/** `?melding=` → a message shown on the page after a redirect. */
const MESSAGES: Record<string, SettingsMessage> = {
  lagret: "saved",
  sendt: "retried",
  slettet: "deleted",
  trukket: "revokedDone",
};

/** The URL rule's reasons (register-webhook.ts, in English) as the bokmål page says them. */
const URL_PROBLEMS_NB: Record<string, string> = {
  "Not a valid absolute URL.": "Ikke en gyldig adresse.",
  "The URL must not contain a user name or password.": "Adressen kan ikke inneholde brukernavn eller passord.",
  "The URL must not point to the local machine.": "Adressen kan ikke peke til denne maskinen.",
  "The URL must use https.": "Adressen må bruke https.",
};

function messageOf(request: HttpRequest): SettingsMessage | undefined {
  return MESSAGES[request.query.get("melding") ?? ""];
}

async function formOf(request: HttpRequest): Promise<URLSearchParams> {
  return new URLSearchParams((await request.text()).slice(0, MAX_FORM));
}

export function makePortalSettingsFunctions(resolve: () => PortalDeps) {
  /** Signed in, allowed to see the tenant, the settings wired: `fn`; else sign-in, 404 or "unavailable". */
  const forTenant =
    (
      what: string,
      method: "GET" | "POST",
      fn: (c: TenantContext, form: URLSearchParams) => Promise<HttpResponseInit>,
    ) =>
    async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
      const lang = langOf(request);
      try {
        const deps = resolve();
        const wiring = deps.portal;
        if (!wiring) return notice("closed", lang);
        const session = await wiring.sessions.resolve(request);
        if (!session) return redirect(portalHref(`/${names.PORTAL_SIGN_IN_ROUTE}`, lang));
        const tenantId = request.params.tenantId ?? "";
        const header = headerOf(session, `/portal/${encodeURIComponent(tenantId)}/saker`);
        if (!ID.test(tenantId) || !mayAccessTenant(session.staff, tenantId)) return notice("not-found", lang, header);
        const tenant = (await wiring.tenantDirectory.list(500)).find((t) => t.tenantId === tenantId);
        if (!tenant) return notice("not-found", lang, header);
        const settings = deps.portalSettings;
        if (!settings) return notice("unavailable", lang, header);
        let form = new URLSearchParams();
        if (method === "POST") {
          form = await formOf(request);
          if (!staffCsrfMatches(session, form.get("csrf"))) return notice("bad-form", lang, header);
          if (!mayActOnTenant(session.staff, tenantId) && what !== "policy check")
            return settingsPage(403, renderForbidden(lang, tenantId, header));
        }
        return await fn(
          {
            request,
            deps,
            wiring,
            settings,
            session,
            lang,
            tenantId,
            tenantName: tenant.name,
            canEdit: mayActOnTenant(session.staff, tenantId),
          },
          form,
        );
      } catch (error) {
        context.error(`portal ${what} failed`, {
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        return notice("unavailable", lang);
      }
    };

  const policyPage = async (
    c: TenantContext,
    status: number,
    values: PolicyFormValues,
    extra: { errors?: FieldError[]; problems?: PolicyProblemAt[]; refused?: boolean; notice?: SettingsMessage },
  ) => {
    const view = await c.settings.getPolicy(c.tenantId);
    return settingsPage(
      status,
      renderPolicyPage(
        c.lang,
        {
          tenantId: c.tenantId,
          tenantName: c.tenantName,
          isDefault: view.isDefault,
          canEdit: c.canEdit,
          values,
          errors: extra.errors ?? [],
          problems: extra.problems ?? [],
          ...(extra.refused ? { refused: true } : {}),
          ...(extra.notice ? { notice: extra.notice } : {}),
        },
        headerOf(c.session, settingsPath(c.tenantId, "policy")),
      ),
    );
  };

  /** Each problem with its form row, in the page's language (the domain words them in English). */
  const atRows = (problems: PolicyProblem[], rows: number[], lang: PortalLang): PolicyProblemAt[] =>
    problems.map((p) => ({
      ...p,
      ...(lang === "nb" ? { reason: problemInBokmal(p.reason), legalBasis: legalBasisInBokmal(p.legalBasis) } : {}),
      row: p.step === null ? null : (rows[p.step] ?? null),
    }));

  const webhookOf = async (c: TenantContext) => {
    const id = c.request.params.webhookId ?? "";
    if (!/^wh_[0-9a-f]{32}$/u.test(id)) return undefined;
    return (await c.settings.listWebhooks(c.tenantId)).find((w) => w.id === id);
  };

  const webhookPage = async (
    c: TenantContext,
    status: number,
    extra: { rotatedSecret?: string; notice?: SettingsMessage } = {},
  ): Promise<HttpResponseInit> => {
    const webhook = await webhookOf(c);
    if (!webhook) return notice("not-found", c.lang, headerOf(c.session, settingsPath(c.tenantId, "webhooks")));
    const deliveries = (await c.settings.listWebhookDeliveries(c.tenantId, webhook.id)) ?? [];
    return settingsPage(
      status,
      renderWebhookPage(
        c.lang,
        {
          tenantId: c.tenantId,
          tenantName: c.tenantName,
          canEdit: c.canEdit,
          webhook,
          deliveries: deliveries.map((d) => ({
            id: d.id,
            eventType: d.eventType,
            at: d.at,
            attempt: d.attempt,
            ...(d.status !== undefined ? { status: d.status } : {}),
            outcome: d.outcome,
            ...(d.reason !== undefined ? { reason: d.reason } : {}),
            ...(d.manualRetry !== undefined ? { manualRetry: true } : {}),
            mayRetry: mayRetry(d) && webhook.disabledAt === null,
          })),
          ...extra,
        },
        headerOf(c.session, `${settingsPath(c.tenantId, "webhooks")}/${webhook.id}`),
      ),
    );
  };

  const apiKeysPage = async (
    c: TenantContext,
    status: number,
    extra: { created?: string; label?: string; notice?: SettingsMessage } = {},
  ) =>
    settingsPage(
      status,
      renderApiKeysPage(
        c.lang,
        {
          tenantId: c.tenantId,
          tenantName: c.tenantName,
          canEdit: c.canEdit,
          keys: await c.settings.listApiKeys(c.tenantId),
          ...extra,
        },
        headerOf(c.session, settingsPath(c.tenantId, "api-keys")),
      ),
    );

  const webhooksPage = async (
    c: TenantContext,
    status: number,
    extra: Omit<Parameters<typeof renderWebhooksPage>[1], "tenantId" | "tenantName" | "canEdit" | "webhooks"> = {},
  ) =>
    settingsPage(
      status,
      renderWebhooksPage(
        c.lang,
        {
          tenantId: c.tenantId,
          tenantName: c.tenantName,
          canEdit: c.canEdit,
          webhooks: await c.settings.listWebhooks(c.tenantId),
          ...extra,
        },
        headerOf(c.session, settingsPath(c.tenantId, "webhooks")),
      ),
    );

  return {
    policy: forTenant("policy page", "GET", async (c) => {
      const view = await c.settings.getPolicy(c.tenantId);
      const message = messageOf(c.request);
      return policyPage(c, 200, policyToForm(view.policy, c.lang), message ? { notice: message } : {});
    }),

    savePolicy: forTenant("policy save", "POST", async (c, form) => {
      const values = readPolicyForm(form);
      const current = await c.settings.getPolicy(c.tenantId);
      const parsed = formToPolicy(values, current.policy, c.lang);
      if (!parsed.ok) return policyPage(c, 400, values, { errors: parsed.errors });
      try {
        await c.settings.putPolicy(c.tenantId, parsed.policy);
      } catch (error) {
        if (!(error instanceof UnlawfulPolicy)) throw error;
        await c.wiring.recordStaffAction(c.session.staff, "policy-refused", { tenantId: c.tenantId });
        return policyPage(c, 422, values, { problems: atRows(error.problems, parsed.rows, c.lang), refused: true });
      }
      await c.wiring.recordStaffAction(c.session.staff, "policy-saved", { tenantId: c.tenantId });
      return redirect(portalHref(settingsPath(c.tenantId, "policy"), c.lang, { melding: "lagret" }));
    }),

    /** The live validation: the posted form's field errors, else the legal problems, each with its form row. */
    checkPolicy: forTenant("policy check", "POST", async (c, form) => {
      const values = readPolicyForm(form);
      const current = await c.settings.getPolicy(c.tenantId);
      const parsed = formToPolicy(values, current.policy, c.lang);
      const legalBasisLabel = c.lang === "en" ? "Legal basis" : "Rettslig grunnlag";
      const body = parsed.ok
        ? {
            errors: [],
            problems: atRows(await c.settings.checkPolicy(c.tenantId, parsed.policy), parsed.rows, c.lang).map((p) => ({
              ...p,
              legalBasisLabel,
            })),
          }
        : { errors: parsed.errors, problems: [] };
      return {
        status: 200,
        headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
        body: JSON.stringify(body),
      };
    }),

    webhooks: forTenant("webhooks page", "GET", async (c) => {
      const message = messageOf(c.request);
      return webhooksPage(c, 200, message ? { notice: message } : {});
    }),

    createWebhook: forTenant("webhook create", "POST", async (c, form) => {
      const url = (form.get("url") ?? "").trim().slice(0, 2100);
      const events = form.getAll("events").slice(0, 50);
      try {
        const created = await c.settings.registerWebhook(c.tenantId, { url, events: events as never });
        await c.wiring.recordStaffAction(c.session.staff, "webhook-created", { tenantId: c.tenantId });
        return webhooksPage(c, 201, { created: { id: created.id, secret: created.secret } });
      } catch (error) {
        if (!(error instanceof ZodError)) throw error;
        const issue = error.issues[0];
        const field = issue?.path[0] === "events" ? "events" : "url";
        const text =
          field === "events"
            ? c.lang === "en"
              ? "Events: choose at least one."
              : "Hendelser: velg minst én."
            : `${c.lang === "en" ? "Address" : "Adresse"}: ${
                issue?.code === "custom"
                  ? c.lang === "nb"
                    ? (URL_PROBLEMS_NB[issue.message] ?? issue.message)
                    : issue.message
                  : c.lang === "en"
                    ? "enter an https address."
                    : "skriv en https-adresse."
              }`;
        return webhooksPage(c, 400, { form: { url, events, error: { field, message: text } } });
      }
    }),

    webhook: forTenant("webhook page", "GET", async (c) => {
      const message = messageOf(c.request);
      return webhookPage(c, 200, message ? { notice: message } : {});
    }),

    webhookAction: forTenant("webhook action", "POST", async (c, form) => {
      const webhook = await webhookOf(c);
      if (!webhook) return notice("not-found", c.lang, headerOf(c.session, settingsPath(c.tenantId, "webhooks")));
      const path = `${settingsPath(c.tenantId, "webhooks")}/${webhook.id}`;
      switch (c.request.params.action) {
        case "slett": {
          if (form.get("confirm") !== "yes") return webhookPage(c, 400, { notice: "confirmRequired" });
          await c.settings.deleteWebhook(c.tenantId, webhook.id);
          await c.wiring.recordStaffAction(c.session.staff, "webhook-deleted", { tenantId: c.tenantId });
          return redirect(portalHref(settingsPath(c.tenantId, "webhooks"), c.lang, { melding: "slettet" }));
        }
        case "ny-hemmelighet": {
          const rotated = await c.settings.rotateWebhookSecret(c.tenantId, webhook.id, SECRET_OVERLAP_HOURS.default);
          if (!rotated) return webhookPage(c, 404, { notice: "notFound" });
          await c.wiring.recordStaffAction(c.session.staff, "webhook-secret-rotated", { tenantId: c.tenantId });
          return webhookPage(c, 200, { rotatedSecret: rotated.secret });
        }
        case "send-igjen": {
          const delivery = (form.get("delivery") ?? "").slice(0, 300);
          const result = await c.settings.retryWebhookDelivery(c.tenantId, webhook.id, delivery);
          if (result !== "queued") {
            const why: Record<typeof result, SettingsMessage> = {
              "not-found": "notFound",
              "not-failed": "notFailed",
              "subscription-disabled": "subscriptionDisabled",
            };
            return webhookPage(c, result === "not-found" ? 404 : 409, { notice: why[result] });
          }
          await c.wiring.recordStaffAction(c.session.staff, "webhook-delivery-retried", { tenantId: c.tenantId });
          return redirect(portalHref(path, c.lang, { melding: "sendt" }));
        }
        default:
          return notice("not-found", c.lang, headerOf(c.session, path));
      }
    }),

    apiKeys: forTenant("api keys page", "GET", async (c) => {
      const message = messageOf(c.request);
      return apiKeysPage(c, 200, message ? { notice: message } : {});
    }),

    createApiKey: forTenant("api key create", "POST", async (c, form) => {
      const label = (form.get("label") ?? "").slice(0, 200);
      const generated = generateApiKey("live");
      const added = await c.settings.addApiKey(c.tenantId, generated, label);
      if (!added.ok)
        return apiKeysPage(c, 400, {
          label,
          notice: added.problem === "label-missing" ? "labelMissing" : "labelTooLong",
        });
      await c.wiring.recordStaffAction(c.session.staff, "api-key-created", { tenantId: c.tenantId });
      return apiKeysPage(c, 201, { created: generated.apiKey });
    }),

    revokeApiKey: forTenant("api key revoke", "POST", async (c, form) => {
      const keyId = c.request.params.keyId ?? "";
      if (form.get("confirm") !== "yes") return apiKeysPage(c, 400, { notice: "confirmRequired" });
      if (!/^[0-9a-f]{16}$/u.test(keyId) || !(await c.settings.revokeApiKey(c.tenantId, keyId)))
        return apiKeysPage(c, 404, { notice: "notFound" });
      await c.wiring.recordStaffAction(c.session.staff, "api-key-revoked", { tenantId: c.tenantId });
      return redirect(portalHref(settingsPath(c.tenantId, "api-keys"), c.lang, { melding: "trukket" }));
    }),

    script: async (): Promise<HttpResponseInit> => ({
      status: 200,
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=300",
        "x-content-type-options": "nosniff",
      },
      body: SETTINGS_SCRIPT,
    }),

    style: async (): Promise<HttpResponseInit> => ({
      status: 200,
      headers: {
        "content-type": "text/css; charset=utf-8",
        "cache-control": "public, max-age=300",
        "x-content-type-options": "nosniff",
      },
      body: SETTINGS_CSS,
    }),
  };
}

export function registerPortalSettingsFunctions(deps: () => PortalDeps): void {
  const f = makePortalSettingsFunctions(deps);
  const http = (name: string, route: string, method: "GET" | "POST", handler: typeof f.policy) =>
    app.http(name, { route, methods: [method], authLevel: "anonymous", handler });
  http(names.PORTAL_POLICY_FUNCTION, names.PORTAL_POLICY_ROUTE, "GET", f.policy);
  http(names.PORTAL_POLICY_SAVE_FUNCTION, names.PORTAL_POLICY_ROUTE, "POST", f.savePolicy);
  http(names.PORTAL_POLICY_CHECK_FUNCTION, names.PORTAL_POLICY_CHECK_ROUTE, "POST", f.checkPolicy);
  http(names.PORTAL_WEBHOOKS_FUNCTION, names.PORTAL_WEBHOOKS_ROUTE, "GET", f.webhooks);
  http(names.PORTAL_WEBHOOK_CREATE_FUNCTION, names.PORTAL_WEBHOOKS_ROUTE, "POST", f.createWebhook);
  http(names.PORTAL_WEBHOOK_FUNCTION, names.PORTAL_WEBHOOK_ROUTE, "GET", f.webhook);
  http(names.PORTAL_WEBHOOK_ACTION_FUNCTION, names.PORTAL_WEBHOOK_ACTION_ROUTE, "POST", f.webhookAction);
  http(names.PORTAL_API_KEYS_FUNCTION, names.PORTAL_API_KEYS_ROUTE, "GET", f.apiKeys);
  http(names.PORTAL_API_KEY_CREATE_FUNCTION, names.PORTAL_API_KEYS_ROUTE, "POST", f.createApiKey);
  http(names.PORTAL_API_KEY_REVOKE_FUNCTION, names.PORTAL_API_KEY_REVOKE_ROUTE, "POST", f.revokeApiKey);
  http(names.PORTAL_SETTINGS_SCRIPT_FUNCTION, names.PORTAL_SETTINGS_SCRIPT_ROUTE, "GET", f.script);
  http(names.PORTAL_SETTINGS_STYLE_FUNCTION, names.PORTAL_SETTINGS_STYLE_ROUTE, "GET", f.style);
}
