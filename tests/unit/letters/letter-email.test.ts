import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import { LetterKind, letterEmail, type LetterEmailInput } from "../../../shared/letters";

function input(overrides: Partial<LetterEmailInput> = {}): LetterEmailInput {
  return {
    kind: "reminder",
    language: "nb",
    creditorName: "Fjordkraft Testnett AS",
    invoiceNumber: "F-2026-1001",
    amount: { value: 126950, currency: "NOK" },
    deadline: "2026-12-07",
    payLink: "https://pay.testnett.no/p/Xy7Qk2",
    kid: "10000123454",
    account: "12345678903",
    contact: { phone: "22 12 34 56", email: "kundeservice@testnett.no", web: "testnett.no" },
    ...overrides,
  };
}

/** Every text node of the HTML, joined: what a reader (or a screen reader) gets. */
function visibleText(html: string): string {
  const out: string[] = [];
  const walk = (node: { nodeName: string; value?: string; childNodes?: unknown[] }) => {
    if (node.nodeName === "#text" && node.value) out.push(node.value);
    if (node.nodeName === "title") return;
    for (const child of (node.childNodes ?? []) as Array<typeof node>) walk(child);
  };
  walk(parse(html));
  return out.join(" ").replace(/[ \t\r\n]+/g, " ");
}

function links(html: string): Array<{ href: string; text: string }> {
  return [...html.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => ({ href: m[1]!, text: m[2]! }));
}

describe("letterEmail", () => {
  it.each([
    ["reminder", "Purring fra Fjordkraft Testnett AS – faktura F-2026-1001"],
    ["collection-notice", "Inkassovarsel fra Fjordkraft Testnett AS – faktura F-2026-1001"],
    ["payment-demand", "Betalingsoppfordring fra Fjordkraft Testnett AS – faktura F-2026-1001"],
    ["suspension-notice", "Varsel om stenging fra Fjordkraft Testnett AS – faktura F-2026-1001"],
  ] as const)("names the creditor and the invoice in the subject of a %s", (kind, subject) => {
    expect(letterEmail(input({ kind })).subject).toBe(subject);
  });

  it("writes an English letter's subject in English", () => {
    expect(letterEmail(input({ kind: "collection-notice", language: "en" })).subject).toBe(
      "Debt collection notice from Fjordkraft Testnett AS – invoice F-2026-1001",
    );
  });

  it("keeps a creditor name with a line break on one subject line", () => {
    const { subject } = letterEmail(input({ creditorName: "Evil AS\r\nBcc: x@y.z" }));
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it("escapes a creditor name with markup in the HTML and never lets a script through", () => {
    const { html, text } = letterEmail(input({ creditorName: '<script>alert("x")</script> & Co' }));
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(visibleText(html)).toContain('<script>alert("x")</script> & Co');
    expect(text).toContain('<script>alert("x")</script> & Co'); // plain text is not HTML
  });

  it("has a real pay link, and names amount, deadline, KID, account and the attachment", () => {
    const { html, text } = letterEmail(input());
    expect(links(html)).toContainEqual({ href: "https://pay.testnett.no/p/Xy7Qk2", text: "Betal nå" });
    const shown = visibleText(html);
    for (const s of [shown, text]) {
      expect(s).toContain("1\u00a0269,50\u00a0kr");
      expect(s).toContain("7. desember 2026");
      expect(s).toContain("KID 10000123454");
      expect(s).toContain("1234.56.78903");
      expect(s).toContain("Brevet ligger vedlagt som PDF.");
      expect(s).toContain("kundeservice@testnett.no");
    }
    expect(text).toContain("https://pay.testnett.no/p/Xy7Qk2");
  });

  it("declares the language and uses no stylesheet or images", () => {
    const nb = letterEmail(input()).html;
    expect(nb).toContain('<html lang="nb">');
    expect(letterEmail(input({ language: "en" })).html).toContain('<html lang="en">');
    expect(nb).not.toMatch(/<style|<img|<link/i);
  });

  it("escapes a pay link's query string in the href and refuses a javascript: link", () => {
    const { html } = letterEmail(input({ payLink: 'https://pay.testnett.no/p/a?x=1&y="2"' }));
    expect(html).toContain('href="https://pay.testnett.no/p/a?x=1&amp;y=%222%22"');
    expect(() => letterEmail(input({ payLink: "javascript:alert(1)" }))).toThrow(/http/);
  });

  it.each(LetterKind.options)("writes a Norwegian %s e-mail without an English sentence", (kind) => {
    const nb = letterEmail(input({ kind }));
    const en = letterEmail(input({ kind, language: "en" }));
    const englishWords = /\b(the|you|your|please|attached|invoice|pay now|contact|deadline|regards)\b/i;
    for (const s of [nb.subject, nb.text, visibleText(nb.html)]) expect(s).not.toMatch(englishWords);
    const englishSentences = en.text
      .split(/\n|(?<=\.)\s/)
      .map((s) => s.trim())
      .filter((s) => s.length > 12 && !s.includes("Fjordkraft"));
    expect(englishSentences.length).toBeGreaterThan(3);
    for (const sentence of englishSentences) expect(nb.text).not.toContain(sentence);
  });

  it("writes an English e-mail in English", () => {
    const { text } = letterEmail(input({ kind: "payment-demand", language: "en" }));
    expect(text).toContain("Attached is a payment demand from Fjordkraft Testnett AS for invoice F-2026-1001.");
    expect(text).toContain("NOK\u00a01,269.50");
    expect(text).toContain("7 December 2026");
    expect(text).toContain("The letter is attached as a PDF.");
  });

  it("leaves out the contact sentence when no contact is given", () => {
    const { text } = letterEmail(input({ contact: undefined }));
    expect(text).not.toContain("Kontakt");
  });
});
