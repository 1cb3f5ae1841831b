/**
 * Nets OCR giro files (OCR-giro / "innbetalinger med KID"): the bank's list of payments made to the creditor's
 * account with a KID. Fixed 80-character records, all starting "NY":
 *
 *   NY000010  transmission start   (forsendelse start)    data transmitter, transmission number, recipient
 *   NY090020  assignment start     (oppdrag start)        agreement id, assignment number, assignment account
 *   NY09tt30  amount item 1        (beløpspost 1)         tt = transaction type; nets date, centre, amount, KID
 *   NY09tt31  amount item 2        (beløpspost 2)         form number, archive reference, bank date, debit account
 *   NY09tt32  amount item 3        (beløpspost 3)         free text (transaction types 20 and 21 only)
 *   NY090088  assignment end       (oppdrag slutt)        counts, total, nets date, earliest and latest date
 *   NY000089  transmission end     (forsendelse slutt)    counts, total, nets date
 *
 * Amounts are øre (17 digits), dates DDMMYY (years 69–99 → 19xx, 00–68 → 20xx, as Python's %y), the KID is
 * right-aligned in 25 characters. Field positions follow the Nets "OCR giro system specification" as implemented by
 * the open-source otovo/python-netsgiro (used as reference only).
 *
 * Pure: no zod, no I/O. `parseOcrGiro` refuses a file with an `OcrGiroFormatError` naming the line and what is
 * wrong; `writeOcrGiro` writes exactly what it is given (tests and demos), so parse(write(file)) = file for every
 * well-formed file (`completeOcrGiro` fills in the totals of a file being built).
 */
import { DomainError } from "../errors";
import type { Money } from "../money";

export const OCR_RECORD_LENGTH = 80;

/** Transaction types of OCR giro (transaksjonstype). 18 and 20 are reversals (tilbakeføring). */
export const OCR_TRANSACTION_TYPES = {
  10: "giro debited account",
  11: "standing order",
  12: "direct remittance",
  13: "business terminal giro",
  14: "counter giro",
  15: "AvtaleGiro",
  16: "TeleGiro",
  17: "cash giro",
  18: "reversal with KID",
  19: "purchase with KID",
  20: "reversal with text",
  21: "purchase with text",
} as const;
export type OcrTransactionType = keyof typeof OCR_TRANSACTION_TYPES;

export function isReversal(type: OcrTransactionType): boolean {
  return type === 18 || type === 20;
}

export interface OcrGiroTransmission {
  /** Forsendelsesnummer, 7 digits. */
  number: string;
  /** Dataavsender, 8 digits. */
  dataTransmitter: string;
  /** Datamottaker, 8 digits. */
  recipient: string;
}

export interface OcrGiroTransaction {
  type: OcrTransactionType;
  /** Transaksjonsnummer: 1, 2, … within the assignment. */
  number: number;
  /** Oppgjørsdato (the day Nets settled it), YYYY-MM-DD. */
  netsDate: string;
  /** Øre, NOK; negative when the sign field says "-". */
  amount: Money;
  /** Trimmed; "" when the field is blank. */
  kid: string;
  /** Sentral-ID, 2 digits. */
  centreId: string;
  /** Dagkode, 0–99. */
  dayCode: number;
  /** Delavregningsnummer, 0–9. */
  partialSettlement: number;
  /** Løpenummer (partial settlement serial number), 5 digits. */
  serialNumber: string;
  /** Blankettnummer, 10 digits. */
  formNumber: string;
  /** Arkivreferanse, 9 characters. */
  archiveReference: string;
  /** Positions 35–41 of item 2: documented as filler, used by banks in practice; kept as is. */
  reserved: string;
  /** Oppgjørsdato at the payer's bank, when given. */
  bankDate?: string;
  /** The payer's account (debetkonto), when given. Personal data: never logged. */
  debitAccount?: string;
  /** Free text of amount item 3 (types 20/21), right-trimmed. */
  text?: string;
}

export interface OcrGiroTotals {
  transactions: number;
  /** Every record it spans, its own start and end records included. */
  records: number;
  amount: Money;
  netsDate: string;
}

export interface OcrGiroAssignmentTotals extends OcrGiroTotals {
  earliestDate?: string;
  latestDate?: string;
}

export interface OcrGiroAssignment {
  /** Avtale-ID, 9 digits. */
  agreementId: string;
  /** Oppdragsnummer, 7 digits. */
  number: string;
  /** Oppdragskonto: the creditor's account the payments went to, 11 digits. */
  account: string;
  transactions: OcrGiroTransaction[];
  totals: OcrGiroAssignmentTotals;
}

export interface OcrGiroFile {
  transmission: OcrGiroTransmission;
  assignments: OcrGiroAssignment[];
  totals: OcrGiroTotals;
}

/** The file is not a well-formed OCR giro file. `line` is 1-based (0 when it concerns the file as a whole). */
export class OcrGiroFormatError extends DomainError {
  readonly code = "OCR_GIRO_FORMAT";
  readonly line: number;
  constructor(line: number, problem: string) {
    super(line > 0 ? `OCR giro line ${line}: ${problem}` : `OCR giro file: ${problem}`, { line });
    this.line = line;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

interface Line {
  no: number;
  text: string;
}

/** A field by its 1-based positions in the record, as the Nets specification numbers them. */
function field(line: Line, from: number, to: number): string {
  return line.text.slice(from - 1, to);
}

/** `personal`: the field may identify the payer (their account): the error does not echo it. */
function digits(line: Line, from: number, to: number, name: string, personal = false): string {
  const value = field(line, from, to);
  if (!/^\d+$/.test(value)) {
    throw new OcrGiroFormatError(
      line.no,
      `${name} (positions ${from}–${to}) must be ${to - from + 1} digits${personal ? "" : `, got "${value}"`}`,
    );
  }
  return value;
}

function integer(line: Line, from: number, to: number, name: string): number {
  const value = Number(digits(line, from, to, name));
  if (!Number.isSafeInteger(value))
    throw new OcrGiroFormatError(line.no, `${name} (positions ${from}–${to}) is too large`);
  return value;
}

function netsDate(line: Line, from: number, name: string): string {
  const raw = digits(line, from, from + 5, name);
  const iso = netsDateToIso(raw);
  if (iso === undefined)
    throw new OcrGiroFormatError(line.no, `${name} (positions ${from}–${from + 5}) is not a date DDMMYY, got "${raw}"`);
  return iso;
}

function optionalNetsDate(line: Line, from: number, name: string): string | undefined {
  return field(line, from, from + 5) === "000000" ? undefined : netsDate(line, from, name);
}

/** "DDMMYY" → "YYYY-MM-DD" (69–99 → 19xx, 00–68 → 20xx), undefined when not a calendar day. */
export function netsDateToIso(raw: string): string | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(raw);
  if (!m) return undefined;
  const [day, month, yy] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const year = yy >= 69 ? 1900 + yy : 2000 + yy;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year)}-${m[2]}-${m[1]}`;
}

/** "YYYY-MM-DD" (1969–2068) → "DDMMYY". */
export function isoToNetsDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const year = m ? Number(m[1]) : NaN;
  if (!m || year < 1969 || year > 2068 || netsDateToIso(`${m[3]}${m[2]}${m[1]!.slice(2)}`) !== iso) {
    throw new OcrGiroFormatError(0, `cannot write "${iso}" as a Nets date (a calendar day in 1969–2068)`);
  }
  return `${m[3]}${m[2]}${m[1]!.slice(2)}`;
}

const nok = (value: number): Money => ({ value: value === 0 ? 0 : value, currency: "NOK" });

function recordKind(line: Line): string {
  return field(line, 1, 8);
}

function describe(line: Line): string {
  const kind = recordKind(line);
  if (kind === "NY000010") return "transmission start (NY000010)";
  if (kind === "NY000089") return "transmission end (NY000089)";
  if (kind === "NY090020") return "assignment start (NY090020)";
  if (kind === "NY090088") return "assignment end (NY090088)";
  const type = field(line, 7, 8);
  if (kind.startsWith("NY09") && type === "30") return `amount item 1 (${kind})`;
  if (kind.startsWith("NY09") && type === "31") return `amount item 2 (${kind})`;
  if (kind.startsWith("NY09") && type === "32") return `amount item 3 (${kind})`;
  return `"${kind}"`;
}

function checkRecord(line: Line): void {
  if (line.text.length !== OCR_RECORD_LENGTH) {
    throw new OcrGiroFormatError(
      line.no,
      `a record must be exactly ${OCR_RECORD_LENGTH} characters, this one has ${line.text.length}`,
    );
  }
  if (!line.text.startsWith("NY"))
    throw new OcrGiroFormatError(line.no, `a record must start with the format code "NY", got "${field(line, 1, 2)}"`);
  const service = field(line, 3, 4);
  if (service === "21")
    throw new OcrGiroFormatError(line.no, "service code 21 is AvtaleGiro, not OCR giro (service code 09)");
  const kind = recordKind(line);
  const known =
    kind === "NY000010" ||
    kind === "NY000089" ||
    kind === "NY090020" ||
    kind === "NY090088" ||
    (service === "09" && /^(1\d|2[01])$/.test(field(line, 5, 6)) && /^3[012]$/.test(field(line, 7, 8)));
  if (!known)
    throw new OcrGiroFormatError(
      line.no,
      `unknown record type "${kind}" (service code, transaction type and record type, positions 1–8)`,
    );
}

function parseTransmissionStart(line: Line): OcrGiroTransmission {
  return {
    dataTransmitter: digits(line, 9, 16, "data transmitter"),
    number: digits(line, 17, 23, "transmission number"),
    recipient: digits(line, 24, 31, "data recipient"),
  };
}

function parseAssignmentStart(line: Line): Omit<OcrGiroAssignment, "transactions" | "totals"> {
  return {
    agreementId: digits(line, 9, 17, "agreement id"),
    number: digits(line, 18, 24, "assignment number"),
    account: digits(line, 25, 35, "assignment account"),
  };
}

function parseItem1(line: Line): Omit<OcrGiroTransaction, "formNumber" | "archiveReference" | "reserved"> {
  const sign = field(line, 32, 32);
  if (sign !== "0" && sign !== "-")
    throw new OcrGiroFormatError(line.no, `sign (position 32) must be "0" or "-", got "${sign}"`);
  const amount = integer(line, 33, 49, "amount");
  const kidField = field(line, 50, 74);
  if (!/^[\d -]{25}$/.test(kidField))
    throw new OcrGiroFormatError(
      line.no,
      `KID (positions 50–74) may hold digits only, right-aligned, got "${kidField.trim()}"`,
    );
  const kid = kidField.trim();
  if (kid.includes(" "))
    throw new OcrGiroFormatError(line.no, `KID (positions 50–74) must be one right-aligned number, got "${kid}"`);
  return {
    type: Number(field(line, 5, 6)) as OcrTransactionType,
    number: integer(line, 9, 15, "transaction number"),
    netsDate: netsDate(line, 16, "nets date"),
    centreId: digits(line, 22, 23, "centre id"),
    dayCode: integer(line, 24, 25, "day code"),
    partialSettlement: integer(line, 26, 26, "partial settlement number"),
    serialNumber: digits(line, 27, 31, "partial settlement serial number"),
    amount: nok(sign === "-" ? -amount : amount),
    kid,
  };
}

function parseItem2(
  line: Line,
): Pick<OcrGiroTransaction, "formNumber" | "archiveReference" | "reserved" | "bankDate" | "debitAccount"> {
  const bankDate = optionalNetsDate(line, 42, "bank date");
  const debitAccount = digits(line, 48, 58, "debit account", true);
  return {
    formNumber: field(line, 16, 25),
    archiveReference: field(line, 26, 34),
    reserved: field(line, 35, 41),
    ...(bankDate === undefined ? {} : { bankDate }),
    ...(/^0+$/.test(debitAccount) ? {} : { debitAccount }),
  };
}

function parseTotals(line: Line, what: string): OcrGiroTotals {
  return {
    transactions: integer(line, 9, 16, `number of transactions in the ${what}`),
    records: integer(line, 17, 24, `number of records in the ${what}`),
    amount: nok(integer(line, 25, 41, `total amount of the ${what}`)),
    netsDate: netsDate(line, 42, "nets date"),
  };
}

function checkTotals(
  line: Line,
  what: string,
  stated: OcrGiroTotals,
  transactions: number,
  records: number,
  amount: number,
): void {
  if (stated.transactions !== transactions) {
    throw new OcrGiroFormatError(
      line.no,
      `the ${what} end says ${stated.transactions} transactions, but the ${what} holds ${transactions}`,
    );
  }
  if (stated.records !== records) {
    throw new OcrGiroFormatError(
      line.no,
      `the ${what} end says ${stated.records} records, but the ${what} has ${records} (start and end records included)`,
    );
  }
  if (stated.amount.value !== amount) {
    throw new OcrGiroFormatError(
      line.no,
      `the ${what} end says a total of ${stated.amount.value} øre, but its transactions add up to ${amount} øre`,
    );
  }
}

/** Parses an OCR giro file; throws OcrGiroFormatError naming the line and the problem. Accepts \n and \r\n. */
export function parseOcrGiro(text: string): OcrGiroFile {
  const all = text.split("\n").map((t, i): Line => ({ no: i + 1, text: t.endsWith("\r") ? t.slice(0, -1) : t }));
  while (all.length > 0 && all[all.length - 1]!.text.trim() === "") all.pop();
  if (all.length === 0) throw new OcrGiroFormatError(0, "the file is empty");
  const blank = all.find((l) => l.text.trim() === "");
  if (blank) throw new OcrGiroFormatError(blank.no, "blank line inside the file");
  for (const line of all) checkRecord(line);

  const first = all[0]!;
  if (recordKind(first) !== "NY000010")
    throw new OcrGiroFormatError(
      first.no,
      `the file must begin with a transmission start (NY000010), got ${describe(first)}`,
    );
  const transmission = parseTransmissionStart(first);
  let i = 1;
  const assignments: OcrGiroAssignment[] = [];

  for (;;) {
    const line = all[i];
    if (line === undefined)
      throw new OcrGiroFormatError(all[all.length - 1]!.no, "the file ends without a transmission end (NY000089)");
    const kind = recordKind(line);
    if (kind === "NY000089") break;
    if (kind !== "NY090020")
      throw new OcrGiroFormatError(
        line.no,
        `expected an assignment start (NY090020) or the transmission end (NY000089), got ${describe(line)}`,
      );
    const start = line;
    const head = parseAssignmentStart(start);
    i++;
    const transactions: OcrGiroTransaction[] = [];
    let sum = 0;
    for (;;) {
      const item = all[i];
      if (item === undefined)
        throw new OcrGiroFormatError(
          all[all.length - 1]!.no,
          `assignment ${head.number} (line ${start.no}) has no assignment end (NY090088)`,
        );
      const itemKind = recordKind(item);
      if (itemKind === "NY090088") break;
      if (field(item, 7, 8) !== "30") {
        throw new OcrGiroFormatError(
          item.no,
          `expected amount item 1 (NY09xx30) or the assignment end (NY090088), got ${describe(item)}`,
        );
      }
      const one = parseItem1(item);
      const second = all[i + 1];
      if (second === undefined || field(second, 7, 8) !== "31" || !second.text.startsWith("NY09")) {
        throw new OcrGiroFormatError(
          second?.no ?? item.no,
          `amount item 1 of transaction ${one.number} (line ${item.no}) must be followed by its amount item 2 (NY09${field(item, 5, 6)}31)${second ? `, got ${describe(second)}` : ""}`,
        );
      }
      if (field(second, 5, 6) !== field(item, 5, 6) || field(second, 9, 15) !== field(item, 9, 15)) {
        throw new OcrGiroFormatError(
          second.no,
          `amount item 2 is for transaction ${field(second, 9, 15)} type ${field(second, 5, 6)}, but amount item 1 (line ${item.no}) is transaction ${field(item, 9, 15)} type ${field(item, 5, 6)}: items 1 and 2 must pair`,
        );
      }
      const two = parseItem2(second);
      i += 2;
      let text: string | undefined;
      const third = all[i];
      if (third !== undefined && field(third, 7, 8) === "32" && third.text.startsWith("NY09")) {
        if (field(third, 5, 6) !== field(item, 5, 6) || field(third, 9, 15) !== field(item, 9, 15)) {
          throw new OcrGiroFormatError(
            third.no,
            `amount item 3 is for transaction ${field(third, 9, 15)} type ${field(third, 5, 6)}, but items 1 and 2 (line ${item.no}) are transaction ${field(item, 9, 15)} type ${field(item, 5, 6)}`,
          );
        }
        text = field(third, 16, 55).trimEnd();
        i++;
      }
      transactions.push({ ...one, ...two, ...(text === undefined ? {} : { text }) });
      sum += one.amount.value;
    }
    const end = all[i]!;
    const stated = parseTotals(end, "assignment");
    const earliestDate = optionalNetsDate(end, 48, "earliest date");
    const latestDate = optionalNetsDate(end, 54, "latest date");
    const records = i - all.indexOf(start) + 1;
    checkTotals(end, "assignment", stated, transactions.length, records, sum);
    assignments.push({
      ...head,
      transactions,
      totals: {
        ...stated,
        ...(earliestDate === undefined ? {} : { earliestDate }),
        ...(latestDate === undefined ? {} : { latestDate }),
      },
    });
    i++;
  }

  const end = all[i]!;
  if (i !== all.length - 1)
    throw new OcrGiroFormatError(all[i + 1]!.no, "records after the transmission end (NY000089)");
  const totals = parseTotals(end, "transmission");
  const count = assignments.reduce((n, a) => n + a.transactions.length, 0);
  const amount = assignments.reduce((n, a) => n + a.transactions.reduce((s, t) => s + t.amount.value, 0), 0);
  checkTotals(end, "transmission", totals, count, all.length, amount);
  return { transmission, assignments, totals };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

function fixed(value: string, length: number, name: string): string {
  if (value.length !== length) throw new OcrGiroFormatError(0, `${name} must be ${length} characters, got "${value}"`);
  return value;
}

function num(value: number, length: number, name: string): string {
  if (!Number.isSafeInteger(value) || value < 0 || String(value).length > length) {
    throw new OcrGiroFormatError(0, `${name} must be a whole number of at most ${length} digits, got ${String(value)}`);
  }
  return String(value).padStart(length, "0");
}

function optionalDate(iso: string | undefined): string {
  return iso === undefined ? "000000" : isoToNetsDate(iso);
}

function record(text: string): string {
  if (text.length !== OCR_RECORD_LENGTH) throw new Error(`BUG: OCR record of ${text.length} characters`);
  return text;
}

function writeTransaction(t: OcrGiroTransaction): string[] {
  const type = num(t.type, 2, "transaction type");
  const no = num(t.number, 7, "transaction number");
  if (t.amount.currency !== "NOK")
    throw new OcrGiroFormatError(0, `OCR giro amounts are NOK, got ${t.amount.currency}`);
  if (t.kid.length > 25 || !/^[\d-]*$/.test(t.kid))
    throw new OcrGiroFormatError(0, `KID must be at most 25 digits, got "${t.kid}"`);
  const lines = [
    record(
      `NY09${type}30${no}${isoToNetsDate(t.netsDate)}${fixed(t.centreId, 2, "centre id")}${num(t.dayCode, 2, "day code")}` +
        `${num(t.partialSettlement, 1, "partial settlement")}${fixed(t.serialNumber, 5, "serial number")}${t.amount.value < 0 ? "-" : "0"}` +
        `${num(Math.abs(t.amount.value), 17, "amount")}${t.kid.padStart(25, " ")}000000`,
    ),
    record(
      `NY09${type}31${no}${fixed(t.formNumber, 10, "form number")}${fixed(t.archiveReference, 9, "archive reference")}` +
        `${fixed(t.reserved, 7, "reserved field")}${optionalDate(t.bankDate)}${fixed(t.debitAccount ?? "00000000000", 11, "debit account")}${"0".repeat(22)}`,
    ),
  ];
  if (t.text !== undefined) {
    if (t.text.length > 40) throw new OcrGiroFormatError(0, `text must be at most 40 characters, got ${t.text.length}`);
    lines.push(record(`NY09${type}32${no}${t.text.padEnd(40, " ")}${"0".repeat(25)}`));
  }
  return lines;
}

/** Writes the file exactly as given (totals included: a file with wrong totals is written wrong, and refused on parse). */
export function writeOcrGiro(file: OcrGiroFile): string {
  const { transmission: tx } = file;
  const lines = [
    record(
      `NY000010${fixed(tx.dataTransmitter, 8, "data transmitter")}${fixed(tx.number, 7, "transmission number")}${fixed(tx.recipient, 8, "data recipient")}${"0".repeat(49)}`,
    ),
  ];
  for (const a of file.assignments) {
    lines.push(
      record(
        `NY090020${fixed(a.agreementId, 9, "agreement id")}${fixed(a.number, 7, "assignment number")}${fixed(a.account, 11, "assignment account")}${"0".repeat(45)}`,
      ),
    );
    for (const t of a.transactions) lines.push(...writeTransaction(t));
    const s = a.totals;
    lines.push(
      record(
        `NY090088${num(s.transactions, 8, "transactions")}${num(s.records, 8, "records")}${num(s.amount.value, 17, "assignment total")}` +
          `${isoToNetsDate(s.netsDate)}${optionalDate(s.earliestDate)}${optionalDate(s.latestDate)}${"0".repeat(21)}`,
      ),
    );
  }
  const s = file.totals;
  lines.push(
    record(
      `NY000089${num(s.transactions, 8, "transactions")}${num(s.records, 8, "records")}${num(s.amount.value, 17, "transmission total")}${isoToNetsDate(s.netsDate)}${"0".repeat(33)}`,
    ),
  );
  return `${lines.join("\n")}\n`;
}

export interface OcrGiroDraft {
  transmission: OcrGiroTransmission;
  /** The nets date of the transmission (and of each assignment that does not give its own). */
  netsDate: string;
  assignments: Array<Omit<OcrGiroAssignment, "totals"> & { netsDate?: string }>;
}

function recordsOf(transactions: OcrGiroTransaction[]): number {
  return transactions.reduce((n, t) => n + (t.text === undefined ? 2 : 3), 0);
}

/** A file being built (tests, demos): the totals, counts and earliest/latest dates computed from its transactions. */
export function completeOcrGiro(draft: OcrGiroDraft): OcrGiroFile {
  const assignments = draft.assignments.map(({ netsDate: own, ...a }): OcrGiroAssignment => {
    const dates = a.transactions.map((t) => t.netsDate).sort();
    return {
      ...a,
      totals: {
        transactions: a.transactions.length,
        records: recordsOf(a.transactions) + 2,
        amount: nok(a.transactions.reduce((s, t) => s + t.amount.value, 0)),
        netsDate: own ?? draft.netsDate,
        ...(dates.length > 0 ? { earliestDate: dates[0]!, latestDate: dates[dates.length - 1]! } : {}),
      },
    };
  });
  return {
    transmission: draft.transmission,
    assignments,
    totals: {
      transactions: assignments.reduce((n, a) => n + a.totals.transactions, 0),
      records: assignments.reduce((n, a) => n + a.totals.records, 0) + 2,
      amount: nok(assignments.reduce((n, a) => n + a.totals.amount.value, 0)),
      netsDate: draft.netsDate,
    },
  };
}
