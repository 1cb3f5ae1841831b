/**
 * A tenant's navigation in the creditor portal (issue 16): its cases and its settings (ladder policy, webhooks, API
 * keys). Self-contained (no import of pages.ts), so every portal page can show it.
 */
export type SettingsPage = "cases" | "kpis" | "policy" | "webhooks" | "api-keys" | "experiments";

export const SETTINGS_ROUTES = {
  policy: "innstillinger/inndrivingslop",
  webhooks: "innstillinger/webhooks",
  apiKeys: "innstillinger/api-nokler",
} as const;

export function settingsPath(tenantId: string, page: Exclude<SettingsPage, "cases" | "kpis" | "experiments">): string {
  const base = `/portal/${encodeURIComponent(tenantId)}`;
  return page === "policy"
    ? `${base}/${SETTINGS_ROUTES.policy}`
    : page === "webhooks"
      ? `${base}/${SETTINGS_ROUTES.webhooks}`
      : `${base}/${SETTINGS_ROUTES.apiKeys}`;
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/gu, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const TEXT = {
  nb: {
    nav: "Kreditormeny",
    cases: "Saker",
    kpis: "Nøkkeltall",
    policy: "Inndrivingsløp",
    webhooks: "Webhooks",
    apiKeys: "API-nøkler",
    experiments: "A/B-tester",
  },
  en: {
    nav: "Creditor menu",
    cases: "Cases",
    kpis: "Key figures",
    policy: "Collection ladder",
    webhooks: "Webhooks",
    apiKeys: "API keys",
    experiments: "A/B tests",
  },
} as const;

/** The tenant's navigation: its cases and the three settings pages (`current` marked). */
export function tenantNav(lang: "nb" | "en", tenantId: string, current: SettingsPage): string {
  const t = TEXT[lang];
  const q = lang === "en" ? "?lang=en" : "";
  const links: Array<[SettingsPage, string, string]> = [
    ["cases", t.cases, `/portal/${encodeURIComponent(tenantId)}/saker`],
    ["kpis", t.kpis, `/portal/${encodeURIComponent(tenantId)}/nokkeltall`],
    ["policy", t.policy, settingsPath(tenantId, "policy")],
    ["webhooks", t.webhooks, settingsPath(tenantId, "webhooks")],
    ["api-keys", t.apiKeys, settingsPath(tenantId, "api-keys")],
    ["experiments", t.experiments, `/portal/${encodeURIComponent(tenantId)}/ab-tester`],
  ];
  return `<nav class="tenant-nav" aria-label="${t.nav}"><ul>${links
    .map(
      ([key, text, href]) =>
        `<li><a href="${esc(href + q)}"${key === current ? ' aria-current="page"' : ""}>${esc(text)}</a></li>`,
    )
    .join("")}</ul></nav>`;
}
