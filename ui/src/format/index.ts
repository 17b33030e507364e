import type { ObjectType } from "../bindings/ObjectType";
import type { Provider } from "../bindings/Provider";

const number = new Intl.NumberFormat("en-US");

export const formatCount = (n: number | bigint) => number.format(n);

export const providerLabel: { [P in Provider]: string } = {
  hubspot: "HubSpot",
  salesforce: "Salesforce",
  close: "Close",
  pipedrive: "Pipedrive",
};

export const objectTypeLabel: { [T in ObjectType]: string } = {
  company: "Company",
  person: "Person",
  lead: "Lead",
  deal: "Deal",
  activity: "Activity",
};

/** A date-time as the user's locale writes it; empty for none. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const t = new Date(iso);
  return Number.isNaN(t.getTime())
    ? iso
    : t.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
