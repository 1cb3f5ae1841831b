/**
 * The shell every debtor-facing page shares: doctype, `<html lang>`, viewport, noindex, no-referrer, the inline CSS
 * (no external CSS, JS or fonts), the sender (creditor) header, a language switch and a footer.
 *
 * Templates are eta templates with auto-escaping (`<%= %>` escapes; `<%~ %>` is used only for HTML produced by these
 * templates), compiled once when the module loads.
 */
import { createHash } from "node:crypto";
import { Eta } from "eta";
import { t } from "./i18n";
import type { Lang } from "./pay-page-model";

const eta = new Eta({ autoEscape: true, autoTrim: [false, "nl"], useWith: false, varName: "it", cache: false });

/** Compiles an eta template once; the returned function renders it with `data` (values escaped unless `<%~`). */
export function compileTemplate<T extends object>(source: string): (data: T) => string {
  const fn = eta.compile(source);
  return (data: T) => fn.call(eta, data);
}

/**
 * The colours, named by use. Every text/background pair the CSS uses is listed in CONTRAST_PAIRS and tested to reach
 * WCAG AA 4.5:1 (Vipps orange carries dark text: white on #ff5b24 is only about 3:1).
 */
export const PALETTE = {
  text: "#1a1a1a",
  muted: "#4a5257",
  page: "#f3f3f1",
  surface: "#ffffff",
  border: "#6b7378",
  link: "#0b4fa8",
  focus: "#0b0c0c",
  focusFill: "#ffdd00",
  error: "#b3001b",
  vipps: "#ff5b24",
  vippsText: "#000000",
  card: "#1d4ed8",
  cardText: "#ffffff",
  okFill: "#e3f2e7",
  okBorder: "#00703c",
  noticeFill: "#fff4e0",
  noticeBorder: "#a65300",
} as const;

export const CONTRAST_PAIRS: ReadonlyArray<readonly [string, keyof typeof PALETTE, keyof typeof PALETTE]> = [
  ["body text", "text", "surface"],
  ["body text on the page background", "text", "page"],
  ["hints", "muted", "surface"],
  ["footer", "muted", "page"],
  ["links", "link", "surface"],
  ["links in the footer", "link", "page"],
  ["error messages", "error", "surface"],
  ["Vipps button", "vippsText", "vipps"],
  ["card button", "cardText", "card"],
  ["focused link", "focus", "focusFill"],
  ["paid box", "text", "okFill"],
  ["notice box", "text", "noticeFill"],
];

const P = PALETTE;
/** Mobile first; touch targets at least 44 px; a thick, visible focus ring on everything focusable. */
export const PAGE_CSS = [
  "*,*::before,*::after{box-sizing:border-box}",
  "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}",
  `body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:${P.text};background:${P.page}}`,
  ".wrap{max-width:40rem;margin:0 auto;padding:.75rem}",
  ".top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem}",
  ".sender{display:flex;align-items:center;gap:.75rem;margin:0;font-weight:600}",
  ".sender img{display:block;max-height:3rem;max-width:9rem;height:auto;width:auto}",
  `main{background:${P.surface};border-radius:.5rem;padding:1rem;margin:.5rem 0}`,
  "h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}",
  "h2{font-size:1.2rem;line-height:1.3;margin:1.5rem 0 .5rem}",
  "p{margin:.5rem 0}",
  `a{color:${P.link};text-decoration:underline;text-underline-offset:.15em}`,
  `a:focus-visible{outline:3px solid ${P.focus};outline-offset:2px;background:${P.focusFill};color:${P.focus}}`,
  `:focus-visible{outline:3px solid ${P.focus};outline-offset:3px}`,
  `.case{border:1px solid ${P.border};border-radius:.5rem;padding:0 1rem .75rem;margin:1rem 0}`,
  ".case h2{margin-top:1rem}",
  // Labels give way to values: a KID or account number (one unbreakable word) keeps its line on a phone.
  "dl{display:grid;grid-template-columns:minmax(5.5rem,max-content) minmax(min-content,1fr);gap:.25rem 1rem;margin:.5rem 0}",
  "dt{margin:0}dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:break-word}",
  // A KID (up to 25 digits) under its label, across the row: beside it, it would push the values off a phone.
  "dt.wide,dd.wide{grid-column:1/-1}dd.wide{text-align:left;margin-top:-.25rem}",
  `.sum .tot{font-weight:700;border-top:1px solid ${P.border};padding-top:.25rem}`,
  ".total{font-size:1.2rem;font-weight:700}",
  ".amt{white-space:nowrap}",
  "fieldset{border:0;padding:0;margin:0 0 1rem;min-width:0}",
  "legend{font-weight:700;font-size:1.1rem;padding:0;margin-bottom:.25rem}",
  ".choice{display:flex;align-items:flex-start;gap:.75rem}",
  `.choice input{flex:none;width:1.5rem;height:1.5rem;margin:.65rem 0 0;accent-color:${P.text}}`,
  ".choice label{flex:1;display:block;min-height:44px;padding:.5rem 0;cursor:pointer}",
  ".sub{margin:0 0 .75rem 2.25rem}",
  ".field{margin:0 0 1rem}",
  ".field label{display:block;font-weight:700}",
  `.hint{color:${P.muted};margin:.25rem 0}`,
  `input[type=text],select,textarea{font:inherit;color:${P.text};background:${P.surface};width:100%;max-width:22rem;min-height:48px;padding:.5rem;border:2px solid ${P.border};border-radius:.25rem}`,
  "textarea{max-width:100%;min-height:8rem}",
  "input[type=file]{font:inherit;max-width:100%;min-height:44px;padding:.5rem 0}",
  ".plan{margin:0 0 .75rem 2.25rem;padding:0;list-style:none}",
  `.err{color:${P.error};font-weight:700;margin:.25rem 0}`,
  `[aria-invalid=true]{border-color:${P.error}!important;border-width:3px}`,
  `.summary{border:4px solid ${P.error};border-radius:.25rem;padding:0 1rem;margin:0 0 1rem}`,
  ".summary h2{margin-top:.75rem}",
  ".summary a{font-weight:700}",
  ".btn{display:block;width:100%;min-height:48px;font:inherit;font-weight:700;border:0;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0;cursor:pointer;text-align:center}",
  `.vipps{background:${P.vipps};color:${P.vippsText}}`,
  `.card{background:${P.card};color:${P.cardText}}`,
  `.ok{background:${P.okFill};border-left:6px solid ${P.okBorder};padding:.75rem 1rem;margin:1rem 0}`,
  `.note{background:${P.noticeFill};border-left:6px solid ${P.noticeBorder};padding:.5rem 1rem;margin:.75rem 0}`,
  `footer{color:${P.muted};font-size:.95rem;padding:.5rem 0 2rem}`,
  ".lang{display:inline-block;min-height:44px;min-width:44px;padding:.6rem .25rem}",
  // Contact links, one a line, and letter links: easy to tap; an e-mail address may break rather than run off a phone.
  ".contact-intro{margin-bottom:0}",
  ".contacts{list-style:none;margin:0 0 .5rem;padding:0}",
  ".contacts a{display:inline-block;padding:.3rem 0;overflow-wrap:anywhere}",
  // The letter that added a fee: a line of its own under the fee, across the row.
  "dd.doc-row{grid-column:1/-1;text-align:left;margin-top:-.25rem}",
  "a.doc{display:inline-block;padding:.2rem 0}",
  ".nowrap{white-space:nowrap}",
  `.vh{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`,
].join("");

/**
 * A Content-Security-Policy for these pages (the HTTP function sets it as a header): nothing loads but the inline
 * style (by hash) and https images (the creditor's logo). `form-action` is left out on purpose: the pay form's POST
 * answers with a redirect to the payment provider, and browsers apply form-action to that redirect too.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(PAGE_CSS).digest("base64")}'`,
  "img-src https: data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

export interface LayoutInput {
  lang: Lang;
  /** The document title (usually the h1's text). */
  title: string;
  /** The page's main content: HTML rendered by one of this folder's templates. */
  mainHtml: string;
  /** The sender shown at the top (the creditor); absent on notice pages that do not know it. */
  creditor?: { name: string; logoUrl?: string } | undefined;
  /** Where the language switch points, per target language (default: `?lang=en` / `?lang=nb` on the same path). */
  langHref?: Readonly<Record<Lang, string>> | undefined;
  /** Footer lines (plain text). */
  footer?: readonly string[] | undefined;
  /** Footer lines with links (contact details: phone, e-mail, web), after the plain ones. */
  footerLinks?: readonly FooterLinkLine[] | undefined;
  /** Seconds after which the browser reloads the page by itself (pending receipts only). */
  refreshSeconds?: number | undefined;
}

export interface FooterLinkLine {
  intro: string;
  links: readonly { href: string; text: string }[];
}

interface LayoutData {
  lang: Lang;
  title: string;
  css: string;
  mainHtml: string;
  sender?: { text: string; logoUrl?: string; logoAlt: string } | undefined;
  switchTo: Lang;
  switchLabel: string;
  switchHref: string;
  footer: readonly string[];
  footerLinks: readonly FooterLinkLine[];
  refresh?: string | undefined;
}

const layoutTemplate = compileTemplate<LayoutData>(`<!doctype html>
<html lang="<%= it.lang %>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<% if (it.refresh !== undefined) { %><meta http-equiv="refresh" content="<%= it.refresh %>">
<% } %><title><%= it.title %></title>
<style><%~ it.css %></style>
</head>
<body>
<div class="wrap">
<header class="top">
<% if (it.sender) { %><p class="sender"><% if (it.sender.logoUrl) { %><img src="<%= it.sender.logoUrl %>" alt="<%= it.sender.logoAlt %>" height="48"><% } %><span><%= it.sender.text %></span></p>
<% } else { %><span></span>
<% } %><a class="lang" href="<%= it.switchHref %>" lang="<%= it.switchTo %>" hreflang="<%= it.switchTo %>"><%= it.switchLabel %></a>
</header>
<main>
<%~ it.mainHtml %>
</main>
<footer>
<% for (const line of it.footer) { %><p><%= line %></p>
<% } %><% for (const line of it.footerLinks) { %><p class="contact-intro"><%= line.intro %></p>
<ul class="contacts">
<% for (const l of line.links) { %><li><a href="<%= l.href %>"><%= l.text %></a></li>
<% } %></ul>
<% } %></footer>
</div>
</body>
</html>
`);

/** Only http(s) logo addresses are shown (a `javascript:` or `data:` URL from a tenant record never reaches a page). */
function safeLogoUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function renderLayout(input: LayoutInput): string {
  const switchTo: Lang = input.lang === "nb" ? "en" : "nb";
  const logoUrl = safeLogoUrl(input.creditor?.logoUrl);
  return layoutTemplate({
    lang: input.lang,
    title: input.title,
    css: PAGE_CSS,
    mainHtml: input.mainHtml,
    sender: input.creditor
      ? {
          text: t(input.lang, "sender", { creditor: input.creditor.name }),
          ...(logoUrl ? { logoUrl } : {}),
          logoAlt: t(input.lang, "logoAlt", { creditor: input.creditor.name }),
        }
      : undefined,
    switchTo,
    switchLabel: t(input.lang, "langSwitch"),
    switchHref: input.langHref?.[switchTo] ?? `?lang=${switchTo}`,
    footer: input.footer ?? [],
    footerLinks: input.footerLinks ?? [],
    refresh:
      input.refreshSeconds !== undefined && Number.isFinite(input.refreshSeconds)
        ? String(Math.max(1, Math.round(input.refreshSeconds)))
        : undefined,
  });
}

/** The pay link's own path, `/p/{token}`, with `?lang=en` when English (Norwegian is the default). */
export function payLinkPath(token: string, lang: Lang, suffix = ""): string {
  return `/p/${encodeURIComponent(token)}${suffix}${lang === "en" ? "?lang=en" : ""}`;
}
