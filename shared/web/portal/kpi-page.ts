/**
 * The KPI dashboard page `/portal/{tenantId}/nokkeltall` (issue 16): server-rendered SVG charts, no JavaScript.
 * Every chart is an image with a title and a description (`role="img"`, `aria-labelledby`) and its numbers are also
 * in a table (small, or visually hidden for the trend), so a screen reader gets every figure. Colours hold AA
 * contrast on white (text 4.5:1, graphics 3:1). Bokmål by default, English with `?lang=en`; fits a 360 px phone.
 */
import type { ExperimentReport, FunnelRow, KpiDashboard } from "../../application/kpis/dashboard";
import { layout, portalCspWith, type PortalLang, type SignedInHeader } from "./pages";
import { STEP_NAMES } from "./step-names";
import { tenantNav } from "./tenant-nav";

const esc = (s: string): string =>
  s.replace(/[&<>"']/gu, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const COLOURS = { sent: "#0b4fa8", delivered: "#2f5f8a", opened: "#8a4b00", paid: "#1a6b32", grey: "#4a5257" };
const SERIES = ["#0b4fa8", "#1a6b32", "#8a4b00", "#5b3a9e"];

export const KPI_CSS = [
  ".period{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}",
  ".period .field{display:flex;flex-direction:column;gap:.25rem}.period label{font-weight:600}",
  ".period select{font:inherit;min-height:44px;padding:.375rem .5rem;border:1px solid #6b7378;border-radius:.25rem;background:#fff;color:#1a1a1a}",
  "ul.tiles{list-style:none;padding:0;margin:0 0 1rem;display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem}",
  "ul.tiles li{background:#fff;border:1px solid #6b7378;border-radius:.5rem;padding:.75rem}",
  ".tile-label{display:block;font-size:.875rem;color:#4a5257}",
  ".tile-value{display:block;font-size:1.75rem;font-weight:700;line-height:1.2;font-variant-numeric:tabular-nums}",
  ".tile-note{display:block;font-size:.8125rem;color:#4a5257}",
  "svg.chart{display:block;width:100%;height:auto;max-width:40rem}",
  "svg.chart text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
  "table.small{font-size:.8125rem;margin:.5rem 0 0;max-width:40rem;width:100%}",
  "table.small th,table.small td{padding:.25rem .3rem}table.small td{overflow-wrap:anywhere}",
  ".legend{list-style:none;padding:0;margin:.5rem 0 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.875rem}",
  ".swatch{display:inline-block;width:.875rem;height:.875rem;border-radius:2px;margin-right:.375rem;vertical-align:-.125rem}",
  ".sw0{background:#0b4fa8}.sw1{background:#1a6b32}.sw2{background:#8a4b00}.sw3{background:#5b3a9e}",
  ".sr-only{position:absolute;left:-10000px;top:auto;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}",
  ".verdict{font-weight:700;font-size:1.125rem;margin:.5rem 0}",
  ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}",
  "@media (max-width:40rem){table.small,table.small thead,table.small tbody,table.small tr,table.small td,table.small th{display:revert}table.small thead{position:static}table.small td::before{content:none}table.small{display:table}table.small tr{border:0;margin:0}table.small td.num{text-align:right}}",
].join("");

export const KPI_CSP = portalCspWith(KPI_CSS);

const W = {
  nb: {
    title: "Nøkkeltall",
    period: "Periode",
    show: "Vis",
    last: (n: string) => `Siste ${n} dager`,
    from: "Fra",
    funnel: "Trakt per melding",
    funnelNone: "Ingen meldinger sendt i perioden.",
    stages: {
      sent: "Sendt",
      delivered: "Levert",
      opened: "Betalingsside åpnet",
      paid1: "Betalt innen 1 dag",
      paid7: "Betalt innen 7 dager",
      paid30: "Betalt innen 30 dager",
    },
    ofSent: "av sendte",
    count: "Antall",
    share: "Andel",
    clickRate: "Klikkrate",
    clickNote: "åpnet / sendt",
    paymentRate: "Betalingsrate",
    paymentNote: "betalt innen 7 dager / sendt",
    resolutionRate: "Løst før inkasso",
    resolutionNote: (p: string, of: string) => `${p} av ${of} betalte saker`,
    creditTime: "Kredittid (median)",
    creditNote: (p90: string) => `p90: ${p90} · dager fra forfall til betalt`,
    reopenTime: "Gjenåpning (median)",
    reopenNote: (p90: string) => `p90: ${p90} · fra betaling til bekreftet`,
    casesTile: "Saker",
    casesNote: (created: string, paid: string) => `${created} nye · ${paid} betalt`,
    none: "–",
    methods: "Betalingsmåter",
    methodsNone: "Ingen betalinger i perioden.",
    methodNames: { vipps: "Vipps", card: "Kort", bank: "Bank (KID)", other: "Annet" } as Record<string, string>,
    trend: "Utvikling per dag",
    trendDesc: (from: string, to: string) =>
      `Sendte meldinger, åpnede betalingssider og betalte saker per dag, ${from}–${to}.`,
    trendSeries: { sent: "Sendt", opened: "Åpnet", paid: "Betalt" },
    day: "Dag",
    experiments: "A/B-tester",
    experimentsNone: "Ingen A/B-tester med meldinger i perioden.",
    experiment: (id: string) => `Eksperiment «${id}»`,
    variant: "Variant",
    payRate: "Betalt innen 7 dager",
    openedShort: "Åpnet",
    paidShort: "Betalt ≤7 d",
    ciShort: "95 % KI",
    better: (w: string, l: string, p: string) => `${w} betaler oftere enn ${l} (p = ${p})`,
    noDifference: (p: string) => `Ingen sikker forskjell ennå (p = ${p})`,
    tooFewData: "For få data til å si noe om forskjellen ennå (under 30 sendt per variant eller under 5 betalt).",
    difference: (d: string, lo: string, hi: string) => `Forskjell B − A: ${d} prosentpoeng (95 % KI ${lo} til ${hi}).`,
    abDesc: (id: string) =>
      `Andel som betalte innen 7 dager per variant i eksperiment ${id}, med 95 % konfidensintervall.`,
    funnelDesc: (step: string) => `Hvor mange av meldingene «${step}» som ble levert, åpnet og betalt.`,
    methodsDesc: "Andel betalinger per betalingsmåte i perioden.",
    seconds: "s",
    minutes: "min",
    hours: "t",
    days: (n: string) => `${n} dager`,
    steps: STEP_NAMES.nb,
    back: "Til sakene",
  },
  en: {
    title: "Key figures",
    period: "Period",
    show: "Show",
    last: (n: string) => `Last ${n} days`,
    from: "From",
    funnel: "Funnel per message",
    funnelNone: "No messages sent in the period.",
    stages: {
      sent: "Sent",
      delivered: "Delivered",
      opened: "Pay page opened",
      paid1: "Paid within 1 day",
      paid7: "Paid within 7 days",
      paid30: "Paid within 30 days",
    },
    ofSent: "of sent",
    count: "Count",
    share: "Share",
    clickRate: "Click rate",
    clickNote: "opened / sent",
    paymentRate: "Payment rate",
    paymentNote: "paid within 7 days / sent",
    resolutionRate: "Resolved before collection",
    resolutionNote: (p: string, of: string) => `${p} of ${of} paid cases`,
    creditTime: "Credit time (median)",
    creditNote: (p90: string) => `p90: ${p90} · days from due to paid`,
    reopenTime: "Reopening (median)",
    reopenNote: (p90: string) => `p90: ${p90} · from payment to confirmed`,
    casesTile: "Cases",
    casesNote: (created: string, paid: string) => `${created} new · ${paid} paid`,
    none: "–",
    methods: "Payment methods",
    methodsNone: "No payments in the period.",
    methodNames: { vipps: "Vipps", card: "Card", bank: "Bank (KID)", other: "Other" } as Record<string, string>,
    trend: "Day by day",
    trendDesc: (from: string, to: string) => `Messages sent, pay pages opened and cases paid per day, ${from}–${to}.`,
    trendSeries: { sent: "Sent", opened: "Opened", paid: "Paid" },
    day: "Day",
    experiments: "A/B tests",
    experimentsNone: "No A/B tests with messages in the period.",
    experiment: (id: string) => `Experiment “${id}”`,
    variant: "Variant",
    payRate: "Paid within 7 days",
    openedShort: "Opened",
    paidShort: "Paid ≤ 7 d",
    ciShort: "95 % CI",
    better: (w: string, l: string, p: string) => `${w} pays more often than ${l} (p = ${p})`,
    noDifference: (p: string) => `No certain difference yet (p = ${p})`,
    tooFewData: "Too few data to say anything about the difference yet (under 30 sent per variant or under 5 paid).",
    difference: (d: string, lo: string, hi: string) =>
      `Difference B − A: ${d} percentage points (95 % CI ${lo} to ${hi}).`,
    abDesc: (id: string) => `Share paid within 7 days per variant in experiment ${id}, with 95 % confidence intervals.`,
    funnelDesc: (step: string) => `How many of the “${step}” messages were delivered, opened and paid.`,
    methodsDesc: "Share of payments per payment method in the period.",
    seconds: "s",
    minutes: "min",
    hours: "h",
    days: (n: string) => `${n} days`,
    steps: STEP_NAMES.en,
    back: "To the cases",
  },
} as const;

type Words = (typeof W)[PortalLang];

function fmt(lang: PortalLang) {
  const locale = lang === "nb" ? "nb-NO" : "en-GB";
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const one = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const p = new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 });
  const p3 = new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: "NOK", maximumFractionDigits: 0 });
  return {
    n: (v: number) => int.format(v),
    pct: (v: number | undefined) => (v === undefined ? "–" : `${one.format(v * 100)} %`),
    pp: (v: number) => `${v > 0 ? "+" : v < 0 ? "−" : ""}${one.format(Math.abs(v * 100))}`,
    p: (v: number) => (v < 0.001 ? (lang === "nb" ? "< 0,001" : "< 0.001") : v < 0.01 ? p3.format(v) : p.format(v)),
    money: (minor: number) => money.format(minor / 100),
    date: (d: string) =>
      new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(
        new Date(`${d}T00:00:00Z`),
      ),
    shortDate: (d: string) =>
      new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(
        new Date(`${d}T00:00:00Z`),
      ),
  };
}

function duration(seconds: number | undefined, w: Words, f: ReturnType<typeof fmt>): string {
  if (seconds === undefined) return w.none;
  if (seconds < 120) return `${f.n(seconds)} ${w.seconds}`;
  if (seconds < 7200) return `${f.n(Math.round(seconds / 60))} ${w.minutes}`;
  return `${f.n(Math.round(seconds / 3600))} ${w.hours}`;
}

let chartSeq = 0;
function chartIds(prefix: string): { title: string; desc: string } {
  chartSeq = (chartSeq + 1) % 1_000_000;
  return { title: `${prefix}-t${String(chartSeq)}`, desc: `${prefix}-d${String(chartSeq)}` };
}

function svgOpen(width: number, height: number, title: string, desc: string, prefix: string): string {
  const ids = chartIds(prefix);
  return `<svg class="chart" viewBox="0 0 ${String(width)} ${String(height)}" role="img" aria-labelledby="${ids.title} ${ids.desc}" xmlns="http://www.w3.org/2000/svg"><title id="${ids.title}">${esc(title)}</title><desc id="${ids.desc}">${esc(desc)}</desc>`;
}

const STAGES = ["sent", "delivered", "opened", "paid1", "paid7", "paid30"] as const;
const STAGE_COLOUR: Record<(typeof STAGES)[number], string> = {
  sent: COLOURS.sent,
  delivered: COLOURS.delivered,
  opened: COLOURS.opened,
  paid1: COLOURS.paid,
  paid7: COLOURS.paid,
  paid30: COLOURS.paid,
};

function funnelChart(row: FunnelRow, lang: PortalLang): string {
  const w = W[lang];
  const f = fmt(lang);
  const name = w.steps[row.step] ?? row.step;
  const rowH = 42;
  const height = STAGES.length * rowH;
  const bars = STAGES.map((stage, i) => {
    const value = row[stage];
    const share = row.sent > 0 ? value / row.sent : 0;
    const y = i * rowH;
    const width = Math.max(value > 0 ? 3 : 0, Math.round(share * 360));
    const figure = `${f.n(value)}${stage === "sent" ? "" : ` · ${f.pct(row.sent > 0 ? share : undefined)}`}`;
    return `<text x="0" y="${String(y + 15)}" font-size="14" fill="#1a1a1a">${esc(w.stages[stage])}</text><text x="360" y="${String(y + 15)}" font-size="14" font-weight="600" text-anchor="end" fill="#1a1a1a">${esc(figure)}</text><rect x="0" y="${String(y + 21)}" width="360" height="14" rx="3" fill="#e3e6e8"/><rect x="0" y="${String(y + 21)}" width="${String(width)}" height="14" rx="3" fill="${STAGE_COLOUR[stage]}"/>`;
  }).join("");
  const table = `<table class="sr-only"><caption>${esc(name)}</caption><thead><tr><th scope="col"></th><th scope="col">${w.count}</th><th scope="col">${w.ofSent}</th></tr></thead><tbody>${STAGES.map(
    (stage) =>
      `<tr><th scope="row">${esc(w.stages[stage])}</th><td data-kpi="${esc(row.step)}:${stage}">${esc(f.n(row[stage]))}</td><td>${esc(stage === "sent" ? "" : f.pct(row.sent > 0 ? row[stage] / row.sent : undefined))}</td></tr>`,
  ).join("")}</tbody></table>`;
  return `<div class="card"><h3>${esc(name)}</h3>${svgOpen(360, height, name, w.funnelDesc(name), "funnel")}${bars}</svg>${table}</div>`;
}

function tiles(d: KpiDashboard, lang: PortalLang): string {
  const w = W[lang];
  const f = fmt(lang);
  const days = (v: number | undefined) => (v === undefined ? w.none : w.days(f.n(v)));
  const tile = (label: string, value: string, note: string, id: string) =>
    `<li><span class="tile-label">${esc(label)}</span><span class="tile-value" data-kpi="${id}">${esc(value)}</span><span class="tile-note">${esc(note)}</span></li>`;
  return `<ul class="tiles">${[
    tile(w.clickRate, f.pct(d.clickRate), w.clickNote, "click-rate"),
    tile(w.paymentRate, f.pct(d.paymentRate), w.paymentNote, "payment-rate"),
    tile(
      w.resolutionRate,
      f.pct(d.resolutionRate),
      w.resolutionNote(f.n(d.paidBeforeCollection), f.n(d.paid)),
      "resolution-rate",
    ),
    tile(w.creditTime, days(d.creditDays.median), w.creditNote(days(d.creditDays.p90)), "credit-time"),
    tile(
      w.reopenTime,
      duration(d.reopenSeconds.median, w, f),
      w.reopenNote(duration(d.reopenSeconds.p90, w, f)),
      "reopen-time",
    ),
    tile(w.casesTile, f.n(d.paid), w.casesNote(f.n(d.created), f.n(d.paid)), "cases-paid"),
  ].join("")}</ul>`;
}

function methodsChart(d: KpiDashboard, lang: PortalLang): string {
  const w = W[lang];
  const f = fmt(lang);
  const total = d.methods.reduce((n, m) => n + m.count, 0);
  if (total === 0) return `<div class="card"><h2>${w.methods}</h2><p>${w.methodsNone}</p></div>`;
  let x = 0;
  const parts = d.methods
    .map((m, i) => {
      const width = (m.count / total) * 360;
      const rect = `<rect x="${x.toFixed(1)}" y="0" width="${width.toFixed(1)}" height="32" fill="${SERIES[i % SERIES.length]!}" stroke="#fff" stroke-width="1"/>`;
      x += width;
      return rect;
    })
    .join("");
  const legend = `<ul class="legend">${d.methods
    .map(
      (m, i) =>
        `<li><span class="swatch sw${String(i % SERIES.length)}" aria-hidden="true"></span>${esc(w.methodNames[m.method] ?? m.method)}: <span data-kpi="method:${esc(m.method)}">${esc(f.n(m.count))}</span> (${esc(f.pct(m.count / total))})</li>`,
    )
    .join("")}</ul>`;
  return `<div class="card"><h2>${w.methods}</h2>${svgOpen(360, 32, w.methods, w.methodsDesc, "methods")}${parts}</svg>${legend}</div>`;
}

function trendChart(d: KpiDashboard, lang: PortalLang): string {
  const w = W[lang];
  const f = fmt(lang);
  const width = 360;
  const height = 170;
  const left = 34;
  const bottom = 146;
  const top = 10;
  const max = Math.max(1, ...d.trend.flatMap((p) => [p.sent, p.opened, p.paid]));
  const n = d.trend.length;
  const xOf = (i: number) => left + (n <= 1 ? 0 : (i * (width - left - 8)) / (n - 1));
  const yOf = (v: number) => bottom - (v / max) * (bottom - top);
  const series = (["sent", "opened", "paid"] as const)
    .map((k, s) => {
      const points = d.trend.map((p, i) => `${xOf(i).toFixed(1)},${yOf(p[k]).toFixed(1)}`).join(" ");
      return `<polyline points="${points}" fill="none" stroke="${SERIES[s]!}" stroke-width="2.5" stroke-linejoin="round"${s === 1 ? ' stroke-dasharray="6 3"' : s === 2 ? ' stroke-dasharray="2 2"' : ""}/>`;
    })
    .join("");
  const grid = [0, 0.5, 1]
    .map((t) => {
      const v = Math.round(max * t);
      return `<line x1="${String(left)}" x2="${String(width - 4)}" y1="${yOf(v).toFixed(1)}" y2="${yOf(v).toFixed(1)}" stroke="#c8cccf"/><text x="${String(left - 4)}" y="${(yOf(v) + 4).toFixed(1)}" font-size="13" text-anchor="end" fill="#4a5257">${esc(f.n(v))}</text>`;
    })
    .join("");
  const first = d.trend[0]?.day ?? d.period.from;
  const last = d.trend[n - 1]?.day ?? d.period.to;
  const axis = `<text x="${String(left)}" y="${String(height - 6)}" font-size="13" fill="#4a5257">${esc(f.shortDate(first))}</text><text x="${String(width - 4)}" y="${String(height - 6)}" font-size="13" text-anchor="end" fill="#4a5257">${esc(f.shortDate(last))}</text>`;
  const legend = `<ul class="legend">${(["sent", "opened", "paid"] as const).map((k, s) => `<li><span class="swatch sw${String(s)}" aria-hidden="true"></span>${esc(w.trendSeries[k])}</li>`).join("")}</ul>`;
  const table = `<table class="sr-only"><caption>${esc(w.trend)}</caption><thead><tr><th scope="col">${w.day}</th><th scope="col">${w.trendSeries.sent}</th><th scope="col">${w.trendSeries.opened}</th><th scope="col">${w.trendSeries.paid}</th></tr></thead><tbody>${d.trend
    .filter((p) => p.sent + p.opened + p.paid > 0)
    .map(
      (p) =>
        `<tr><th scope="row">${esc(f.date(p.day))}</th><td>${esc(f.n(p.sent))}</td><td>${esc(f.n(p.opened))}</td><td>${esc(f.n(p.paid))}</td></tr>`,
    )
    .join("")}</tbody></table>`;
  return `<div class="card"><h2>${w.trend}</h2>${svgOpen(width, height, w.trend, w.trendDesc(f.date(first), f.date(last)), "trend")}${grid}${series}${axis}</svg>${legend}${table}</div>`;
}

function experimentReport(e: ExperimentReport, lang: PortalLang): string {
  const w = W[lang];
  const f = fmt(lang);
  const c = e.comparison;
  const verdict = c.tooFewData
    ? w.tooFewData
    : c.significant
      ? c.difference > 0
        ? w.better("B", "A", f.p(c.p))
        : w.better("A", "B", f.p(c.p))
      : w.noDifference(f.p(c.p));
  const max = Math.max(0.05, e.a.payRateInterval.high, e.b.payRateInterval.high) * 1.1;
  const labelW = 84;
  const span = 360 - labelW - 64;
  const xOf = (v: number) => labelW + (v / max) * span;
  const rows = [e.a, e.b]
    .map((v, i) => {
      const y = i * 40 + 6;
      return `<text x="0" y="${String(y + 17)}" font-size="14" fill="#1a1a1a">${esc(w.variant)} ${v.variant}</text><rect x="${String(labelW)}" y="${String(y + 4)}" width="${(xOf(v.payRate) - labelW).toFixed(1)}" height="18" rx="3" fill="${i === 0 ? SERIES[0]! : SERIES[1]!}"/><line x1="${xOf(v.payRateInterval.low).toFixed(1)}" x2="${xOf(v.payRateInterval.high).toFixed(1)}" y1="${String(y + 13)}" y2="${String(y + 13)}" stroke="#1a1a1a" stroke-width="2"/><line x1="${xOf(v.payRateInterval.low).toFixed(1)}" x2="${xOf(v.payRateInterval.low).toFixed(1)}" y1="${String(y + 6)}" y2="${String(y + 20)}" stroke="#1a1a1a" stroke-width="2"/><line x1="${xOf(v.payRateInterval.high).toFixed(1)}" x2="${xOf(v.payRateInterval.high).toFixed(1)}" y1="${String(y + 6)}" y2="${String(y + 20)}" stroke="#1a1a1a" stroke-width="2"/><text x="358" y="${String(y + 17)}" font-size="14" font-weight="600" text-anchor="end" fill="#1a1a1a">${esc(f.pct(v.payRate))}</text>`;
    })
    .join("");
  const ci = (v: { payRateInterval: { low: number; high: number } }) =>
    `${f.pct(v.payRateInterval.low).replace(" %", "")}–${f.pct(v.payRateInterval.high)}`;
  const table = `<table class="small"><caption class="sr-only">${esc(w.experiment(e.id))}</caption><thead><tr><th scope="col">${w.variant}</th><th scope="col" class="num">${w.stages.sent}</th><th scope="col" class="num">${w.openedShort}</th><th scope="col" class="num">${w.paidShort}</th><th scope="col">${w.ciShort}</th></tr></thead><tbody>${[
    e.a,
    e.b,
  ]
    .map(
      (v) =>
        `<tr><th scope="row">${v.variant}</th><td class="num" data-kpi="ab:${esc(e.id)}:${v.variant}:sent">${esc(f.n(v.sent))}</td><td class="num">${esc(f.n(v.opened))}</td><td class="num" data-kpi="ab:${esc(e.id)}:${v.variant}:paid7">${esc(f.n(v.paid7))}</td><td>${esc(ci(v))}</td></tr>`,
    )
    .join("")}</tbody></table>`;
  const steps = e.steps.map((s) => w.steps[s] ?? s).join(", ");
  return `<div class="card"><h3>${esc(w.experiment(e.id))} <span class="muted">${esc(steps)}</span></h3>
<p class="verdict" data-kpi="ab:${esc(e.id)}:verdict">${esc(verdict)}</p>
${c.tooFewData ? "" : `<p>${esc(w.difference(f.pp(c.difference), f.pp(c.differenceInterval.low), f.pp(c.differenceInterval.high)))}</p>`}
${svgOpen(360, 88, w.experiment(e.id), w.abDesc(e.id), "ab")}${rows}</svg>${table}</div>`;
}

export interface KpiPageInput {
  tenantId: string;
  tenantName: string;
  dashboard: KpiDashboard;
  /** The months offered in the period picker (newest first), `YYYY-MM`. */
  months: string[];
}

export function renderKpiPage(lang: PortalLang, input: KpiPageInput, header: SignedInHeader): string {
  const w = W[lang];
  const f = fmt(lang);
  const d = input.dashboard;
  const path = `/portal/${encodeURIComponent(input.tenantId)}/nokkeltall`;
  const monthName = (m: string) =>
    new Intl.DateTimeFormat(lang === "nb" ? "nb-NO" : "en-GB", {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }).format(new Date(`${m}-01T00:00:00Z`));
  const options = [
    ...(["7", "30", "90"] as const).map((n) => [n, w.last(n)] as const),
    ...input.months.map((m) => [m, monthName(m)] as const),
  ]
    .map(
      ([value, label]) =>
        `<option value="${esc(value)}"${d.period.param === value ? " selected" : ""}>${esc(label)}</option>`,
    )
    .join("");
  const picker = `<form class="period card" method="get" action="${esc(path)}">${lang === "en" ? '<input type="hidden" name="lang" value="en">' : ""}<div class="field"><label for="periode">${w.period}</label><select id="periode" name="periode">${options}</select></div><button class="button" type="submit">${w.show}</button><p class="muted">${esc(f.date(d.period.from))} – ${esc(f.date(d.period.to))}</p></form>`;
  const funnel =
    d.funnel.length === 0
      ? `<p class="card">${w.funnelNone}</p>`
      : `<div class="charts">${d.funnel.map((row) => funnelChart(row, lang)).join("")}</div>`;
  const experiments =
    d.experiments.length === 0
      ? `<p class="card">${w.experimentsNone}</p>`
      : d.experiments.map((e) => experimentReport(e, lang)).join("");
  const body = `${tenantNav(lang, input.tenantId, "kpis")}<h1>${w.title}: ${esc(input.tenantName)}</h1>${picker}${tiles(d, lang)}
<h2>${w.funnel}</h2>${funnel}
<div class="charts">${trendChart(d, lang)}${methodsChart(d, lang)}</div>
<h2>${w.experiments}</h2>${experiments}`;
  return layout(
    lang,
    `${w.title} – ${input.tenantName}`,
    body,
    { ...header, path, params: { periode: d.period.param } },
    `<style>${KPI_CSS}</style>`,
  );
}
