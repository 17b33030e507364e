import type { DeleteRule } from "../../bindings/DeleteRule";
import type { FieldRule } from "../../bindings/FieldRule";

export const DELETE_RULES: DeleteRule[] = ["dont_carry", "carry", "ask"];

/** What a deletion on one side does on the other, in a person's words. */
export function deleteRuleLabel(rule: DeleteRule): string {
  switch (rule) {
    case "dont_carry":
      return "Leave the other side's record alone";
    case "carry":
      return "Delete it on the other side too (ask when it changed there since the last sync)";
    case "ask":
      return "Ask me in the Conflicts inbox each time";
  }
}

export const RULES: FieldRule[] = [
  "two_way",
  "prefer_a_unless_blank",
  "prefer_b_unless_blank",
  "always_a",
  "always_b",
  "dont_sync",
];

/** A rule in the words of the HubSpot-Salesforce connector, with the connections' names. */
export function ruleLabel(rule: FieldRule, a: string, b: string): string {
  switch (rule) {
    case "two_way":
      return "Two-way (latest change wins)";
    case "prefer_a_unless_blank":
      return `Prefer ${a} unless blank`;
    case "prefer_b_unless_blank":
      return `Prefer ${b} unless blank`;
    case "always_a":
      return `Always use ${a}`;
    case "always_b":
      return `Always use ${b}`;
    case "dont_sync":
      return "Don't sync";
  }
}
