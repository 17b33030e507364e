// Canned answers to every command, for UI tests in a plain browser (the `mock` build only).
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Connection } from "../bindings/Connection";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { FailedRecord } from "../bindings/FailedRecord";
import type { ObjectType } from "../bindings/ObjectType";
import type { Record as CrmRecord } from "../bindings/Record";
import type { RecordQuery } from "../bindings/RecordQuery";
import type { RecordRow } from "../bindings/RecordRow";
import type { Status } from "../bindings/Status";

export const MOCK_RECORDS = 5000;
/** Searching for this makes record_page fail, so tests can see how errors are shown. */
export const MOCK_FAILING_SEARCH = "explode";

const FIRST = ["Anna", "Ben", "Chloé", "David", "Emma", "Felix", "Grace", "Hugo", "Isabel", "Jonas"];
const LAST = ["Smith", "Müller", "García", "Rossi", "Johnson", "Dubois", "Nowak", "Jensen"];
const COMPANY = ["Acme Inc.", "Globex GmbH", "Initech Ltd", "Umbrella SA", "Hooli LLC"];

const connections: Connection[] = [
  {
    id: 1,
    provider: "hubspot",
    label: "HubSpot — Sales EU",
    base_url: "https://api.hubapi.com",
    account_id: "4411",
    secret_ref: "keyring:1",
    created_at: "2026-10-01T09:00:00.000Z",
  },
  {
    id: 2,
    provider: "close",
    label: "Close — Inside sales",
    base_url: "https://api.close.com/api/v1",
    account_id: "orga_7",
    secret_ref: "keyring:2",
    created_at: "2026-10-02T09:00:00.000Z",
  },
  {
    id: 3,
    provider: "salesforce",
    label: "Salesforce — HQ",
    base_url: "https://acme.my.salesforce.com",
    account_id: "00D5e",
    secret_ref: "keyring:3",
    created_at: "2026-10-03T09:00:00.000Z",
  },
];

const records: CrmRecord[] = Array.from({ length: MOCK_RECORDS }, (_, i) => {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const company = COMPANY[i % COMPANY.length]!;
  const type: ObjectType = i % 10 === 0 ? "company" : "person";
  return {
    id: i + 1,
    connection_id: (i % 3) + 1,
    object_type: type,
    remote_id: String(90000 + i),
    display_name: type === "company" ? `${company} ${i}` : `${first} ${last} ${i}`,
    fields:
      type === "company"
        ? { name: `${company} ${i}`, domain: "acme.example" }
        : {
            first_name: first,
            last_name: `${last} ${i}`,
            email: `${first}.${last}${i}@example.com`.toLowerCase(),
            phone: `+1 555 ${String(i).padStart(4, "0")}`,
            company,
          },
    remote_modified_at: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(),
    content_hash: "h",
  };
}).sort((a, b) => a.display_name.localeCompare(b.display_name) || a.id - b.id);

const failed: FailedRecord[] = [
  {
    id: 1,
    connection_id: 1,
    object_type: "person",
    remote_id: null,
    operation: "create",
    payload: { email: "ann@@example" },
    category: "validation",
    message: "Property values were not valid: email",
    field: "email",
    attempts: 1,
    created_at: "2026-11-20T10:00:00.000Z",
  },
  {
    id: 2,
    connection_id: 3,
    object_type: "company",
    remote_id: "001A",
    operation: "update",
    payload: { Name: "" },
    category: "validation",
    message: "Required fields are missing: [Name]",
    field: "Name",
    attempts: 2,
    created_at: "2026-11-20T11:00:00.000Z",
  },
];

function matches(r: CrmRecord, q: RecordQuery): boolean {
  if (q.connection_id !== null && r.connection_id !== q.connection_id) return false;
  if (q.object_type !== null && r.object_type !== q.object_type) return false;
  if (!q.search) return true;
  const text = [r.display_name, r.remote_id, ...Object.values(r.fields).map(String)].join(" ").toLowerCase();
  return q.search
    .toLowerCase()
    .split(/\s+/)
    .every((w) => text.includes(w));
}

function row(r: CrmRecord): RecordRow {
  const f = r.fields as { [key: string]: string | undefined };
  return {
    id: r.id,
    connection_id: r.connection_id,
    object_type: r.object_type,
    remote_id: r.remote_id,
    display_name: r.display_name,
    email: f.email ?? null,
    phone: f.phone ?? null,
    company: f.company ?? null,
    remote_modified_at: r.remote_modified_at,
  };
}

function status(): Status {
  return {
    connections: connections.map((connection) => {
      const mine = records.filter((r) => r.connection_id === connection.id);
      const counts: [ObjectType, number][] = (["company", "person"] as const).map((t) => [
        t,
        mine.filter((r) => r.object_type === t).length,
      ]);
      return { connection, counts, total: mine.length };
    }),
    total_records: records.length,
  };
}

/** Every command the mock has seen, so tests can check that the list only ever asks for pages. */
export const mockCalls: { cmd: string; args: unknown }[] = [];

export function installMockIpc() {
  (window as unknown as { __mockCalls: typeof mockCalls }).__mockCalls = mockCalls;
  mockIPC((cmd, args) => {
    mockCalls.push({ cmd, args });
    switch (cmd) {
      case "overview":
        return {
          connections: connections.length,
          records: records.length,
          open_duplicate_groups: 0,
          open_failed_records: failed.length,
          database_path: "/home/demo/.local/share/com.crmbridge.desktop/crm-bridge.sqlite3",
        };
      case "status":
        return status();
      case "record_page": {
        const q = (args as { query: RecordQuery }).query;
        if (q.search === MOCK_FAILING_SEARCH) {
          const err: ErrorPayload = { code: "database", message: "database error: disk I/O error" };
          throw err;
        }
        const all = records.filter((r) => matches(r, q));
        return {
          rows: all.slice(q.offset, q.offset + q.limit).map(row),
          total: all.length,
          offset: q.offset,
        };
      }
      case "record":
        return records.find((r) => r.id === (args as { id: number }).id);
      case "failed_records":
        return { rows: failed, total: failed.length };
      case "duplicate_groups":
        return { rows: [], total: 0 };
      case "field_mappings":
      case "migrations":
        return [];
      default:
        throw { code: "not_found", message: `unknown command ${cmd}` } satisfies ErrorPayload;
    }
  });
}
