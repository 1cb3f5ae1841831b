/**
 * The portal's A/B test page (issue 16): a creditor's experiments on its ladder's messages.
 *
 *   GET  /portal/{tenantId}/ab-tester   the experiments (running, planned, ended); an editor also gets the form
 *   POST /portal/{tenantId}/ab-tester   (CSRF, editor) `action=add` defines one, `action=end` ends one (a planned
 *                                       one is removed) → 303 back; a bad form is the page again, 422, naming fields
 *
 * Saved through the same policy use case as `PUT /api/v1/policy` (makePutPolicy: the ladder's and the experiments'
 * legal validation, a started experiment kept as it is), so the page and the API share one set of rules; each change
 * is audited (`recordStaffAction`). Seeing the page needs `mayAccessTenant`, changing it `mayActOnTenant`; a tenant
 * the user may not see is the same 404 as a missing one. Logs carry no form content.
 */
import { app, type HttpRequest } from "@azure/functions";
import { makeGetPolicy, makePutPolicy, UnlawfulPolicy } from "../../shared/application/policy";
import { mayAccessTenant, mayActOnTenant } from "../../shared/application/portal/access";
import { staffCsrfMatches, type StaffSession } from "../../shared/application/portal/staff-sessions";
import { timeZoneOf, toLocalDate } from "../../shared/domain/calendar";
import { Experiment, ExperimentStepKind, templateProblems } from "../../shared/domain/experiments";
import type { LadderPolicy } from "../../shared/domain/policy";
import {
  experimentsPath,
  renderExperimentsPage,
  type ExperimentFormValues,
  type ExperimentsPageInput,
} from "../../shared/web/portal/experiments-page";
import { portalHref } from "../../shared/web/portal/pages";
import { problemInBokmal } from "../../shared/web/portal/problems-nb";
import type { PortalDeps } from "./deps";
import { headerOf, ID_PARAM, makePortalGuards, notice, page } from "./portal-guards";
import { PORTAL_EXPERIMENTS_FUNCTION, PORTAL_EXPERIMENTS_ROUTE } from "./names";

const FORM_FIELDS = ["id", "step", "startsOn", "endsOn", "splitA", "aText", "aSendAt", "bText", "bSendAt"] as const;

/** The form as an experiment, with what the form calls each member (for the errors). */
function experimentOf(values: ExperimentFormValues) {
  const variant = (text?: string, sendAt?: string) => ({
    ...(text?.trim() ? { text: text.trim() } : {}),
    ...(sendAt?.trim() ? { sendAt: sendAt.trim() } : {}),
  });
  const splitA = Number(values.splitA ?? "50");
  return Experiment.safeParse({
    id: values.id?.trim() ?? "",
    step: values.step ?? "",
    startsOn: values.startsOn ?? "",
    ...(values.endsOn?.trim() ? { endsOn: values.endsOn.trim() } : {}),
    split: { A: splitA, B: 100 - splitA },
    variants: { A: variant(values.aText, values.aSendAt), B: variant(values.bText, values.bSendAt) },
  });
}

/** The form field a schema issue's path is about. */
function fieldOf(path: readonly PropertyKey[]): keyof ExperimentFormValues | undefined {
  const [first, second, third] = path.map(String);
  if (first === "split") return "splitA";
  if (first === "variants" && (second === "A" || second === "B"))
    return `${second.toLowerCase() as "a" | "b"}${third === "sendAt" ? "SendAt" : "Text"}`;
  return (FORM_FIELDS as readonly string[]).includes(first ?? "") ? (first as keyof ExperimentFormValues) : undefined;
}

export function makePortalExperimentsFunctions(resolve: () => PortalDeps) {
  const { signedIn: handle } = makePortalGuards(resolve);

  /** The tenant of the route when this user may see it, with what the page shows. */
  async function load(request: HttpRequest, deps: PortalDeps, session: StaffSession) {
    const tenantId = request.params.tenantId ?? "";
    const header = headerOf(session, experimentsPath(tenantId));
    if (!ID_PARAM.test(tenantId) || !mayAccessTenant(session.staff, tenantId)) return { header, found: undefined };
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) return { header, found: undefined };
    const policy = (await makeGetPolicy(deps)(tenantId)).policy;
    const today = toLocalDate(deps.clock.now(), timeZoneOf(tenant.country));
    const base: ExperimentsPageInput = {
      tenantId,
      tenantName: tenant.name,
      experiments: policy.experiments ?? [],
      today,
      mayEdit: mayActOnTenant(session.staff, tenantId),
    };
    return { header, found: { tenantId, policy, base } };
  }

  return {
    show: handle("ab-tester page", async (request, deps, _wiring, session, lang) => {
      const { header, found } = await load(request, deps, session);
      if (!found) return notice("not-found", lang, header);
      const saved = request.query.get("saved");
      return page(
        200,
        renderExperimentsPage(
          lang,
          { ...found.base, ...(saved && /^[a-z0-9-]{1,40}$/u.test(saved) ? { saved } : {}) },
          header,
        ),
      );
    }),

    change: handle("ab-tester change", async (request, deps, wiring, session, lang) => {
      const { header, found } = await load(request, deps, session);
      if (!found) return notice("not-found", lang, header);
      const form = new URLSearchParams((await request.text()).slice(0, 16_384));
      if (!staffCsrfMatches(session, form.get("csrf"))) return notice("bad-form", lang, header);
      if (!found.base.mayEdit) return notice("refused", lang, header);
      const { tenantId, policy, base } = found;
      const current = policy.experiments ?? [];
      let next: LadderPolicy["experiments"];
      let id: string;
      let values: ExperimentFormValues = {};
      if (form.get("action") === "end") {
        id = form.get("id") ?? "";
        const target = current.find((e) => e.id === id);
        if (!target) return notice("not-found", lang, header);
        next =
          target.startsOn > base.today
            ? current.filter((e) => e.id !== id)
            : current.map((e) => (e.id === id ? { ...e, endsOn: base.today } : e));
      } else {
        values = Object.fromEntries(FORM_FIELDS.map((f) => [f, (form.get(f) ?? "").slice(0, 1000)]));
        const parsed = experimentOf(values);
        if (!parsed.success) {
          const errors = parsed.error.issues.map((i) => {
            const field = fieldOf(i.path);
            return { ...(field ? { field } : {}), message: `${field ?? i.path.join(".")}: ${i.message}` };
          });
          // Every mistake at once: the variants' texts are checked too, not only after the form's shape is right.
          const step = ExperimentStepKind.safeParse(values.step);
          if (step.success)
            for (const name of ["A", "B"] as const) {
              const field = name === "A" ? "aText" : "bText";
              const text = values[field]?.trim();
              if (!text || errors.some((e) => e.field === field)) continue;
              for (const reason of templateProblems(text, step.data)) {
                const message = `Variant ${name}: ${reason}`;
                errors.push({ field, message: lang === "nb" ? problemInBokmal(message) : message });
              }
            }
          return page(422, renderExperimentsPage(lang, { ...base, values, errors }, header));
        }
        id = parsed.data.id;
        next = [...current.filter((e) => e.id !== id || e.startsOn <= base.today), parsed.data];
      }
      try {
        await makePutPolicy(deps)(tenantId, { ...policy, experiments: next });
      } catch (error) {
        if (!(error instanceof UnlawfulPolicy)) throw error;
        const errors = error.problems.map((p) => {
          const v = p.experiment?.variant;
          const field: keyof ExperimentFormValues | undefined =
            v === undefined
              ? undefined
              : p.reason.includes("send hour")
                ? v === "A"
                  ? "aSendAt"
                  : "bSendAt"
                : v === "A"
                  ? "aText"
                  : "bText";
          return { ...(field ? { field } : {}), message: lang === "nb" ? problemInBokmal(p.reason) : p.reason };
        });
        return page(422, renderExperimentsPage(lang, { ...base, values, errors }, header));
      }
      await wiring.recordStaffAction(
        session.staff,
        form.get("action") === "end" ? "end-experiment" : "define-experiment",
        {
          tenantId,
        },
      );
      return {
        status: 303,
        headers: {
          location: portalHref(experimentsPath(tenantId), lang, { saved: id }),
          "cache-control": "no-store",
          "referrer-policy": "no-referrer",
        },
      };
    }),
  };
}

export function registerPortalExperimentsFunctions(deps: () => PortalDeps): void {
  const f = makePortalExperimentsFunctions(deps);
  app.http(PORTAL_EXPERIMENTS_FUNCTION, {
    route: PORTAL_EXPERIMENTS_ROUTE,
    methods: ["GET"],
    authLevel: "anonymous",
    handler: f.show,
  });
  app.http(`${PORTAL_EXPERIMENTS_FUNCTION}Change`, {
    route: PORTAL_EXPERIMENTS_ROUTE,
    methods: ["POST"],
    authLevel: "anonymous",
    handler: f.change,
  });
}
