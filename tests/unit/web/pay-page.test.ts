import { describe, expect, it } from "vitest";
import { amountExamples, renderPayPage } from "../../../shared/web/pay-page";
import type { PayFormError, PayPageView } from "../../../shared/application/payments/pay-page-model";
import { fullView, nok, payCase } from "./fixtures";
import { all, byId, byTag, labelText, parseHtml, readable } from "./html";

const page = (view: PayPageView = fullView(), options: Parameters<typeof renderPayPage>[1] = { lang: "nb" }) => {
  const html = renderPayPage(view, options);
  return { html, doc: parseHtml(html) };
};

describe("the pay page", () => {
  it("stays under 30 KB with three cases, every option, both methods and an error", () => {
    const { html } = page(fullView(), {
      lang: "nb",
      error: { field: "amount", code: "AMOUNT_BELOW_MINIMUM", params: { min: nok(10000) } },
      values: { option: "custom", amount: "50", cover: "interest" },
    });
    expect(Buffer.byteLength(html, "utf8")).toBeLessThan(30 * 1024);
  });

  it("loads nothing from elsewhere: inline CSS only, no scripts, no stylesheets, no fonts, only the logo image", () => {
    const { html, doc } = page();
    expect(byTag(doc, "script")).toHaveLength(0);
    expect(byTag(doc, "link")).toHaveLength(0);
    expect(byTag(doc, "style")).toHaveLength(1);
    expect(html).not.toMatch(/@import|url\(|@font-face/u);
    expect(byTag(doc, "img").map((i) => i.attrs.src)).toEqual(["https://cdn.example.no/logo.png"]);
  });

  it("is Norwegian by default and English on request, with a language switch to the other", () => {
    const letsPay = fullView({ stage: "lets-pay" });
    const nb = page(letsPay).doc;
    expect(byTag(nb, "html")[0]?.attrs.lang).toBe("nb");
    expect(readable(byTag(nb, "h1")[0]?.text ?? "")).toBe("Fakturaer fra Fjordkraft Strøm AS");
    const switchNb = all(nb, (e) => e.tag === "a" && e.attrs.hreflang === "en")[0];
    expect(switchNb?.attrs.href).toBe("/p/tok_AbCdEf0123456789xyz?lang=en");

    const en = page(letsPay, { lang: "en" }).doc;
    expect(byTag(en, "html")[0]?.attrs.lang).toBe("en");
    expect(readable(byTag(en, "h1")[0]?.text ?? "")).toBe("Invoices from Fjordkraft Strøm AS");
    expect(all(en, (e) => e.tag === "a" && e.attrs.hreflang === "nb")[0]?.attrs.href).toBe(
      "/p/tok_AbCdEf0123456789xyz",
    );
    expect(byTag(en, "form")[0]?.attrs.action).toBe("/p/tok_AbCdEf0123456789xyz/pay?lang=en");
  });

  it("has the shell's meta: viewport, noindex, no referrer", () => {
    const metas = byTag(page().doc, "meta");
    const content = (name: string) => metas.find((m) => m.attrs.name === name)?.attrs.content;
    expect(content("viewport")).toContain("width=device-width");
    expect(content("robots")).toBe("noindex");
    expect(content("referrer")).toBe("no-referrer");
    expect(metas.some((m) => m.attrs["http-equiv"] === "refresh")).toBe(false);
  });

  it("names the creditor as sender, with the logo's alt text, and one invoice in the heading", () => {
    const { doc } = page(fullView({ cases: [payCase({ stage: "lets-pay" })], stage: "lets-pay" }));
    expect(readable(byTag(doc, "h1")[0]?.text ?? "")).toBe("Faktura fra Fjordkraft Strøm AS");
    expect(byTag(doc, "img")[0]?.attrs.alt).toBe("Logo for Fjordkraft Strøm AS");
    expect(readable(doc.text)).toContain("Fra Fjordkraft Strøm AS");
  });

  it("shows each invoice's number, description, due date, KID and balance broken down", () => {
    const { doc } = page(fullView({ cases: [payCase()], total: nok(128225) }));
    const text = readable(doc.text);
    expect(text).toContain("Faktura 2026-101");
    expect(text).toContain("Strøm oktober 2026");
    expect(text).toContain("Forfallsdato02.11.2026");
    expect(text).toContain("KID (for nettbank)000123456781");
    expect(text).toContain("Hovedstol1 234,50 kr");
    expect(text).toContain("Purregebyr35,00 kr Purring 16.11.2026 (PDF)");
    expect(text).toContain("Renter12,75 kr");
    expect(text).toContain("Totalt å betale: 1 282,25 kr");
  });

  it("says the total once: one invoice has no total of its own beside the page's", () => {
    const one = readable(page(fullView({ cases: [payCase()], total: nok(128225) })).doc.text);
    expect(one).not.toContain("Å betale for denne fakturaen");
    expect(one.match(/1 282,25 kr/gu)?.length, "the sum once, and once in the Betal hele beløpet option").toBe(2);
    const three = readable(page().doc.text);
    expect(three.match(/Å betale for denne fakturaen/gu)).toHaveLength(3);
    expect(three).toContain("Totalt å betale: 3 846,75 kr");
  });

  it("does not repeat the invoice number as what the invoice is for", () => {
    const text = readable(page(fullView({ cases: [payCase({ description: "" })] })).doc.text);
    expect(text).toContain("Faktura 2026-101");
    expect(text).not.toContain("Gjelder");
  });

  it("links each fee to the letter that added it, and shows fees already paid so the lines add up", () => {
    const view = fullView({
      cases: [
        payCase({
          balance: { principal: nok(100000), fees: nok(10000), interest: nok(0), total: nok(110000) },
          feeLines: [
            {
              kind: "reminder",
              amount: nok(3500),
              letter: { caseId: "case-1", documentId: "step-1-reminder", kind: "reminder", on: "2026-11-16" },
            },
            {
              kind: "collection-notice",
              amount: nok(7000),
              letter: {
                caseId: "case-1",
                documentId: "step-2-collection-notice",
                kind: "collection-notice",
                on: "2026-11-30",
              },
            },
          ],
          feesPaid: nok(500),
        }),
      ],
    });
    const { doc } = page(view);
    const links = all(doc, (e) => e.tag === "a" && (e.attrs.class ?? "").includes("doc"));
    expect(links.map((a) => [readable(a.text), a.attrs.href])).toEqual([
      ["Purring 16.11.2026 (PDF)", "/p/tok_AbCdEf0123456789xyz/letters/case-1/step-1-reminder"],
      ["Inkassovarsel 30.11.2026 (PDF)", "/p/tok_AbCdEf0123456789xyz/letters/case-1/step-2-collection-notice"],
    ]);
    const text = readable(doc.text);
    expect(text).toContain("Gebyr for inkassovarsel70,00 kr Inkassovarsel 30.11.2026 (PDF)");
    expect(text).toContain("Allerede betalt av gebyrene−5,00 kr");
    const en = page(view, { lang: "en" }).doc;
    expect(all(en, (e) => e.tag === "a" && (e.attrs.class ?? "").includes("doc"))[0]?.attrs.href).toBe(
      "/p/tok_AbCdEf0123456789xyz/letters/case-1/step-1-reminder?lang=en",
    );
    // Lines that do not add up to the fees owed are not shown as if they did: one fees row instead.
    const odd = readable(page(fullView({ cases: [payCase({ feeLines: [] })] })).doc.text);
    expect(odd).toContain("Gebyrer35,00 kr");
  });

  it("uses the words of the last message or letter: heading, pay heading and buttons per stage", () => {
    const words = (stage: PayPageView["stage"], lang: "nb" | "en" = "nb") => {
      const { doc } = page(fullView({ stage, cases: [payCase({ stage })] }), { lang });
      return [
        readable(byTag(doc, "h1")[0]?.text ?? ""),
        readable(byId(doc, "pay")?.text ?? ""),
        ...byTag(doc, "button").map((b) => readable(b.text)),
      ];
    };
    expect(words("lets-pay")).toEqual([
      "Faktura fra Fjordkraft Strøm AS",
      "Betal",
      "Betal med Vipps",
      "Betal med kort",
    ]);
    expect(words("reminder")).toEqual([
      "Purring fra Fjordkraft Strøm AS",
      "Betal purringen",
      "Betal purringen med Vipps",
      "Betal purringen med kort",
    ]);
    expect(words("collection-notice")).toEqual([
      "Inkassovarsel fra Fjordkraft Strøm AS",
      "Betal inkassovarselet",
      "Betal inkassovarselet med Vipps",
      "Betal inkassovarselet med kort",
    ]);
    expect(words("collection")).toEqual([
      "Betal nå: krav fra Fjordkraft Strøm AS",
      "Betal nå",
      "Betal nå med Vipps",
      "Betal nå med kort",
    ]);
    expect(words("collection", "en")).toEqual([
      "Pay now: claim from Fjordkraft Strøm AS",
      "Pay now",
      "Pay now with Vipps",
      "Pay now by card",
    ]);
  });

  it("offers no radio group with one option: the choice goes along hidden", () => {
    const { doc } = page(fullView({ options: [{ kind: "full", amount: nok(384675) }] }));
    expect(all(doc, (e) => e.tag === "input" && e.attrs.type === "radio")).toHaveLength(0);
    expect(byTag(doc, "fieldset")).toHaveLength(0);
    const hidden = all(doc, (e) => e.tag === "input" && e.attrs.type === "hidden");
    expect(hidden.map((h) => [h.attrs.name, h.attrs.value])).toEqual([["option", "full"]]);
    expect(readable(doc.text)).not.toContain("Hvor mye vil du betale?");
    // A refused choice points the error summary at the pay section, not at a radio button that is not there.
    const refused = page(fullView({ options: [{ kind: "full", amount: nok(384675) }] }), {
      lang: "nb",
      error: { field: "option", code: "OPTION_UNAVAILABLE" },
    }).doc;
    const summaryLink = all(refused, (e) => e.tag === "a" && (e.attrs.href ?? "").startsWith("#"))[0];
    expect(summaryLink?.attrs.href).toBe("#pay");
    expect(byId(refused, "pay")).toBeDefined();
  });

  it("shows how to reach the creditor and the agency, with phone, e-mail and web links", () => {
    const { doc } = page();
    const footer = byTag(doc, "footer")[0]!;
    expect(readable(footer.text)).toContain("Har du spørsmål om kravet? Kontakt Fjordkraft Strøm AS:");
    expect(readable(footer.text)).toContain(
      "Spørsmål om betalingen eller denne siden? Kontakt Betalingsoppfølging AS:",
    );
    expect(byTag(footer, "a").map((a) => readable(a.text))).toEqual([
      "telefon 22 12 34 56",
      "kundeservice@fjordkraft.example",
      "fjordkraft.example",
      "telefon 22 00 00 00",
      "kundeservice@example.no",
      "example.no",
    ]);
    expect(byTag(footer, "a").map((a) => a.attrs.href)).toEqual([
      "tel:22123456",
      "mailto:kundeservice@fjordkraft.example",
      "https://fjordkraft.example/",
      "tel:22000000",
      "mailto:kundeservice@example.no",
      "https://example.no/",
    ]);
    // A creditor with no contact details of its own: its name, as before; the agency's details still there.
    const bare = readable(byTag(page(fullView({ creditorContact: undefined })).doc, "footer")[0]!.text);
    expect(bare).toContain("Har du spørsmål om kravet? Ta kontakt med Fjordkraft Strøm AS.");
    expect(bare).toContain("Kontakt Betalingsoppfølging AS:");
  });

  it("keeps amounts on one line with no-break spaces", () => {
    const { html } = page();
    expect(html).toContain("3\u00a0846,75\u00a0kr");
    expect(html).toContain('<meta charset="utf-8">');
  });

  it("offers one plain form posting to /p/{token}/pay with the options as a labelled radio group, the first checked", () => {
    const { doc } = page();
    const forms = byTag(doc, "form");
    expect(forms).toHaveLength(1);
    expect(forms[0]?.attrs.method).toBe("post");
    expect(forms[0]?.attrs.action).toBe("/p/tok_AbCdEf0123456789xyz/pay");
    const radios = all(doc, (e) => e.tag === "input" && e.attrs.type === "radio");
    expect(radios.map((r) => r.attrs.value)).toEqual(["full", "instalment", "reopen", "custom"]);
    expect(radios.every((r) => r.attrs.name === "option")).toBe(true);
    expect(radios.filter((r) => "checked" in r.attrs).map((r) => r.attrs.value)).toEqual(["full"]);
    const fieldset = byTag(doc, "fieldset")[0];
    expect(readable(byTag(fieldset!, "legend")[0]?.text ?? "")).toBe("Hvor mye vil du betale?");
    expect(radios.map((r) => labelText(doc, r))).toEqual([
      "Betal hele beløpet: 3 846,75 kr",
      "Betal avdraget som forfaller 01.12.2026: 500,00 kr",
      "Betal 1 282,25 kr for å åpne tjenesten igjen i dag",
      "Betal et annet beløp (minst 100,00 kr)",
    ]);
  });

  it("labels every input, select and button", () => {
    for (const lang of ["nb", "en"] as const) {
      const { doc } = page(fullView(), { lang, error: { field: "cover", code: "COVER_INVALID" } });
      const controls = all(doc, (e) => e.tag === "input" || e.tag === "select");
      expect(controls.length).toBeGreaterThanOrEqual(6);
      for (const control of controls) expect(labelText(doc, control), control.attrs.id).toBeTruthy();
      for (const button of byTag(doc, "button")) expect(readable(button.text)).not.toBe("");
      const ids = all(doc, (e) => e.attrs.id !== undefined).map((e) => e.attrs.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("asks for a custom amount in a decimal field that shows the minimum and maximum", () => {
    const { doc } = page();
    const amount = byId(doc, "amount")!;
    expect(amount.attrs.name).toBe("amount");
    expect(amount.attrs.inputmode).toBe("decimal");
    expect(labelText(doc, amount)).toBe("Beløp");
    const hint = byId(doc, amount.attrs["aria-describedby"]!.split(" ")[0]!)!;
    expect(readable(hint.text)).toContain("Minst 100,00 kr og høyst 3 846,75 kr");
  });

  it("offers the cover choice only when a partial option exists", () => {
    const cover = byId(page().doc, "cover")!;
    expect(cover.attrs.name).toBe("cover");
    expect(byTag(cover, "option").map((o) => o.attrs.value)).toEqual(["", "principal", "interest", "fees"]);
    expect(labelText(page().doc, cover)).toBe("Hva skal innbetalingen dekke først?");

    const fullOnly = page(fullView({ options: [{ kind: "full", amount: nok(384675) }] })).doc;
    expect(byId(fullOnly, "cover")).toBeUndefined();
    expect(byId(fullOnly, "amount")).toBeUndefined();
  });

  it("has a pay button per offered method, Vipps first", () => {
    const buttons = byTag(page().doc, "button");
    expect(buttons.map((b) => [b.attrs.type, b.attrs.name, b.attrs.value, readable(b.text)])).toEqual([
      ["submit", "method", "vipps", "Betal nå med Vipps"],
      ["submit", "method", "card", "Betal nå med kort"],
    ]);
    const cardOnly = byTag(page(fullView({ methods: ["card"] })).doc, "button");
    expect(cardOnly.map((b) => b.attrs.value)).toEqual(["card"]);
    const en = byTag(page(fullView(), { lang: "en" }).doc, "button");
    expect(en.map((b) => readable(b.text))).toEqual(["Pay now with Vipps", "Pay now by card"]);
  });

  it("shows only the account number and KIDs when no payment method is offered", () => {
    const { doc } = page(fullView({ methods: [] }));
    expect(byTag(doc, "button")).toHaveLength(0);
    expect(byTag(doc, "form")).toHaveLength(0);
    const text = readable(doc.text);
    expect(text).toContain("Betal fra nettbanken");
    expect(text).toContain("Kontonummer1234.56.78903");
    expect(text).toContain("KID000123456781");
    expect(text).toContain("KID000123456783");
  });

  it("says kindly how to reopen a suspended service", () => {
    const text = readable(page().doc.text);
    expect(text).toContain("Betal 1 282,25 kr for å åpne igjen i dag");
    const noReopen = readable(page(fullView({ options: [{ kind: "full", amount: nok(384675) }] })).doc.text);
    expect(noReopen).not.toContain("for å åpne igjen i dag");
  });

  it("warns that a bank payment reopens a suspended service only when it arrives, and points to Vipps or card", () => {
    const text = readable(page().doc.text);
    expect(text).toContain("Betaler du fra nettbanken, åpnes tjenesten først når betalingen har kommet fram til oss");
    expect(text).toContain("Betal med Vipps eller kort for å få den åpnet med en gang.");
    const bankOnly = readable(page(fullView({ methods: [] })).doc.text);
    expect(bankOnly).toContain("Tjenesten åpnes igjen når betalingen har kommet fram til oss");
    expect(bankOnly).not.toContain("Vipps eller kort");
    const nothingSuspended = fullView();
    nothingSuspended.cases = nothingSuspended.cases.map((c) => ({ ...c, serviceSuspended: false }));
    expect(readable(page(nothingSuspended).doc.text)).not.toContain("kommet fram til oss");
  });

  it("says everything is paid, with no form, when nothing is owed", () => {
    const paid = payCase({
      status: "paid",
      balance: { principal: nok(0), fees: nok(0), interest: nok(0), total: nok(0) },
    });
    const { doc } = page(fullView({ cases: [paid], total: nok(0), options: [] }));
    expect(readable(doc.text)).toContain("Alt er betalt — takk!");
    expect(byTag(doc, "form")).toHaveLength(0);
    expect(byTag(doc, "button")).toHaveLength(0);
    const en = page(fullView({ cases: [paid], total: nok(0), options: [] }), { lang: "en" }).doc;
    expect(readable(en.text)).toContain("Everything is paid — thank you!");
  });

  it("shows when the link expires, as a date in Norway", () => {
    // 23:30 UTC on 23 December is 00:30 on 24 December in Oslo
    const footer = byTag(page().doc, "footer")[0]!;
    expect(readable(footer.text)).toContain("Denne lenken virker til 24.12.2026.");
    expect(readable(byTag(page(fullView(), { lang: "en" }).doc, "footer")[0]!.text)).toContain(
      "This link works until 24 Dec 2026.",
    );
  });

  it("keeps headings in order: one h1, then h2s", () => {
    const { doc } = page(fullView(), { lang: "nb", error: { field: "amount", code: "AMOUNT_MISSING" } });
    const levels = all(doc, (e) => /^h[1-6]$/u.test(e.tag)).map((h) => Number(h.tag[1]));
    expect(levels[0]).toBe(1);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    levels.forEach((level, i) => i > 0 && expect(level - levels[i - 1]!).toBeLessThanOrEqual(1));
  });
});

describe("the pay page with a refused form", () => {
  const belowMinimum: PayFormError = { field: "amount", code: "AMOUNT_BELOW_MINIMUM", params: { min: nok(10000) } };

  it("marks the amount field invalid, ties the message to it and sums it up at the top", () => {
    const { doc } = page(fullView(), { lang: "nb", error: belowMinimum, values: { option: "custom", amount: "50" } });
    const amount = byId(doc, "amount")!;
    expect(amount.attrs["aria-invalid"]).toBe("true");
    const describedBy = amount.attrs["aria-describedby"]!.split(" ");
    const message = describedBy.map((id) => byId(doc, id)).find((e) => e?.attrs.class === "err");
    expect(readable(message!.text)).toBe("Feil: Beløpet må være minst 100,00 kr.");
    const summary = all(doc, (e) => e.attrs.role === "alert")[0]!;
    const link = byTag(summary, "a")[0]!;
    expect(link.attrs.href).toBe("#amount");
    expect(readable(link.text)).toBe("Beløpet må være minst 100,00 kr.");
    // the summary comes before the form
    const order = all(doc, (e) => e.attrs.role === "alert" || e.tag === "form").map((e) => e.tag);
    expect(order).toEqual(["div", "form"]);
  });

  it("keeps what the debtor filled in", () => {
    const { doc } = page(fullView(), {
      lang: "nb",
      error: belowMinimum,
      values: { option: "custom", amount: "50", cover: "interest" },
    });
    expect(byId(doc, "amount")?.attrs.value).toBe("50");
    expect(all(doc, (e) => e.tag === "input" && "checked" in e.attrs).map((e) => e.attrs.value)).toEqual(["custom"]);
    expect(
      byTag(byId(doc, "cover")!, "option")
        .filter((o) => "selected" in o.attrs)
        .map((o) => o.attrs.value),
    ).toEqual(["interest"]);
  });

  it("names the minimum from the custom option when the error carries no amount", () => {
    const { doc } = page(fullView(), { lang: "en", error: { field: "amount", code: "AMOUNT_BELOW_MINIMUM" } });
    expect(readable(all(doc, (e) => e.attrs.role === "alert")[0]!.text)).toContain(
      "The amount must be at least NOK 100.00.",
    );
  });

  it("points the summary at the option group or the pay buttons for those errors", () => {
    const option = page(fullView(), { lang: "nb", error: { field: "option", code: "OPTION_UNAVAILABLE" } }).doc;
    expect(byTag(all(option, (e) => e.attrs.role === "alert")[0]!, "a")[0]?.attrs.href).toBe("#option-full");
    expect(all(option, (e) => e.attrs.name === "option").every((r) => r.attrs["aria-invalid"] === "true")).toBe(true);
    const method = page(fullView(), { lang: "nb", error: { field: "method", code: "PROVIDER_UNAVAILABLE" } }).doc;
    expect(byTag(all(method, (e) => e.attrs.role === "alert")[0]!, "a")[0]?.attrs.href).toBe("#pay-vipps");
    expect(byId(method, "pay-vipps")?.attrs["aria-describedby"]).toBe("method-error");
  });
});

describe("escaping", () => {
  const evil = "<script>alert(1)</script>\"'&";

  it("escapes every value that reaches the page", () => {
    const view = fullView({
      token: 'tok"><script>x</script>',
      creditor: { name: evil, logoUrl: 'https://cdn.example.no/l.png?a=1&b="2"' },
      cases: [payCase({ invoiceNumber: evil, description: evil, kid: evil })],
      accountNumber: evil,
    });
    for (const lang of ["nb", "en"] as const) {
      for (const html of [
        renderPayPage(view, { lang, values: { option: "custom", amount: evil, cover: evil } }),
        renderPayPage({ ...view, methods: [] }, { lang }),
      ]) {
        expect(html).not.toContain("<script>");
        expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;");
        const doc = parseHtml(html);
        expect(byTag(doc, "script")).toHaveLength(0);
        expect(readable(byTag(doc, "h1")[0]!.text)).toContain(evil);
      }
      const doc = parseHtml(renderPayPage(view, { lang, values: { option: "custom", amount: evil } }));
      expect(byId(doc, "amount")?.attrs.value).toBe(evil);
      expect(byTag(doc, "form")[0]?.attrs.action).toBe(
        `/p/${encodeURIComponent('tok"><script>x</script>')}/pay${lang === "en" ? "?lang=en" : ""}`,
      );
      expect(byTag(doc, "img")[0]?.attrs.src).toBe("https://cdn.example.no/l.png?a=1&b=%222%22");
    }
  });

  it("never shows a logo from a javascript: or data: address", () => {
    const { doc } = page(fullView({ creditor: { name: "X", logoUrl: "javascript:alert(1)" } }));
    expect(byTag(doc, "img")).toHaveLength(0);
  });
});

describe("the amount field's examples", () => {
  it("are inside the allowed range, written as one types them (the hint once offered 1500 when at most 801,27 kr was allowed)", () => {
    expect(amountExamples(100_00, 801_27, "nb")).toEqual({ example: "450", exampleWithOre: "450,50" });
    expect(amountExamples(100_00, 801_27, "en")).toEqual({ example: "450", exampleWithOre: "450.50" });
    for (const [min, max] of [
      [100_00, 100_20],
      [100_00, 150_00],
      [50_00, 12_345_67],
      [1, 99],
    ] as const) {
      const { example, exampleWithOre } = amountExamples(min, max, "nb");
      for (const written of [example, exampleWithOre]) {
        const minor = Math.round(Number(written.replace(",", ".")) * 100);
        expect(minor, `${written} for ${min}..${max}`).toBeGreaterThanOrEqual(min);
        expect(minor, `${written} for ${min}..${max}`).toBeLessThanOrEqual(max);
      }
    }
  });
});
