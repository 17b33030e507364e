// Canned answers to every command, for UI tests in a plain browser (the `mock` build only).
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { type MockGroup, entryOf, previewOf } from "./mockMerges";
import { migrateCommand } from "./mockMigrate";
import { openConflicts, syncCommand } from "./mockSync";
import { settingsCommand } from "./mockSettings";
import { workspaceCommand } from "./mockWorkspace";
import type { TimelineEntry } from "../bindings/TimelineEntry";
import type { PullProgress } from "../bindings/PullProgress";
import type { Connection } from "../bindings/Connection";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { FailedQuery } from "../bindings/FailedQuery";
import type { FailedGroup } from "../bindings/FailedGroup";
import type { FailedRecord } from "../bindings/FailedRecord";
import type { ObjectType } from "../bindings/ObjectType";
import type { MergeChoice } from "../bindings/MergeChoice";
import type { MergeEntry } from "../bindings/MergeEntry";
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

let giveUpSignIn = () => {};
/** Whether the demo workspace is open (the mock keeps one set of data for both). */
let inDemo = false;
/** `?empty`: a first run, no connection until the demo opens. */
let empty = new URLSearchParams(window.location.search).has("empty");

function person(
  id: number,
  connection_id: number,
  fields: { [key: string]: string },
  remote_id: string,
): CrmRecord {
  return {
    id,
    connection_id,
    object_type: "person",
    remote_id,
    display_name: `${fields.first_name} ${fields.last_name}`,
    fields,
    remote_modified_at: "2026-11-20T10:00:00.000Z",
    content_hash: `h${id}`,
  };
}

function company(id: number, fields: { [key: string]: string }, remote_id: string): CrmRecord {
  return {
    id,
    connection_id: 3,
    object_type: "company",
    remote_id,
    display_name: fields.name ?? remote_id,
    fields,
    remote_modified_at: "2026-11-18T10:00:00.000Z",
    content_hash: `h${id}`,
  };
}

/** A person's activities as a timeline shows them: one of each kind, newest first (companies: none). */
function mockTimeline(id: number): TimelineEntry[] {
  if (records.find((r) => r.id === id)?.object_type !== "person") return [];
  const entry = (n: number, e: Partial<TimelineEntry> & Pick<TimelineEntry, "kind">): TimelineEntry => ({
    record_id: 100000 + id * 10 + n,
    remote_id: `act-${id}-${n}`,
    subject: null,
    body: null,
    occurred_at: null,
    ends_at: null,
    direction: null,
    duration_s: null,
    outcome: null,
    done: null,
    ...e,
  });
  return [
    entry(1, { kind: "task", subject: "Send the revised proposal", occurred_at: "2026-12-09", done: false }),
    entry(2, {
      kind: "meeting",
      subject: "Product demo",
      body: "With the CFO and two engineers; they asked for SSO.",
      occurred_at: "2026-11-26T15:00:00Z",
      ends_at: "2026-11-26T16:00:00Z",
      outcome: "completed",
    }),
    entry(3, {
      kind: "call",
      body: "Walked through pricing; call back after the board meeting.",
      occurred_at: "2026-11-20T14:05:00Z",
      direction: "outbound",
      duration_s: 754,
      outcome: "answered",
    }),
    entry(4, {
      kind: "email",
      subject: "Re: pricing",
      body: "Could we talk on Friday? The team has a few questions on seats.",
      occurred_at: "2026-11-19T09:30:00Z",
      direction: "inbound",
    }),
    entry(5, {
      kind: "note",
      body: "Met at the Berlin trade show; interested in the API.",
      occurred_at: "2026-10-02T11:00:00Z",
    }),
  ];
}

const evidence = (rows: [string, string | null, string | null, string, number][]) =>
  rows.map(([column, left, right, agreement, weight]) => ({ column, left, right, agreement, weight }));

const duplicateGroups: MockGroup[] = [
  {
    row: {
      id: 11,
      object_type: "person",
      score: 0.9994,
      size: 2,
      names: ["William Smith", "Bill Smith"],
      providers: ["hubspot", "close"],
      created_at: "2026-11-30T09:00:00.000Z",
    },
    detail: {
      id: 11,
      object_type: "person",
      score: 0.9994,
      status: "open",
      members: [
        {
          provider: "hubspot",
          connection_label: "HubSpot — Sales EU",
          record: person(
            101,
            1,
            {
              first_name: "William",
              last_name: "Smith",
              email: "w.smith@acme.com",
              phone: "+1 415 555 0100",
              title: "VP Sales",
              company: "Acme Inc.",
              city: "Boston",
            },
            "5101",
          ),
        },
        {
          provider: "close",
          connection_label: "Close — Inside sales",
          record: person(
            202,
            2,
            {
              first_name: "Bill",
              last_name: "Smith",
              email: "W.Smith+crm@ACME.com",
              phone: "(415) 555-0100",
              company: "ACME",
            },
            "cont_8Hq2",
          ),
        },
      ],
      pairs: [
        {
          a: 101,
          b: 202,
          probability: 0.9994,
          evidence: evidence([
            ["first_name", "william", "william", "exact", 5.9],
            ["last_name", "smith", "smith", "exact", 3.7],
            ["email", "w.smith@acme.com", "w.smith@acme.com", "exact", 13.8],
            ["phone", "+14155550100", "+14155550100", "exact", 13.1],
            ["company", "acme", "acme", "exact", 8.2],
            ["city", "boston", null, "missing", 0],
          ]),
        },
      ],
    },
  },
  {
    row: {
      id: 12,
      object_type: "company",
      score: 0.97,
      size: 2,
      names: ["Globex GmbH", "Globex"],
      providers: ["salesforce", "salesforce"],
      created_at: "2026-11-30T09:00:00.000Z",
    },
    detail: {
      id: 12,
      object_type: "company",
      score: 0.97,
      status: "open",
      members: [
        {
          provider: "salesforce",
          connection_label: "Salesforce — HQ",
          record: company(
            301,
            { name: "Globex GmbH", domain: "globex.de", city: "Berlin" },
            "0015e000000001AAA",
          ),
        },
        {
          provider: "salesforce",
          connection_label: "Salesforce — HQ",
          record: company(
            302,
            { name: "Globex", domain: "globex.de", phone: "+49 30 1234567" },
            "0015e000000002AAA",
          ),
        },
      ],
      pairs: [
        {
          a: 301,
          b: 302,
          probability: 0.97,
          evidence: evidence([
            ["name", "globex", "globex", "exact", 7.4],
            ["domain", "globex.de", "globex.de", "exact", 12.6],
            ["city", "berlin", null, "missing", 0],
            ["phone", null, "+49301234567", "missing", 0],
          ]),
        },
      ],
    },
  },
];

const merges: MergeEntry[] = [];
/** Groups a person said are not duplicates, kept for "Undo". */
const dismissedGroups: MockGroup[] = [];
const mergedGroups = new Map<number, MockGroup>();

const connections: Connection[] = [
  {
    id: 1,
    provider: "hubspot",
    label: "HubSpot — Sales EU",
    base_url: "https://api.hubapi.com",
    account_id: "4411",
    secret_ref: "keyring:1",
    created_at: "2026-10-01T09:00:00.000Z",
    archived_at: null,
  },
  {
    id: 2,
    provider: "close",
    label: "Close — Inside sales",
    base_url: "https://api.close.com/api/v1",
    account_id: "orga_7",
    secret_ref: "keyring:2",
    created_at: "2026-10-02T09:00:00.000Z",
    archived_at: null,
  },
  {
    id: 3,
    provider: "salesforce",
    label: "Salesforce — HQ",
    base_url: "https://acme.my.salesforce.com",
    account_id: "00D5e",
    secret_ref: "keyring:3",
    created_at: "2026-10-03T09:00:00.000Z",
    archived_at: null,
  },
  {
    id: 4,
    provider: "pipedrive",
    label: "Pipedrive — EMEA (old)",
    base_url: "https://api.pipedrive.com/api/v1",
    account_id: "981",
    secret_ref: null,
    created_at: "2026-06-01T09:00:00.000Z",
    archived_at: "2026-11-02T16:20:00.000Z",
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
    payload: { first_name: "Ann", last_name: "Lee", email: "ann@@example.com" },
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
    payload: { name: "", domain: "globex.de" },
    category: "validation",
    message: "Required fields are missing: [Name]",
    field: "name",
    attempts: 2,
    created_at: "2026-11-20T11:00:00.000Z",
  },
];

function mockMatches(f: FailedRecord, q: FailedQuery): boolean {
  if (q.category !== null && f.category !== q.category) return false;
  if (q.connection !== null && f.connection_id !== q.connection) return false;
  return q.ids.length === 0 || q.ids.includes(f.id);
}

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
      // A pulled connection says when; the others were never pulled.
      const last_pulled_at = mine.length ? "2026-12-01T08:30:00.000Z" : null;
      return { connection, counts, total: mine.length, last_pulled_at };
    }),
    total_records: records.length,
  };
}

/** Every command the mock has seen, so tests can check that the list only ever asks for pages. */
export const mockCalls: { cmd: string; args: unknown }[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pull of a mock connection: progress events for each object type, slow enough to be seen. */
/** Pulls asked to stop; each stops after its page, as the engine's do. */
const stoppedPulls = new Set<number>();

async function mockPull(id: number, full: boolean) {
  stoppedPulls.delete(id);
  const objects: ObjectType[] = ["company", "person", "deal", "activity"];
  const results: PullProgress[] = [];
  for (const [i, object_type] of objects.entries()) {
    let p: PullProgress = {
      connection_id: id,
      object_type,
      phase: "pulling",
      full,
      pages: 0,
      records: 0,
      created: 0,
      updated: 0,
      deleted: 0,
      rate: 0,
      fraction: null,
      eta_seconds: null,
      message: null,
    };
    for (let page = 1; page <= 4; page++) {
      await sleep(150);
      if (stoppedPulls.has(id))
        throw { code: "cancelled", message: "the pull was cancelled" } as ErrorPayload;
      p = {
        ...p,
        pages: page,
        records: page * 250 * (i + 1),
        created: page * 240 * (i + 1),
        rate: 1800,
        fraction: page / 4,
        eta_seconds: (4 - page) * 0.15,
      };
      await emit("pull-progress", p);
    }
    p = { ...p, phase: "done", eta_seconds: 0 };
    await emit("pull-progress", p);
    results.push(p);
  }
  return { connection_id: id, objects: results };
}

/** Sends failed writes again, refused like the CRMs: an e-mail needs one @, a name must not be empty. */
function mockResync(q: FailedQuery) {
  let resolved = 0;
  let refused = 0;
  for (const f of failed.filter((r) => mockMatches(r, q))) {
    const email = f.payload.email;
    const ok = (typeof email !== "string" || /^[^@\s]+@[^@\s]+$/.test(email)) && f.payload.name !== "";
    if (ok) {
      failed.splice(failed.indexOf(f), 1);
      resolved += 1;
    } else {
      f.attempts += 1;
      refused += 1;
    }
  }
  return { resolved, failed: refused };
}

export function installMockIpc() {
  // Tests play the Rust side's events (a window closed while jobs run) through `__mockEmit`.
  Object.assign(window, { __mockCalls: mockCalls, __mockEmit: emit });
  mockIPC(
    async (cmd, args) => {
      mockCalls.push({ cmd, args });
      switch (cmd) {
        case "overview":
          return {
            connections: empty ? 0 : connections.filter((c) => !c.archived_at).length,
            records: empty ? 0 : records.length,
            open_duplicate_groups: 0,
            open_failed_records: empty ? 0 : failed.length,
            open_conflicts: empty ? 0 : openConflicts(),
            database_path: inDemo
              ? "/home/demo/.local/share/com.crmbridge.desktop/demo/crm-bridge-demo.sqlite3"
              : "/home/demo/.local/share/com.crmbridge.desktop/crm-bridge.sqlite3",
            demo: inDemo,
            demo_available: true,
          };
        case "status":
          return empty ? { connections: [], total_records: 0 } : status();
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
        case "record_timeline":
          return mockTimeline((args as { id: number }).id);
        case "failed_records": {
          const a = args as { query: FailedQuery; offset: number; limit: number };
          const rows = failed.filter((f) => mockMatches(f, a.query));
          return { rows: rows.slice(a.offset, a.offset + a.limit), total: rows.length };
        }
        case "edit_failed": {
          const a = args as { id: number; payload: FailedRecord["payload"] };
          const f = failed.find((r) => r.id === a.id)!;
          f.payload = a.payload;
          return f;
        }
        case "failed_groups": {
          const q = (args as { query: FailedQuery }).query;
          const groups = new Map<string, FailedGroup>();
          for (const f of failed.filter((r) => mockMatches(r, q))) {
            const key = [f.category, f.connection_id, f.object_type, f.operation, f.field].join("|");
            const g = groups.get(key) ?? {
              category: f.category,
              connection_id: f.connection_id,
              object_type: f.object_type,
              operation: f.operation,
              field: f.field,
              message: f.message,
              messages: 0,
              count: 0,
              ids: [],
            };
            g.count += 1;
            g.ids.push(f.id);
            g.messages = new Set(failed.filter((r) => g.ids.includes(r.id)).map((r) => r.message)).size;
            groups.set(key, g);
          }
          return [...groups.values()].sort((a, b) => b.count - a.count);
        }
        case "fix_failed_group": {
          const a = args as { ids: number[]; field: string; value: unknown };
          for (const f of failed.filter((r) => a.ids.includes(r.id))) {
            if (a.value === null) delete f.payload[a.field];
            else f.payload[a.field] = a.value;
          }
          return mockResync({ category: null, connection: null, ids: a.ids });
        }
        case "resync_failed":
          return mockResync((args as { query: FailedQuery }).query);
        case "discard_failed": {
          const a = args as { ids: number[]; reason: string };
          if (!a.reason.trim())
            throw { code: "invalid_input", message: "invalid reason: say why" } as ErrorPayload;
          const before = failed.length;
          for (const id of a.ids)
            failed.splice(
              failed.findIndex((r) => r.id === id),
              1,
            );
          return before - failed.length;
        }
        case "export_failed":
          return "/home/demo/Downloads/crm-bridge-failed-records-20261130-101500.csv";
        case "duplicate_groups": {
          const a = args as { offset: number; limit: number };
          const rows = duplicateGroups.slice(a.offset, a.offset + a.limit).map((g) => g.row);
          return { rows, total: duplicateGroups.length };
        }
        case "duplicate_group": {
          const g = duplicateGroups.find((d) => d.row.id === (args as { id: number }).id);
          if (!g) throw { code: "not_found", message: "duplicate group does not exist" } as ErrorPayload;
          return g.detail;
        }
        case "dismiss_duplicate_group": {
          const i = duplicateGroups.findIndex((d) => d.row.id === (args as { id: number }).id);
          dismissedGroups.push(...duplicateGroups.splice(i, 1));
          return null;
        }
        case "reopen_duplicate_group": {
          const i = dismissedGroups.findIndex((d) => d.row.id === (args as { id: number }).id);
          if (i < 0)
            throw { code: "not_found", message: "dismissed duplicate group does not exist" } as ErrorPayload;
          duplicateGroups.push(...dismissedGroups.splice(i, 1));
          duplicateGroups.sort((a, b) => b.row.score - a.row.score);
          return null;
        }
        case "merge_preview": {
          const a = args as { group: number; choice: MergeChoice };
          const g = duplicateGroups.find((d) => d.row.id === a.group);
          if (!g)
            throw { code: "not_found", message: `duplicate group ${a.group} does not exist` } as ErrorPayload;
          return previewOf(g, a.choice);
        }
        case "merge_group": {
          const a = args as { group: number; choice: MergeChoice };
          const i = duplicateGroups.findIndex((d) => d.row.id === a.group);
          const g = duplicateGroups[i]!;
          const entry = entryOf(merges.length + 1, g, previewOf(g, a.choice));
          merges.unshift(entry);
          mergedGroups.set(entry.id, g);
          duplicateGroups.splice(i, 1);
          return entry;
        }
        case "merges": {
          const a = args as { offset: number; limit: number };
          return { rows: merges.slice(a.offset, a.offset + a.limit), total: merges.length };
        }
        case "undo_merge": {
          const a = args as { id: number; overwriteChanged: boolean };
          const entry = merges.find((m) => m.id === a.id)!;
          // The first merge's survivor was edited in HubSpot after the merge.
          if (entry.id === 1 && !a.overwriteChanged) {
            throw {
              code: "changed_since",
              message: `a record changed in the CRM since merge 1, and undoing would write over it: HubSpot person “${entry.master_name}” (5101), changed 2026-11-30 09:40 UTC. Undo anyway to overwrite (“Undo anyway”, or \`--overwrite-changed\`)`,
            } satisfies ErrorPayload;
          }
          entry.status = "undone";
          entry.undone_at = "2026-11-30T10:20:00.000Z";
          const g = mergedGroups.get(entry.id);
          if (g) duplicateGroups.unshift(g);
          return entry;
        }
        case "bulk_merge_preview":
          return {
            threshold: 0.995,
            groups: duplicateGroups.filter((g) => g.row.score >= 0.995).map((g) => g.row),
          };
        case "merge_all_safe": {
          const safe = duplicateGroups.filter((g) => g.row.score >= 0.995);
          for (const g of safe) {
            const entry = entryOf(
              merges.length + 1,
              g,
              previewOf(g, { master: null, rule: { rule: "most_complete" }, overrides: {} }),
            );
            merges.unshift(entry);
            mergedGroups.set(entry.id, g);
            duplicateGroups.splice(duplicateGroups.indexOf(g), 1);
          }
          return { merged: safe.length, failed: [] };
        }
        case "find_duplicates":
          // Long enough to leave the screen meanwhile, as tests do.
          return sleep(800).then(() => ({
            records: 3900,
            compared: 5210,
            groups: duplicateGroups.length,
            new_groups: 0,
          }));
        case "connect_with_key": {
          const a = args as { provider: Connection["provider"]; baseUrl: string; apiKey: string };
          if (a.apiKey !== "good-key") {
            const err: ErrorPayload = {
              code: "unauthorized",
              message:
                "HubSpot refused the sign-in: Authentication credentials not found. Sign in again to reconnect",
            };
            throw err;
          }
          const c: Connection = {
            id: connections.length + 1,
            provider: a.provider,
            label: "HubSpot portal 40000042",
            base_url: a.baseUrl,
            account_id: "40000042",
            secret_ref: "keyring:new",
            created_at: "2026-11-30T09:00:00.000Z",
            archived_at: null,
          };
          connections.push(c);
          return c;
        }
        case "connect_with_browser": {
          const a = args as { provider: Connection["provider"]; baseUrl: string };
          // The person approves in the browser a moment later (or the wait is given up).
          const approved = await new Promise<boolean>((resolve) => {
            giveUpSignIn = () => resolve(false);
            setTimeout(() => resolve(true), 600);
          });
          if (!approved) {
            const err: ErrorPayload = { code: "cancelled", message: "the sign-in was cancelled" };
            throw err;
          }
          const c: Connection = {
            id: connections.length + 1,
            provider: a.provider,
            label: "Pipedrive — Acme Sales",
            base_url: a.baseUrl,
            account_id: "7001",
            secret_ref: "keyring:browser",
            created_at: "2026-11-30T09:05:00.000Z",
            archived_at: null,
          };
          connections.push(c);
          return c;
        }
        case "cancel_sign_in":
          giveUpSignIn();
          return null;
        case "check_connection":
          return {
            connection_id: (args as { id: number }).id,
            account_id: "4411",
            account_name: "HubSpot portal 4411",
            user_email: null,
            quota: "649,870 of 650,000 API calls left today",
          };
        case "pull": {
          const a = args as { id: number; full: boolean };
          return mockPull(a.id, a.full);
        }
        case "cancel_pull":
          stoppedPulls.add((args as { id: number }).id);
          return null;
        case "open_demo":
          inDemo = true;
          empty = false;
          return connections;
        case "leave_demo":
          inDemo = false;
          return null;
        case "quit_anyway":
          return null;
        default: {
          // `null` is an answer: only `undefined` passes the command on.
          for (const handle of [syncCommand, migrateCommand, settingsCommand]) {
            const answer = handle(cmd, args);
            if (answer !== undefined) return answer;
          }
          const answer = workspaceCommand(cmd, args, connections, records.length);
          if (answer !== undefined) return answer;
          throw { code: "not_found", message: `unknown command ${cmd}` } satisfies ErrorPayload;
        }
      }
    },
    { shouldMockEvents: true },
  );
}
