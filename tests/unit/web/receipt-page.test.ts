import { describe, expect, it } from "vitest";
import { renderReceiptPage } from "../../../shared/web/receipt-page";
import { nok, receipt } from "./fixtures";
import { all, byTag, parseHtml, readable } from "./html";

const refreshOf = (html: string) =>
  byTag(parseHtml(html), "meta").find((m) => m.attrs["http-equiv"] === "refresh")?.attrs.content;
const h1 = (html: string) => readable(byTag(parseHtml(html), "h1")[0]?.text ?? "");
const links = (html: string) =>
  byTag(byTag(parseHtml(html), "main")[0]!, "a").map((a) => [a.attrs.href, readable(a.text)]);

describe("the receipt page", () => {
  it("waits for the confirmation, refreshing itself and offering a manual refresh that keeps the reference", () => {
    const html = renderReceiptPage(receipt({ state: "pending", refreshSeconds: 4 }), "nb");
    expect(h1(html)).toBe("Vi venter på bekreftelse av betalingen …");
    expect(refreshOf(html)).toBe("4");
    expect(links(html)).toEqual([["/p/tok_AbCdEf0123456789xyz/receipt?ref=ref-0001-abcd", "Oppdater siden nå"]]);
    const en = renderReceiptPage(receipt({ state: "pending", refreshSeconds: 4 }), "en");
    expect(links(en)[0]?.[0]).toBe("/p/tok_AbCdEf0123456789xyz/receipt?ref=ref-0001-abcd&lang=en");
    expect(byTag(parseHtml(en), "html")[0]?.attrs.lang).toBe("en");
  });

  it("tells a debtor who paid twice (two tabs) how much more was paid and that the creditor refunds or keeps it", () => {
    const twice = receipt({
      cases: [{ invoiceNumber: "2026-101", balance: nok(0), status: "paid", credit: nok(50179) }],
    });
    expect(readable(parseHtml(renderReceiptPage(twice, "nb")).text)).toContain(
      "Saken er betalt. Du har betalt 501,79 kr mer enn du skyldte (for eksempel to ganger). Fjordkraft Strøm AS betaler det tilbake til deg, eller holder det til gode for deg.",
    );
    expect(readable(parseHtml(renderReceiptPage(twice, "en")).text)).toContain(
      "You have paid NOK 501.79 more than you owed",
    );
  });

  it("says Paid in the heading, with the amount and what is still owed per invoice, and stops refreshing", () => {
    const html = renderReceiptPage(receipt(), "nb");
    expect(h1(html)).toBe("Betalt");
    expect(refreshOf(html)).toBeUndefined();
    const text = readable(parseHtml(html).text);
    expect(text).toContain("Takk! Vi har fått 1 282,25 kr (Vipps).");
    expect(text).toContain("Faktura 2026-101Saken er betalt");
    expect(text).toContain("Faktura 2026-102Gjenstår å betale: 1 282,25 kr");
    expect(links(html)).toEqual([
      ["/p/tok_AbCdEf0123456789xyz/receipt/pdf?ref=ref-0001-abcd", "Last ned kvitteringen (PDF)"],
      ["/p/tok_AbCdEf0123456789xyz", "Tilbake til fakturaen"],
    ]);

    const en = renderReceiptPage(
      receipt({ payment: { reference: "r-12345678", amount: nok(50000), method: "card" } }),
      "en",
    );
    expect(h1(en)).toBe("Paid");
    expect(readable(parseHtml(en).text)).toContain("Thank you! We have received NOK 500.00 (card).");
  });

  it("offers no way back to pay when everything is paid, and does not call it what is left", () => {
    const html = renderReceiptPage(
      receipt({ cases: [{ invoiceNumber: "2026-101", balance: nok(0), status: "paid" }] }),
      "nb",
    );
    expect(links(html)).toEqual([
      ["/p/tok_AbCdEf0123456789xyz/receipt/pdf?ref=ref-0001-abcd", "Last ned kvitteringen (PDF)"],
    ]);
    const h2 = (page: string) => byTag(parseHtml(page), "h2").map((h) => readable(h.text));
    expect(h2(html)).toEqual(["Status"]);
    expect(h2(renderReceiptPage(receipt(), "nb"))).toEqual(["Dette gjenstår"]);
  });

  it("says exactly what a part payment did: when, what it covered, what is left and the next step's date", () => {
    const partial = receipt({
      partial: true,
      payment: {
        reference: "pfu-0123456789abcdef01234567",
        amount: nok(50000),
        method: "vipps",
        // 13:05 UTC is 14:05 in Oslo in December.
        paidAt: "2026-12-07T13:05:09.000Z",
        covered: { fees: nok(3500), interest: nok(1275), principal: nok(45225), credit: nok(0) },
      },
      cases: [
        {
          invoiceNumber: "2026-101",
          balance: nok(78225),
          status: "open",
          next: { kind: "collection-notice", on: "2026-12-21" },
        },
      ],
    });
    const html = renderReceiptPage(partial, "nb");
    expect(h1(html)).toBe("Delbetaling mottatt");
    const text = readable(parseHtml(html).text);
    expect(text).toContain("Vi har fått 500,00 kr (Vipps) 07.12.2026 kl. 14:05. Takk!");
    expect(text).toContain("Dette dekket betalingen");
    expect(text).toContain("Gebyrer35,00 kr");
    expect(text).toContain("Renter12,75 kr");
    expect(text).toContain("Hovedstol452,25 kr");
    expect(text).toContain("Faktura 2026-101Gjenstår å betale: 782,25 kr");
    expect(text).toContain("Neste steg: inkassovarsel 21.12.2026, hvis resten ikke er betalt før det.");
    // The reference stays whole on its line: it sits in a no-wrap span of its own.
    const reference = all(parseHtml(html), (e) => e.tag === "span" && e.attrs.class === "nowrap");
    expect(reference.map((r) => r.text)).toEqual(["pfu-0123456789abcdef01234567"]);

    const en = renderReceiptPage(partial, "en");
    expect(h1(en)).toBe("Part payment received");
    const enText = readable(parseHtml(en).text);
    expect(enText).toContain("We have received NOK 500.00 (Vipps) on 7 Dec 2026 at 14:05. Thank you!");
    expect(enText).toContain(
      "Next step: a debt collection notice on 21 Dec 2026, unless the rest is paid before then.",
    );

    const full = renderReceiptPage(
      receipt({
        partial: false,
        payment: { ...partial.payment!, amount: nok(128225) },
        cases: [{ invoiceNumber: "2026-101", balance: nok(0), status: "paid" }],
      }),
      "nb",
    );
    expect(h1(full)).toBe("Betalt");
    expect(readable(parseHtml(full).text)).not.toContain("Neste steg");
  });

  it("explains a payment that was not completed in plain words, and links back to try again", () => {
    const html = renderReceiptPage(
      receipt({
        state: "failed",
        payment: { reference: "ref-0001-abcd", amount: nok(128225), method: "vipps", failureReason: "ABORTED by user" },
      }),
      "nb",
    );
    expect(h1(html)).toBe("Betalingen ble ikke fullført");
    expect(refreshOf(html)).toBeUndefined();
    const text = readable(parseHtml(html).text);
    expect(text).toContain("Betalingen ble avbrutt før den var ferdig.");
    expect(text).not.toContain("ABORTED");
    expect(links(html)).toEqual([["/p/tok_AbCdEf0123456789xyz", "Prøv å betale igjen"]]);
    const en = renderReceiptPage(receipt({ state: "failed", payment: undefined }), "en");
    expect(h1(en)).toBe("The payment was not completed");
    expect(links(en)).toEqual([["/p/tok_AbCdEf0123456789xyz?lang=en", "Try to pay again"]]);
  });

  it("tells whether the suspended service is being reopened (refreshing meanwhile) or was reopened, and when", () => {
    const reopening = renderReceiptPage(
      receipt({ services: [{ kind: "reopening", serviceKind: "broadband" }], refreshSeconds: 3 }),
      "nb",
    );
    expect(h1(reopening)).toBe("Betalt");
    expect(refreshOf(reopening)).toBe("3");
    const paragraphs = byTag(parseHtml(reopening), "p").map((p) => readable(p.text));
    expect(paragraphs).toContain(
      "Bredbåndet ditt åpnes igjen nå. Det tar vanligvis under ett minutt. Siden oppdateres av seg selv, og du trenger ikke gjøre noe mer.",
    );

    const reopened = renderReceiptPage(
      receipt({ services: [{ kind: "reopened", serviceKind: "power-meter", time: "02:14" }] }),
      "nb",
    );
    expect(refreshOf(reopened)).toBeUndefined();
    expect(readable(parseHtml(reopened).text)).toContain("Strømmen din er åpnet igjen kl. 02:14.");
    const en = renderReceiptPage(
      receipt({ services: [{ kind: "reopened", serviceKind: "broadband", time: "23:59" }] }),
      "en",
    );
    expect(readable(parseHtml(en).text)).toContain("Your broadband was reopened at 23:59.");
  });

  it("says plainly when a service is still closed, and why, or when reopening takes longer than it should", () => {
    const text = (html: string) => readable(parseHtml(html).text);
    expect(
      text(
        renderReceiptPage(
          receipt({ services: [{ kind: "closed", serviceKind: "broadband", heldBy: "overdue" }] }),
          "nb",
        ),
      ),
    ).toContain("Bredbåndet ditt er fortsatt stengt, og åpnes igjen når det som har forfalt er betalt.");
    expect(
      text(
        renderReceiptPage(
          receipt({ services: [{ kind: "closed", serviceKind: "broadband", heldBy: "manual" }] }),
          "nb",
        ),
      ),
    ).toContain("Bredbåndet ditt er stengt av kundeservice hos Fjordkraft Strøm AS.");
    const delayed = renderReceiptPage(
      receipt({ services: [{ kind: "reopen-delayed", serviceKind: "broadband" }] }),
      "nb",
    );
    expect(text(delayed)).toContain("Vi er varslet og følger det opp");
    expect(refreshOf(delayed)).toBeUndefined();
    expect(text(renderReceiptPage(receipt(), "nb"))).not.toContain("Tjenesten din");
  });

  it("escapes the creditor and the reference", () => {
    const evil = '<script>alert(1)</script>"';
    const html = renderReceiptPage(
      receipt({
        creditor: { name: evil },
        payment: { reference: evil, amount: nok(100), method: "vipps" },
        cases: [{ invoiceNumber: evil, balance: nok(1), status: "open" }],
      }),
      "nb",
    );
    expect(html).not.toContain("<script>");
    expect(byTag(parseHtml(html), "script")).toHaveLength(0);
    expect(all(parseHtml(html), (e) => e.tag === "a").every((a) => !a.attrs.href?.includes("<"))).toBe(true);
  });
});
