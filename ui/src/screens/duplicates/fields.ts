// How the Duplicates screens name and show fields.

/** Fields shown first, in this order; the rest follow alphabetically. */
export const FIELD_ORDER = [
  "name",
  "first_name",
  "last_name",
  "email",
  "phone",
  "title",
  "company",
  "domain",
  "city",
  "country",
];

export const FIELD_LABEL: { [key: string]: string } = {
  name: "Name",
  first_name: "First name",
  last_name: "Last name",
  email: "E-mail",
  phone: "Phone",
  title: "Title",
  company: "Company",
  domain: "Domain",
  city: "City",
  country: "Country",
  industry: "Industry",
  employees: "Employees",
  status: "Status",
  source: "Source",
  company_id: "Company (link)",
  person_id: "Contact (link)",
  deal_id: "Deal (link)",
  amount: "Amount",
  close_date: "Close date",
  probability: "Probability",
  owner_id: "Owner",
  stage_id: "Stage",
  pipeline_id: "Pipeline",
  lead_status: "Lead status",
  lifecycle_stage: "Lifecycle stage",
  lead_score: "Lead score",
  original_source: "Original source",
};

/** Fields that say nothing about who the record is. */
export const HIDDEN = new Set(["created_at", "modified_at", "owner_id", "company_id", "custom"]);

/** A field's name for people; a sync's field kept across under another name ("status → lead_status")
 *  reads as both. */
export const fieldLabel = (key: string): string => {
  const [a, b] = key.split(" → ");
  if (a !== undefined && b !== undefined) return `${fieldLabel(a)} → ${fieldLabel(b)}`;
  return FIELD_LABEL[key] ?? key;
};

export function shown(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** The fields worth comparing across these records' field maps, in reading order. */
export function fieldsOf(records: { [key in string]?: unknown }[]): string[] {
  const keys = new Set<string>();
  for (const fields of records) for (const k of Object.keys(fields)) if (!HIDDEN.has(k)) keys.add(k);
  const first = FIELD_ORDER.filter((k) => keys.has(k));
  const rest = [...keys].filter((k) => !FIELD_ORDER.includes(k)).sort();
  return [...first, ...rest];
}

/** A probability as people read it: never rounded up to a certain 100%. */
export const percent = (p: number) => `${(Math.floor(p * 1000) / 10).toFixed(p >= 0.995 ? 1 : 0)}%`;

/** How a merged value was chosen, in words. */
export const RULE_LABEL: { [rule: string]: string } = {
  master_wins: "kept",
  fill_blanks: "kept",
  most_recent: "most recent",
  longest: "most detailed",
  union: "all values",
  override: "your pick",
};
