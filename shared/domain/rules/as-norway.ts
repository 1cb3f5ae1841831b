/**
 * What Denmark and Sweden take from Norway until they are researched: the suspension notice periods and practice and
 * the contact hours. The values are Norway's; each keeps its own source saying it was borrowed, and none is confirmed.
 * (RuleSet.parse copies them, so the Norwegian objects are never shared.)
 */
import { norwegianRules } from "./no";
import type { RuleSet } from "./rule-set";

const ADJECTIVE = { Denmark: "Danish", Sweden: "Swedish" } as const;

export function asNorway(country: keyof typeof ADJECTIVE): Pick<RuleSet, "suspension" | "contactHours"> {
  const norway = norwegianRules;
  return {
    suspension: {
      noticeDays: {
        "power-meter": {
          value: norway.suspension.noticeDays["power-meter"].value,
          source: `not researched for ${country} — the Norwegian periods used as a cautious default`,
          confirmed: false,
        },
        broadband: {
          value: norway.suspension.noticeDays.broadband.value,
          source: "not researched — follow the contract terms",
          confirmed: false,
        },
      },
      onlyOnAllowedDays: {
        value: norway.suspension.onlyOnAllowedDays.value,
        source: "common practice (as Norway)",
        confirmed: false,
      },
      defaultDaysAfterDue: {
        value: norway.suspension.defaultDaysAfterDue.value,
        source: "seed practice (as Norway)",
        confirmed: false,
      },
    },
    contactHours: {
      value: norway.contactHours.value,
      source: `no ${ADJECTIVE[country]} source — the Norwegian proposal used as a cautious default`,
      confirmed: false,
    },
  };
}
