/**
 * The dev host's test persons for signing in to Min side through the local OpenID Connect provider. Synthetic but
 * valid Norwegian fødselsnummer (mod 11 checks; no real person's): the provider puts the number in the ID token's
 * `pid` claim, as ID-porten and Criipto do for Norwegian BankID.
 */
export interface TestPerson {
  /** The provider's subject (`sub`): a stable id that is not the national id, as brokers' pairwise subjects. */
  sub: string;
  name: string;
  nationalId: string;
  /** What the interaction page says about the person's claims in the demo data. */
  note: string;
}

export const TEST_PERSONS: readonly TestPerson[] = [
  {
    sub: "test-person-kari",
    name: "Kari Nordmann",
    nationalId: "12038512356",
    note: "krav hos to kreditorer i demodataene",
  },
  {
    sub: "test-person-ola",
    name: "Ola Nordmann",
    nationalId: "23079112305",
    note: "ett krav hos Demo Kreditor AS",
  },
  { sub: "test-person-per", name: "Per Hansen", nationalId: "05056712358", note: "ingen krav" },
];
