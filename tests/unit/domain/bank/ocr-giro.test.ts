import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  completeOcrGiro,
  OcrGiroFormatError,
  parseOcrGiro,
  writeOcrGiro,
  type OcrGiroFile,
  type OcrGiroTransaction,
  type OcrTransactionType,
} from "../../../../shared/domain/bank/ocr-giro";

/** Copied from otovo/python-netsgiro (Apache-2.0), see tests/fixtures/ocr/README.md. */
const SAMPLE = readFileSync(path.join(__dirname, "../../../fixtures/ocr/ocr_giro_transactions.txt"), "utf8");

function transaction(overrides: Partial<OcrGiroTransaction> = {}): OcrGiroTransaction {
  return {
    type: 10,
    number: 1,
    netsDate: "2026-11-20",
    amount: { value: 125000, currency: "NOK" },
    kid: "12345674",
    centreId: "13",
    dayCode: 20,
    partialSettlement: 1,
    serialNumber: "01464",
    formNumber: "9636827194",
    archiveReference: "099038562",
    reserved: "0000000",
    ...overrides,
  };
}

function file(transactions: OcrGiroTransaction[]): OcrGiroFile {
  return completeOcrGiro({
    transmission: { number: "0170031", dataTransmitter: "00008080", recipient: "00010200" },
    netsDate: "2026-11-20",
    assignments: [{ agreementId: "001008566", number: "0000002", account: "99991042764", transactions }],
  });
}

function errorOf(text: string): OcrGiroFormatError {
  try {
    parseOcrGiro(text);
  } catch (error) {
    if (error instanceof OcrGiroFormatError) return error;
    throw error;
  }
  throw new Error("parsed without error");
}

const lines = (text: string) => text.trimEnd().split("\n");

describe("parseOcrGiro on the netsgiro sample file", () => {
  const parsed = parseOcrGiro(SAMPLE);

  it("reads the transmission, the assignment and all 20 transactions with their totals", () => {
    expect(parsed.transmission).toEqual({ number: "0170031", dataTransmitter: "00008080", recipient: "00010200" });
    expect(parsed.assignments).toHaveLength(1);
    const a = parsed.assignments[0]!;
    expect({ agreementId: a.agreementId, number: a.number, account: a.account }).toEqual({
      agreementId: "001008566",
      number: "0000002",
      account: "99991042764",
    });
    expect(a.transactions).toHaveLength(20);
    expect(a.totals).toEqual({
      transactions: 20,
      records: 43,
      amount: { value: 5144900, currency: "NOK" },
      netsDate: "1992-01-20",
      earliestDate: "1992-01-20",
      latestDate: "1992-01-20",
    });
    expect(parsed.totals).toEqual({
      transactions: 20,
      records: 45,
      amount: { value: 5144900, currency: "NOK" },
      netsDate: "1992-01-20",
    });
  });

  it("reads every field of a transaction, its text item and the payer's account", () => {
    expect(parsed.assignments[0]!.transactions[0]).toEqual({
      type: 21,
      number: 1,
      netsDate: "1992-01-20",
      amount: { value: 102000, currency: "NOK" },
      kid: "0000531",
      centreId: "13",
      dayCode: 20,
      partialSettlement: 1,
      serialNumber: "01464",
      formNumber: "9636827194",
      archiveReference: "099038562",
      reserved: "0000000",
      bankDate: "1992-01-16",
      debitAccount: "99990512341",
      text: "Foo bar baz",
    });
    const kids = parsed.assignments[0]!.transactions.map((t) => t.kid);
    expect(kids.slice(0, 3)).toEqual(["0000531", "0036633", "0048763"]);
    expect(kids[7]).toBe("02212291038306");
  });

  it("writes the sample back byte for byte", () => {
    expect(writeOcrGiro(parsed)).toBe(SAMPLE);
  });

  it("accepts Windows line endings", () => {
    expect(parseOcrGiro(SAMPLE.replace(/\n/g, "\r\n"))).toEqual(parsed);
  });
});

describe("parseOcrGiro refuses a malformed file with the line and the problem", () => {
  const good = writeOcrGiro(
    file([transaction({ number: 1 }), transaction({ number: 2, kid: "", amount: { value: 500, currency: "NOK" } })]),
  );

  it("names a record of the wrong length", () => {
    const bad = lines(good);
    bad[2] = bad[2]!.slice(0, 79);
    const error = errorOf(bad.join("\n"));
    expect(error.line).toBe(3);
    expect(error.message).toContain("exactly 80 characters, this one has 79");
  });

  it("names an unknown record type", () => {
    const bad = lines(good);
    bad[2] = `NY091050${bad[2]!.slice(8)}`;
    const error = errorOf(bad.join("\n"));
    expect(error.line).toBe(3);
    expect(error.message).toContain('unknown record type "NY091050"');
  });

  it("refuses AvtaleGiro records as not OCR giro", () => {
    const bad = lines(good);
    bad[1] = `NY21${bad[1]!.slice(4)}`;
    expect(errorOf(bad.join("\n")).message).toContain("AvtaleGiro");
  });

  it("refuses an amount item 1 without its amount item 2", () => {
    const bad = lines(good);
    bad.splice(3, 1); // item 2 of transaction 1
    const error = errorOf(bad.join("\n"));
    expect(error.line).toBe(4);
    expect(error.message).toContain("must be followed by its amount item 2");
  });

  it("refuses amount items 1 and 2 of different transactions", () => {
    const bad = lines(good);
    bad[3] = `${bad[3]!.slice(0, 8)}0000009${bad[3]!.slice(15)}`;
    const error = errorOf(bad.join("\n"));
    expect(error.line).toBe(4);
    expect(error.message).toContain("items 1 and 2 must pair");
  });

  it("refuses an assignment whose total does not add up", () => {
    const f = file([transaction({ number: 1 })]);
    f.assignments[0]!.totals.amount = { value: 125001, currency: "NOK" };
    f.totals.amount = { value: 125001, currency: "NOK" };
    const error = errorOf(writeOcrGiro(f));
    expect(error.line).toBe(5);
    expect(error.message).toContain("total of 125001 øre, but its transactions add up to 125000 øre");
  });

  it("refuses a transmission whose counts do not add up", () => {
    const f = file([transaction({ number: 1 })]);
    f.totals.transactions = 2;
    const error = errorOf(writeOcrGiro(f));
    expect(error.line).toBe(6);
    expect(error.message).toContain("says 2 transactions, but the transmission holds 1");
  });

  it("refuses a date that is not a calendar day", () => {
    const bad = lines(good);
    bad[2] = `${bad[2]!.slice(0, 15)}310226${bad[2]!.slice(21)}`;
    const error = errorOf(bad.join("\n"));
    expect(error.line).toBe(3);
    expect(error.message).toContain('nets date (positions 16–21) is not a date DDMMYY, got "310226"');
  });

  it("refuses letters in the amount", () => {
    const bad = lines(good);
    bad[2] = `${bad[2]!.slice(0, 40)}X${bad[2]!.slice(41)}`;
    expect(errorOf(bad.join("\n")).message).toContain("amount (positions 33–49) must be 17 digits");
  });

  it("refuses a file that does not start with a transmission start or stops early", () => {
    expect(errorOf(lines(good).slice(1).join("\n")).message).toContain("must begin with a transmission start");
    expect(errorOf(lines(good).slice(0, -1).join("\n")).message).toContain("without a transmission end");
    expect(errorOf("").message).toContain("empty");
  });
});

const digitString = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
const isoDate = fc
  .date({ min: new Date("1969-01-01T00:00:00Z"), max: new Date("2068-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const arbTransaction = fc.record(
  {
    type: fc.constantFrom<OcrTransactionType>(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21),
    netsDate: isoDate,
    amount: fc.integer({ min: 0, max: 99_999_999_999 }).map((value) => ({ value, currency: "NOK" as const })),
    kid: fc.oneof(fc.constant(""), fc.stringMatching(/^\d{2,25}$/)),
    centreId: digitString(2),
    dayCode: fc.integer({ min: 0, max: 99 }),
    partialSettlement: fc.integer({ min: 0, max: 9 }),
    serialNumber: digitString(5),
    formNumber: digitString(10),
    archiveReference: digitString(9),
    reserved: digitString(7),
    bankDate: fc.option(isoDate, { nil: undefined }),
    debitAccount: fc.option(fc.stringMatching(/^\d{10}[1-9]$/), { nil: undefined }),
    text: fc.option(fc.stringMatching(/^[A-Za-z0-9 .,-]{0,39}[A-Za-z0-9.,-]$/), { nil: undefined }),
  },
  {
    requiredKeys: [
      "type",
      "netsDate",
      "amount",
      "kid",
      "centreId",
      "dayCode",
      "partialSettlement",
      "serialNumber",
      "formNumber",
      "archiveReference",
      "reserved",
    ],
  },
);

const arbFile = fc
  .record({
    transmission: fc.record({ number: digitString(7), dataTransmitter: digitString(8), recipient: digitString(8) }),
    netsDate: isoDate,
    assignments: fc.array(
      fc.record({
        agreementId: digitString(9),
        number: digitString(7),
        account: digitString(11),
        transactions: fc.array(arbTransaction, { maxLength: 6 }),
      }),
      { maxLength: 3 },
    ),
  })
  .map((draft) =>
    completeOcrGiro({
      ...draft,
      assignments: draft.assignments.map((a) => ({
        ...a,
        transactions: a.transactions.map((t, i) => {
          const clean = Object.fromEntries(
            Object.entries(t).filter(([, v]) => v !== undefined),
          ) as unknown as OcrGiroTransaction;
          return { ...clean, number: i + 1 };
        }),
      })),
    }),
  );

describe("writeOcrGiro", () => {
  it("writes files that parse back to the same file (round trip)", () => {
    fc.assert(
      fc.property(arbFile, (f) => {
        const text = writeOcrGiro(f);
        expect(
          text
            .split("\n")
            .slice(0, -1)
            .every((l) => l.length === 80),
        ).toBe(true);
        expect(parseOcrGiro(text)).toEqual(f);
      }),
      { numRuns: 300 },
    );
  });

  it("writes a negative amount with the sign field and reads it back", () => {
    const f = file([
      transaction({ number: 1, amount: { value: 200000, currency: "NOK" } }),
      transaction({ number: 2, type: 18, amount: { value: -50000, currency: "NOK" } }),
    ]);
    const text = writeOcrGiro(f);
    expect(lines(text)[4]!.charAt(31)).toBe("-");
    expect(parseOcrGiro(text).assignments[0]!.transactions[1]!.amount).toEqual({ value: -50000, currency: "NOK" });
  });
});
