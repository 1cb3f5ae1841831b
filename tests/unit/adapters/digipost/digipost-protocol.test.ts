import { generateKeyPairSync, createVerify } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalRequestString,
  kronerFromMinorUnits,
  osloMidnight,
  signCanonical,
} from "../../../../shared/adapters/digipost/digipost-protocol";
import { documentUuidFor, messageXml } from "../../../../shared/adapters/digipost/digital-mailbox.digipost";

describe("Digipost canonical request string", () => {
  it("matches the documented POST example: lower-case names, alphabetical, an empty query line at the end", () => {
    expect(
      canonicalRequestString({
        method: "post",
        path: "/Messages",
        query: "",
        date: "Wed, 29 Jun 2011 14:58:11 GMT",
        userId: "9999",
        contentSha256: "q1MKE+RZFJgrefm34/uplM/R8/si9xzqGvvwK0YMbR0=",
      }),
    ).toBe(
      "POST\n/messages\ndate: Wed, 29 Jun 2011 14:58:11 GMT\n" +
        "x-content-sha256: q1MKE+RZFJgrefm34/uplM/R8/si9xzqGvvwK0YMbR0=\nx-digipost-userid: 9999\n\n",
    );
  });

  it("leaves out the content hash for a request without a body and lower-cases the query", () => {
    expect(
      canonicalRequestString({
        method: "GET",
        path: "/",
        query: "parameter1=58&Parameter2=Test",
        date: "Wed, 29 Jun 2011 14:58:11 GMT",
        userId: "9999",
      }),
    ).toBe("GET\n/\ndate: Wed, 29 Jun 2011 14:58:11 GMT\nx-digipost-userid: 9999\nparameter1=58&parameter2=test\n");
  });

  it("signs with SHA256withRSA, verifiable with the public key", () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const signature = signCanonical("GET\n/\n", privateKey);
    expect(createVerify("RSA-SHA256").update("GET\n/\n").verify(publicKey, signature, "base64")).toBe(true);
    expect(createVerify("RSA-SHA256").update("GET\n/x\n").verify(publicKey, signature, "base64")).toBe(false);
  });
});

describe("amounts and dates for Digipost", () => {
  it("writes øre as decimal kroner with two decimals", () => {
    expect(kronerFromMinorUnits(12345)).toBe("123.45");
    expect(kronerFromMinorUnits(100)).toBe("1.00");
    expect(kronerFromMinorUnits(5)).toBe("0.05");
    expect(kronerFromMinorUnits(0)).toBe("0.00");
    expect(kronerFromMinorUnits(900719925474099)).toBe("9007199254740.99");
  });

  it("round-trips every amount exactly (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (minor) => {
        const text = kronerFromMinorUnits(minor);
        expect(text).toMatch(/^\d+\.\d{2}$/);
        expect(BigInt(text.replace(".", ""))).toBe(BigInt(minor));
      }),
    );
  });

  it("refuses fractions of an øre and negative amounts", () => {
    expect(() => kronerFromMinorUnits(1.5)).toThrow(RangeError);
    expect(() => kronerFromMinorUnits(-1)).toThrow(RangeError);
  });

  it("gives the due date as midnight in Oslo, winter and summer", () => {
    expect(osloMidnight("2026-12-20")).toBe("2026-12-20T00:00:00+01:00");
    expect(osloMidnight("2026-07-01")).toBe("2026-07-01T00:00:00+02:00");
    expect(() => osloMidnight("2026-02-30")).toThrow(RangeError);
  });
});

describe("the message XML", () => {
  const mail = {
    messageId: "m-1",
    recipient: { nationalId: "01019010046" },
    subject: "A & B <c>",
    pdf: Buffer.from("%PDF-"),
    invoice: { kid: "123", amount: 12345, account: "12345678903", dueDate: "2026-12-20" },
  };

  it("carries the invoice as the v8 invoice data type with the amount in kroner, and escapes text", () => {
    const xml = messageXml(mail, documentUuidFor("m-1"));
    expect(xml).toContain('<message xmlns="http://api.digipost.no/schema/v8"><message-id>m-1</message-id>');
    expect(xml).toContain("<subject>A &amp; B &lt;c&gt;</subject>");
    expect(xml).toContain(
      '<data-type><invoice xmlns="http://api.digipost.no/schema/datatypes"><due-date>2026-12-20T00:00:00+01:00</due-date>' +
        "<sum>123.45</sum><creditor-account>12345678903</creditor-account><kid>123</kid></invoice></data-type>",
    );
  });

  it("derives the same document uuid for the same message id, and another for another", () => {
    expect(documentUuidFor("m-1")).toBe(documentUuidFor("m-1"));
    expect(documentUuidFor("m-1")).not.toBe(documentUuidFor("m-2"));
    expect(documentUuidFor("m-1")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("writes a foreign print address with postal code and city on a line and the country", () => {
    const xml = messageXml(
      {
        ...mail,
        printFallback: {
          name: "Sven",
          address: { lines: ["Storgatan 1"], postalCode: "111 22", city: "Stockholm", country: "Sweden" },
          returnAddress: {
            name: "Avsender",
            lines: ["Postboks 1", "Sentrum", "Bygg A", "Etasje 2"],
            postalCode: "0101",
            city: "Oslo",
            country: "NO",
          },
        },
      },
      documentUuidFor("m-1"),
    );
    expect(xml).toContain(
      "<recipient><name>Sven</name><foreign-address><addressline1>Storgatan 1</addressline1>" +
        "<addressline2>111 22 Stockholm</addressline2><country>Sweden</country></foreign-address></recipient>",
    );
    expect(xml).toContain(
      "<norwegian-address><addressline1>Postboks 1</addressline1><addressline2>Sentrum</addressline2>" +
        "<addressline3>Bygg A, Etasje 2</addressline3><zip-code>0101</zip-code><city>Oslo</city></norwegian-address>",
    );
  });
});
