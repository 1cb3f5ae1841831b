/**
 * The page a payment's `redirectUrl` opens in the Vipps simulator (`/landing/{reference}`): Norwegian, no script,
 * two buttons ("Godkjenn", "Avvis") that decide the payment and answer 303 to its returnUrl, as Vipps does.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { escapeHtml, readBody } from "../dev-routes";
import type { Amount, SimulatedPayment } from "./payment";

export interface LandingPageDeps {
  payment: (reference: string) => SimulatedPayment | undefined;
  decide: (reference: string, decision: "approve" | "decline") => Promise<unknown>;
}

/** The path of a payment's landing page. */
export function landingPath(reference: string): string {
  return `/landing/${encodeURIComponent(reference)}`;
}

/** The payment reference a landing-page path names, or undefined for any other path. */
export function landingReference(path: string): string | undefined {
  const landing = /^\/landing\/([^/]+)$/u.exec(path);
  return landing?.[1] ? decodeURIComponent(landing[1]) : undefined;
}

/** GET/HEAD shows the payment (with the buttons while it is CREATED); POST applies the button pressed. */
export async function serveLandingPage(
  req: IncomingMessage,
  res: ServerResponse,
  reference: string,
  deps: LandingPageDeps,
): Promise<void> {
  const payment = deps.payment(reference);
  if (!payment) {
    sendHtml(
      res,
      404,
      landingPage({
        title: "Fant ikke betalingen",
        body: "<p>Denne betalingen finnes ikke, eller lenken er feil.</p>",
      }),
    );
    return;
  }
  if (req.method === "POST") {
    const form = new URLSearchParams((await readBody(req)).toString("utf8"));
    const decision = form.get("decision");
    if (decision !== "approve" && decision !== "decline") {
      sendHtml(res, 400, landingPage({ title: "Ugyldig valg", body: "<p>Velg «Godkjenn» eller «Avvis».</p>" }));
      return;
    }
    if (payment.state === "CREATED") await deps.decide(reference, decision);
    if (payment.returnUrl) {
      res.writeHead(303, { location: payment.returnUrl, "cache-control": "no-store" }).end();
      return;
    }
    sendHtml(res, 200, landingPage({ title: "Ferdig", body: `<p>Betalingen er ${stateText(payment)}.</p>` }));
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, POST" }).end();
    return;
  }
  const amount = formatAmount(payment.amount);
  const description = payment.paymentDescription
    ? `<p class="description">${escapeHtml(payment.paymentDescription)}</p>`
    : "";
  const method = payment.paymentMethodType === "CARD" ? "Kortbetaling" : "Vipps";
  const body =
    payment.state === "CREATED"
      ? `${description}
<p class="amount">Beløp: <strong>${escapeHtml(amount)}</strong></p>
<form method="post" action="${landingPath(reference)}">
<button type="submit" name="decision" value="approve">Godkjenn</button>
<button type="submit" name="decision" value="decline" class="secondary">Avvis</button>
</form>`
      : `${description}
<p class="amount">Beløp: <strong>${escapeHtml(amount)}</strong></p>
<p role="status">Betalingen er allerede ${stateText(payment)}.</p>
${payment.returnUrl ? `<p><a href="${escapeHtml(payment.returnUrl)}">Tilbake til butikken</a></p>` : ""}`;
  sendHtml(res, 200, landingPage({ title: `${method}: bekreft betalingen`, body }), req.method === "HEAD");
}

function formatAmount(amount: Amount): string {
  return new Intl.NumberFormat("nb-NO", { style: "currency", currency: amount.currency }).format(amount.value / 100);
}

/** The payment's state in words; one cancelled after approval is still AUTHORIZED at Vipps, but cancelled to the user. */
function stateText(payment: SimulatedPayment): string {
  if (payment.state === "AUTHORIZED" && payment.cancelled > 0 && payment.captured === 0) return "kansellert";
  return {
    CREATED: "opprettet",
    AUTHORIZED: "godkjent",
    ABORTED: "avvist",
    EXPIRED: "utløpt",
    TERMINATED: "kansellert",
  }[payment.state];
}

function sendHtml(res: ServerResponse, status: number, html: string, head = false): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(head ? undefined : html);
}

function landingPage(input: { title: string; body: string }): string {
  return `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} — Vipps-simulator</title>
<style>
body { font: 18px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #f7f4f2; }
main { max-width: 28rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border-radius: 12px; }
h1 { font-size: 1.4rem; color: #ff5b24; }
.amount strong { font-size: 1.6rem; }
form { display: flex; gap: 1rem; margin-top: 1.5rem; }
button { font: inherit; padding: .75rem 1.5rem; border-radius: 8px; border: 2px solid #ff5b24; background: #ff5b24; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1a1a1a; border-color: #6b6b6b; }
button:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.note { font-size: .85rem; color: #555; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(input.title)}</h1>
${input.body}
<p class="note">Dette er en lokal simulator av Vipps MobilePay. Ingen penger flyttes.</p>
</main>
</body>
</html>
`;
}
