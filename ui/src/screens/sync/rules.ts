import type { FieldRule } from "../../bindings/FieldRule";

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
