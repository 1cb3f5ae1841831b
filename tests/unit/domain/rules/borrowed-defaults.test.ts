import { describe, expect, it } from "vitest";
import { danishRules, swedishRules } from "../../../../shared/domain/rules";

/**
 * Denmark and Sweden borrow their unresearched values from Norway. The snapshots were taken from the rule sets as
 * they were written out in full, so expressing the borrowed values once changes no value, source or confirmation.
 */
describe("the Danish and Swedish rule sets", () => {
  it("keep every value, source and confirmation of the Danish rules", () => {
    expect(danishRules).toMatchSnapshot();
  });

  it("keep every value, source and confirmation of the Swedish rules", () => {
    expect(swedishRules).toMatchSnapshot();
  });
});
