import type { ActivityKind } from "../bindings/ActivityKind";
import type { CustomObjectInfo } from "../bindings/CustomObjectInfo";
import type { ObjectType } from "../bindings/ObjectType";
import type { Provider } from "../bindings/Provider";

const number = new Intl.NumberFormat("en-US");

export const formatCount = (n: number | bigint) => number.format(n);

/** The name a person would recognise from a record's fields, as the engine names records (`name`,
 *  else first + last name, else e-mail); none when the fields hold none of them. */
export function displayNameOf(fields: { [key in string]?: unknown }): string | undefined {
  const text = (key: string) => {
    const v = fields[key];
    return typeof v === "string" && v.trim() ? v.trim() : undefined;
  };
  const full = [text("first_name"), text("last_name")].filter(Boolean).join(" ");
  return text("name") ?? (full || text("email"));
}

/** "1 record", "1,600 records". */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

export const providerLabel: { [P in Provider]: string } = {
  hubspot: "HubSpot",
  salesforce: "Salesforce",
  close: "Close",
  pipedrive: "Pipedrive",
};

type CanonicalType = Exclude<ObjectType, `custom:${string}`>;

export const objectTypeLabel: { [T in CanonicalType]: string } = {
  company: "Company",
  person: "Person",
  lead: "Lead",
  deal: "Deal",
  activity: "Activity",
};

/** The names CRMs give their custom objects, as last listed (by `rememberCustomObjects`). */
const customObjectNames = new Map<string, string>();

export function rememberCustomObjects(objects: CustomObjectInfo[]): void {
  for (const o of objects) customObjectNames.set(o.object_type, o.singular);
}

/** A type as a person reads it: "Company", or a custom object by the name its CRM gives it. */
export function objectTypeName(t: ObjectType): string {
  if (t.startsWith("custom:")) return customObjectNames.get(t) ?? t.slice("custom:".length);
  return objectTypeLabel[t as CanonicalType];
}

export const activityKindLabel: { [K in ActivityKind]: string } = {
  note: "Note",
  email: "E-mail",
  call: "Call",
  meeting: "Meeting",
  task: "Task",
};

export const activityKindPlural: { [K in ActivityKind]: string } = {
  note: "notes",
  email: "e-mails",
  call: "calls",
  meeting: "meetings",
  task: "tasks",
};

/** "1 h 5 min", "95 s" → "1 min 35 s". */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h ? `${h} h` : "", m ? `${m} min` : "", s && !h ? `${s} s` : ""].filter(Boolean);
  return parts.join(" ") || "0 s";
}

/** A day the CRM keeps without a time ("2026-10-09"), or a date-time; empty for none. */
export function formatWhen(text: string | null | undefined): string {
  if (!text) return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const [y = 0, m = 1, d = 1] = text.split("-").map(Number);
    return new Date(y, m - 1, d).toLocaleDateString(undefined, { dateStyle: "medium" });
  }
  return formatTime(text);
}

/** A date-time as the user's locale writes it; empty for none. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const t = new Date(iso);
  return Number.isNaN(t.getTime())
    ? iso
    : t.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A compact date-time for dense lists: "Oct 31, 2026 15:04". */
export function formatShortTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const date = t.toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" });
  const time = t.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });
  return `${date} ${time}`;
}

/** "A", "A and B", "A, B and C". */
export function listOf(items: string[]): string {
  if (items.length < 2) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
