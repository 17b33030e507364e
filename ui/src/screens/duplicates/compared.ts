// "Why they matched" in words: each field's values as the records hold them and as they were compared
// after the engine's cleanup (lower-casing, +tags, nicknames, phone digits, legal suffixes).

const quote = (s: string) => `“${s}”`;

/** What cleanup made `compared` of `original` ("lower-casing", "removing “+crm”"). */
export function cleanupSteps(column: string, original: string, compared: string): string[] {
  const trimmed = original.trim();
  const lower = trimmed.toLowerCase();
  const steps: string[] = [];
  // A capital at the start of each word is how names are written, not worth a word.
  const capitalised = lower.replace(/\b\w/g, (c) => c.toUpperCase());
  if (trimmed !== lower && trimmed !== capitalised) steps.push("lower-casing");
  if (compared === lower) return steps;
  const tagged = /^([^@+]+)(\+[^@]*)@(.+)$/.exec(lower);
  if (tagged && compared === `${tagged[1]}@${tagged[3]}`) return [...steps, `removing ${quote(tagged[2]!)}`];
  if (/phone|mobile|fax/.test(column)) return [`reading it as the number ${quote(compared)}`];
  if (/first_name|nickname/.test(column) && !lower.includes(compared))
    return [
      `reading ${quote(trimmed)} as a short form of ${quote(compared.replace(/\b\w/g, (c) => c.toUpperCase()))}`,
    ];
  const kept = compared.split(/\s+/);
  const dropped = trimmed.split(/[\s,.]+/).filter((w) => w && !kept.includes(w.toLowerCase()));
  if (dropped.length && compared.split(/\s+/).every((w) => lower.includes(w)))
    return [...steps, `dropping ${dropped.map(quote).join(" and ")}`];
  return [...steps, `cleanup (compared as ${quote(compared)})`];
}

/**
 * One field of a pair in a sentence: "“Bill” → “William”: same after cleanup (“Bill” is a short form
 * of “William”)", "“w.smith@acme.com” = “W.Smith+crm@ACME.com” after lower-casing and removing “+crm”".
 */
export function comparedInWords(
  column: string,
  agreement: string,
  a: string,
  b: string,
  comparedA: string | null,
  comparedB: string | null,
): string {
  if (agreement === "missing") {
    if (!a && !b) return "on neither record";
    return `only one record has it (${quote(a || b)})`;
  }
  if (a.trim() === b.trim()) return `${quote(a.trim())} on both`;
  const steps = [
    ...new Set([
      ...(comparedA !== null ? cleanupSteps(column, a, comparedA) : []),
      ...(comparedB !== null ? cleanupSteps(column, b, comparedB) : []),
    ]),
  ];
  const how = steps.length ? ` after ${steps.join(" and ")}` : "";
  if (agreement === "exact") return `${quote(a)} = ${quote(b)}${how}`;
  if (agreement === "different") return `${quote(a)} ≠ ${quote(b)}${how ? `, even${how}` : ""}`;
  return `${quote(a)} ≈ ${quote(b)}${how}`;
}
