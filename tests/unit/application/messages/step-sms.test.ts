import { describe, expect, it } from "vitest";
import { letterAlertSmsText, letsPaySmsText, smsSenderOf } from "../../../../shared/application/messages/step-sms";
import { money } from "../../../../shared/domain/money";
import { isGsm7, smsSegments } from "../../../../shared/domain/sms-text";

const LINK = "https://pay.example.no/p/D51u4Hl-mk9OgxUUI6PKio_q8BY";
const letsPay = {
  creditorName: "Fjordkraft Demo AS",
  invoiceNumber: "INV-1001",
  amount: money(125_288, "NOK"),
  dueDate: "2026-11-26",
  payLink: LINK,
} as const;

describe("the Let's pay SMS", () => {
  it("names the creditor, the invoice, the amount and the due date in Norwegian, and ends with the pay link", () => {
    expect(letsPaySmsText({ ...letsPay, language: "nb" })).toBe(
      `Fjordkraft Demo AS: Faktura INV-1001 på 1 252,88 kr forfalt 26. november 2026. Betal enkelt her: ${LINK}`,
    );
  });

  it("says the same in English", () => {
    const text = letsPaySmsText({ ...letsPay, language: "en" });
    expect(text).toMatch(
      /^Fjordkraft Demo AS: Invoice INV-1001 of NOK 1,252\.88 was due on 26 November 2026\. Pay here: /u,
    );
    expect(text.endsWith(LINK)).toBe(true);
  });

  it("fits one GSM-7 segment (plain spaces, not the no-break spaces of the money format)", () => {
    const text = letsPaySmsText({ ...letsPay, language: "nb" });
    expect(isGsm7(text)).toBe(true);
    expect(smsSegments(text)).toBe(1);
  });
});

describe("the SMS alert for a letter", () => {
  it("names the letter in lower case and the invoice, with the link to read it and pay", () => {
    const alert = {
      creditorName: "Fjordkraft Demo AS",
      invoiceNumber: "INV-1001",
      letter: "collection-notice",
      payLink: LINK,
    } as const;
    expect(letterAlertSmsText({ ...alert, language: "nb" })).toBe(
      `Fjordkraft Demo AS: Du har fått et brev (inkassovarsel) om faktura INV-1001. Se brevet og betal her: ${LINK}`,
    );
    expect(letterAlertSmsText({ ...alert, language: "en" })).toBe(
      `Fjordkraft Demo AS: You have a letter (debt collection notice) about invoice INV-1001. Read it and pay here: ${LINK}`,
    );
    expect(isGsm7(letterAlertSmsText({ ...alert, language: "nb" }))).toBe(true);
  });

  it("says how the letter itself comes, so an alert sent before the post arrives does not say it is there", () => {
    const alert = {
      creditorName: "Fjordkraft Demo AS",
      invoiceNumber: "INV-1001",
      letter: "reminder",
      payLink: LINK,
    } as const;
    expect(letterAlertSmsText({ ...alert, language: "nb", by: "post" })).toBe(
      `Fjordkraft Demo AS: Du får et brev (purring) i posten om faktura INV-1001. Se brevet og betal her: ${LINK}`,
    );
    expect(letterAlertSmsText({ ...alert, language: "nb", by: "email" })).toContain("et brev (purring) på e-post");
    expect(letterAlertSmsText({ ...alert, language: "en", by: "digital-mailbox" })).toContain(
      "We have sent you a letter (payment reminder) to your Digipost mailbox about invoice INV-1001",
    );
    expect(isGsm7(letterAlertSmsText({ ...alert, language: "nb", by: "post" }))).toBe(true);
  });
});

describe("the SMS sender id", () => {
  it("is the creditor's sender name, trimmed, when it is a valid alphanumeric sender", () => {
    expect(smsSenderOf({ senderName: " Fjordkraft " }, { senderName: "Inkasso" })).toBe("Fjordkraft");
  });

  it("is the ladder's sender name when the creditor's is empty or longer than 11 characters", () => {
    expect(smsSenderOf({ senderName: "Fjordkraft Demo" }, { senderName: "Inkasso" })).toBe("Inkasso");
    expect(smsSenderOf({ senderName: " " }, { senderName: "Inkasso" })).toBe("Inkasso");
  });
});
