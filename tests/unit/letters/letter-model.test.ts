import { describe, expect, it } from "vitest";
import type { LetterModelInput } from "../../../shared/letters";
import {
  DEFAULT_COMPLAINT_BOARD,
  InvalidLetterModel,
  letterFileName,
  letterTitle,
  parseLetterModel,
  renderLetter,
} from "../../../shared/letters";
import { pdfText } from "./pdf-text";
import { collectionNotice, paymentDemand, reminder, suspensionNotice } from "./letter-fixtures";

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseLetterModel(input);
  } catch (error) {
    if (error instanceof InvalidLetterModel) return error.details?.["issues"] as { path: string; message: string }[];
    throw error;
  }
  return [];
}

describe("LetterModel", () => {
  it("accepts the fixtures of every kind and writes Norwegian unless told otherwise", () => {
    for (const input of [reminder(), collectionNotice(), paymentDemand(), suspensionNotice()]) {
      expect(parseLetterModel(input).language).toBe("nb");
    }
  });

  it("names Finansklagenemnda as the complaint board of a payment demand unless another is given", () => {
    const model = parseLetterModel(paymentDemand());
    expect(model.kind === "payment-demand" && model.complaintBoard).toEqual(DEFAULT_COMPLAINT_BOARD);
  });

  it("refuses a total that is not principal + fees + interest − payments", () => {
    const input = reminder();
    const issues = issuesOf({ ...input, amounts: { ...input.amounts, totalDue: { value: 126_951, currency: "NOK" } } });
    expect(issues).toContainEqual({
      path: "amounts.totalDue",
      message: "totalDue must equal principal + fees + interest − payments received",
    });
  });

  it("refuses amounts in more than one currency", () => {
    const input = reminder();
    const issues = issuesOf({
      ...input,
      amounts: {
        ...input.amounts,
        fees: [{ kind: "reminder-fee", amount: { value: 3_500, currency: "SEK" }, legalBasis: "x § 1" }],
      },
    });
    expect(issues.map((i) => i.path)).toContain("amounts.fees.0.amount");
  });

  it("refuses invoice lines that do not add up to the principal", () => {
    const input = reminder();
    const issues = issuesOf({
      ...input,
      claim: { ...input.claim, lines: [{ description: "Nettleie", amount: { value: 100, currency: "NOK" } }] },
    });
    expect(issues.map((i) => i.path)).toContain("claim.lines");
  });

  it("refuses a letter sent on or before the due date, and a deadline that is not after the sent date", () => {
    expect(issuesOf(reminder({ sentDate: "2026-11-01" })).map((i) => i.path)).toContain("sentDate");
    expect(issuesOf(reminder({ deadline: "2026-11-23" })).map((i) => i.path)).toContain("deadline");
  });

  it("refuses late interest that starts on the due date", () => {
    const input = paymentDemand();
    const amounts = input.amounts as { interest: Record<string, unknown> };
    const issues = issuesOf({
      ...input,
      amounts: { ...input.amounts, interest: { ...amounts.interest, fromDate: "2026-11-01" } },
    });
    expect(issues.map((i) => i.path)).toContain("amounts.interest.fromDate");
  });

  it("refuses a suspension notice whose disconnection date is not after the payment deadline", () => {
    const input = suspensionNotice() as LetterModelInput & { suspension: Record<string, unknown> };
    const issues = issuesOf({ ...input, suspension: { ...input.suspension, earliestDisconnectionDate: "2026-12-21" } });
    expect(issues.map((i) => i.path)).toContain("suspension.earliestDisconnectionDate");
  });

  it("refuses disconnection and reconnection fees in another currency, or that are not positive", () => {
    const input = suspensionNotice() as LetterModelInput & { suspension: Record<string, unknown> };
    const withFees = (fees: Record<string, unknown>) =>
      issuesOf({ ...input, suspension: { ...input.suspension, ...fees } });
    expect(withFees({ disconnectionFee: { value: 50_000, currency: "SEK" } })).toEqual([
      { path: "suspension.disconnectionFee", message: "every amount must be in NOK, the principal's currency" },
    ]);
    expect(withFees({ reconnectionFee: { value: 0, currency: "NOK" } })).toEqual([
      { path: "suspension.reconnectionFee", message: "a fee must be a positive amount" },
    ]);
    expect(
      withFees({
        disconnectionFee: { value: 62_500, currency: "NOK" },
        reconnectionFee: { value: 125_000, currency: "NOK" },
      }),
    ).toEqual([]);
  });

  it("refuses a suspension notice without its suspension details", () => {
    const { suspension: _omitted, ...rest } = suspensionNotice() as LetterModelInput & { suspension: unknown };
    expect(issuesOf(rest).map((i) => i.path)).toContain("suspension");
  });

  it("refuses an invalid KID, account or organisation number", () => {
    const input = reminder();
    const issues = issuesOf({
      ...input,
      payment: { ...input.payment, kid: "12345", account: "12345678900" },
      creditor: { ...(input.creditor as object), orgNumber: "123456789" },
    });
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(["payment.kid", "payment.account", "creditor.orgNumber"]),
    );
  });

  it("refuses names the letter font cannot print, such as another script or emoji, and says where", () => {
    const input = reminder();
    const issues = issuesOf({ ...input, debtor: { ...(input.debtor as object), name: "Ольга Петрова 🙂" } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("debtor.name");
    expect(JSON.stringify(issues)).not.toContain("Петрова");
  });

  it("prints Sami names as written (ŋ č đ ŧ š ž á)", async () => {
    const name = "Áŋŋá Čáhcesuolu-Đuoššá";
    const street = "Ŧeahkkáš-Žuorgá 3";
    const input = reminder();
    const debtor = { name, address: { lines: [street], postalCode: "9730", city: "Kárášjohka" } };
    const text = (await pdfText(await renderLetter({ ...input, debtor }))).text;
    expect(text).toContain(name);
    expect(text).toContain(street);
    expect(text).toContain("9730 Kárášjohka");
  });

  it("prints Nordic and Western European letters, š and ž, and typographic quotes as written", async () => {
    const name = "Åse Øvergård-Škare «Bø» “Zoë”";
    const street = "Ærøvej 5, Söderström – Žaneta";
    const input = reminder();
    const debtor = { name, address: { lines: [street], postalCode: "0155", city: "Oslo" } };
    const lines = (await pdfText(await renderLetter({ ...input, debtor }))).text.split("\n");
    expect(lines.some((l) => l.startsWith(name))).toBe(true);
    expect(lines.some((l) => l.startsWith(street))).toBe(true);
  });

  it("never puts the debtor's name or address into the validation error", () => {
    const input = reminder();
    try {
      parseLetterModel({
        ...input,
        amounts: { ...input.amounts, totalDue: { value: 1, currency: "NOK" } },
        deadline: "nope",
      });
      expect.unreachable("the model is invalid");
    } catch (error) {
      const text = `${(error as Error).message} ${JSON.stringify((error as InvalidLetterModel).details)}`;
      expect(text).not.toMatch(/Nordmann|Storgata|0155/);
    }
  });

  it("makes renderLetter reject an invalid model before drawing anything", async () => {
    await expect(renderLetter(reminder({ deadline: "2026-11-20" }))).rejects.toBeInstanceOf(InvalidLetterModel);
  });
});

describe("letterTitle and letterFileName", () => {
  it("titles the letters as the law calls them, in both languages", () => {
    expect(letterTitle("reminder", "nb")).toBe("Purring");
    expect(letterTitle("collection-notice", "nb")).toBe("Inkassovarsel");
    expect(letterTitle("payment-demand", "nb")).toBe("Betalingsoppfordring");
    expect(letterTitle("suspension-notice", "nb")).toBe("Varsel om stenging");
    expect(letterTitle("suspension-notice")).toBe("Varsel om stenging");
    expect(letterTitle("payment-demand", "en")).toBe("Payment demand");
  });

  it("names the file by sent date, kind and invoice number, with nothing personal in it", () => {
    expect(letterFileName(parseLetterModel(collectionNotice()))).toBe("2026-12-08-collection-notice-F-2026-1001.pdf");
    const odd = parseLetterModel(
      reminder({ claim: { ...(reminder().claim as object), invoiceNumber: "A/B 7 æ" } as never }),
    );
    expect(letterFileName(odd)).toBe("2026-11-23-reminder-A_B_7__.pdf");
    expect(letterFileName(odd)).not.toMatch(/Nordmann/);
  });
});
