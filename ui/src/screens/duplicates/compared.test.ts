import { describe, expect, test } from "vitest";
import { comparedInWords } from "./compared";

describe("why two records matched, in words", () => {
  test("an e-mail equal after lower-casing and removing a +tag says both", () => {
    expect(
      comparedInWords(
        "email",
        "exact",
        "w.smith@acme.com",
        "W.Smith+crm@ACME.com",
        "w.smith@acme.com",
        "w.smith@acme.com",
      ),
    ).toBe("“w.smith@acme.com” = “W.Smith+crm@ACME.com” after lower-casing and removing “+crm”");
  });

  test("a nickname is named as a short form, never as the same text", () => {
    expect(comparedInWords("first_name", "exact", "William", "Bill", "william", "william")).toBe(
      "“William” = “Bill” after reading “Bill” as a short form of “William”",
    );
  });

  test("a company's legal suffix is said to be dropped; a phone is read as one number", () => {
    expect(comparedInWords("name", "exact", "Globex GmbH", "Globex", "globex", "globex")).toBe(
      "“Globex GmbH” = “Globex” after lower-casing and dropping “GmbH”",
    );
    expect(
      comparedInWords("phone", "exact", "+1 415 555 0100", "(415) 555-0100", "+14155550100", "+14155550100"),
    ).toBe("“+1 415 555 0100” = “(415) 555-0100” after reading it as the number “+14155550100”");
  });

  test("equal values, one side missing and different values", () => {
    expect(comparedInWords("last_name", "exact", "Smith", "Smith", "smith", "smith")).toBe("“Smith” on both");
    expect(comparedInWords("city", "missing", "Boston", "", "boston", null)).toBe(
      "only one record has it (“Boston”)",
    );
    expect(comparedInWords("city", "different", "Boston", "Berlin", "boston", "berlin")).toBe(
      "“Boston” ≠ “Berlin”",
    );
  });
});
