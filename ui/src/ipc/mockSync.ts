// The mock's sync: pairs with rules, runs that emit progress, deletions carried across (with undo), and
// a Conflicts inbox a pick settles.
// For UI tests in a plain browser only.
import { emit } from "@tauri-apps/api/event";
import type { Conflict } from "../bindings/Conflict";
import type { NewSyncPair } from "../bindings/NewSyncPair";
import type { ObjectType } from "../bindings/ObjectType";
import type { SyncPair } from "../bindings/SyncPair";
import type { SyncDeletion } from "../bindings/SyncDeletion";
import type { SyncProgress } from "../bindings/SyncProgress";
import type { SyncRun } from "../bindings/SyncRun";
import { stagesMapped } from "./mockMigrate";

const FIELDS: { [T in ObjectType]?: string[] } = {
  company: ["city", "country", "domain", "name", "phone"],
  person: ["city", "company_id", "country", "email", "first_name", "last_name", "phone", "title"],
  deal: ["amount", "close_date", "company_id", "name", "owner_id", "person_id", "stage_id"],
  lead: ["city", "country", "email", "first_name", "last_name", "phone", "title"],
};

const pairs: SyncPair[] = [];
const runs: SyncRun[] = [];
let conflicts: Conflict[] = [
  {
    id: 1,
    pair_id: 1,
    pair_name: "HubSpot — Sales EU ⇄ Salesforce — HQ",
    object_type: "person",
    a_connection: 1,
    b_connection: 3,
    a_label: "HubSpot — Sales EU",
    b_label: "Salesforce — HQ",
    a_remote_id: "51",
    b_remote_id: "0035e000000000pAAA",
    a_name: "Susan King",
    b_name: "Susan King",
    fields: [
      { field: "title", synced: "Account Executive", a: "Head of Sales", b: "VP Sales" },
      { field: "city", synced: "Singapore", a: "Johor Bahru", b: "Kuala Lumpur" },
      { field: "company_id", synced: "14", a: "31", b: "22" },
    ],
    link_names: { "14": "Bluth Company", "22": "Bluth Holdings", "31": "Bluth Company Asia" },
    deleted_side: null,
    created_at: "2026-11-29T16:20:00.000Z",
  },
  {
    id: 2,
    pair_id: 1,
    pair_name: "HubSpot — Sales EU ⇄ Salesforce — HQ",
    object_type: "person",
    a_connection: 1,
    b_connection: 3,
    a_label: "HubSpot — Sales EU",
    b_label: "Salesforce — HQ",
    a_remote_id: "77",
    b_remote_id: "0035e00000000aZAAA",
    a_name: "Oscar Pratt",
    b_name: "Oscar Pratt",
    fields: [],
    link_names: {},
    deleted_side: "a",
    created_at: "2026-11-30T09:05:00.000Z",
  },
];
const deletions: SyncDeletion[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(id: number) {
  const started_at = new Date().toISOString();
  const base: SyncProgress = {
    pair_id: id,
    run_id: runs.length + 1,
    phase: "pulling",
    object_type: null,
    sent: 0,
    planned: 0,
    counts: { created: 0, updated: 0, unchanged: 0, failed: 0, conflicts: 0, deleted: 0 },
    rate: 0,
    eta_seconds: null,
    message: null,
  };
  await emit("sync-progress", base);
  await sleep(200);
  for (let sent = 100; sent <= 400; sent += 100) {
    await emit("sync-progress", {
      ...base,
      phase: "sending",
      object_type: "person",
      sent,
      planned: 400,
      counts: { ...base.counts, created: sent - 3, failed: sent === 400 ? 3 : 0 },
      rate: 800,
      eta_seconds: (400 - sent) / 800,
    });
    await sleep(200);
  }
  const counts = {
    created: 397,
    updated: 12,
    unchanged: 1588,
    failed: 3,
    conflicts: conflicts.length,
    deleted: 1,
  };
  deletions.unshift({
    id: deletions.length + 1,
    pair_id: id,
    object_type: "person",
    side: "b",
    remote_id: "0035e00000000cQAAA",
    source_remote_id: "88",
    name: "Ines Duarte",
    deleted_at: new Date().toISOString(),
    undone_at: null,
    restored_id: null,
  });
  runs.unshift({
    id: runs.length + 1,
    pair_id: id,
    status: "succeeded",
    started_at,
    finished_at: new Date().toISOString(),
    counts,
    error: null,
  });
  await emit("sync-progress", { ...base, phase: "done", counts });
  return { run_id: runs[0]!.id, status: "succeeded", counts };
}

/** The answer to a sync command, or undefined when `cmd` is not one. */
export function syncCommand(cmd: string, args: unknown): Promise<unknown> | unknown {
  const a = args as { [key: string]: unknown };
  switch (cmd) {
    case "sync_pairs":
      return pairs;
    case "suggest_sync_pair":
      return {
        name: "HubSpot — Sales EU ⇄ Salesforce — HQ",
        a: a.a as number,
        b: a.b as number,
        objects: (["company", "person", ...(stagesMapped() ? ["deal"] : [])] as ObjectType[]).map(
          (object_type) => ({
            object_type,
            fields: {},
            default_rule: "two_way",
            scope: [],
            create_in_a: true,
            create_in_b: true,
            deletions: "dont_carry",
            across: [],
          }),
        ),
        conflicts: "most_recent",
        every_minutes: null,
      } satisfies NewSyncPair;
    case "id_fields":
      return a.connection === 1 ? [{ name: "custom.salesforce_id", label: "Salesforce ID" }] : [];
    case "sync_fields":
      return FIELDS[a.objectType as ObjectType] ?? [];
    case "field_options":
      return a.objectType === "person"
        ? {
            lead_status: [
              "NEW",
              "OPEN",
              "IN_PROGRESS",
              "OPEN_DEAL",
              "UNQUALIFIED",
              "ATTEMPTED_TO_CONTACT",
              "CONNECTED",
              "BAD_TIMING",
            ],
            lifecycle_stage: [
              "subscriber",
              "lead",
              "marketingqualifiedlead",
              "salesqualifiedlead",
              "opportunity",
              "customer",
              "evangelist",
              "other",
            ],
          }
        : {};
    case "suggest_lead_sync":
      return {
        object_type: "lead",
        b_object_type: "person",
        fields: {},
        default_rule: "two_way",
        scope: [],
        create_in_a: false,
        create_in_b: true,
        deletions: "dont_carry",
        id_in_a: null,
        id_in_b: null,
        across: [
          {
            a: "status",
            b: "lead_status",
            rule: "two_way",
            values: {
              "Closed - Converted": "OPEN_DEAL",
              "Closed - Not Converted": "UNQUALIFIED",
              "Open - Not Contacted": "NEW",
              "Working - Contacted": "IN_PROGRESS",
            },
          },
          {
            a: "status",
            b: "lifecycle_stage",
            rule: "always_a",
            values: {
              "Closed - Converted": "opportunity",
              "Closed - Not Converted": "other",
              "Open - Not Contacted": "lead",
              "Working - Contacted": "salesqualifiedlead",
            },
          },
        ],
      };
    case "add_sync_pair": {
      const pair = { ...(a.pair as NewSyncPair), id: pairs.length + 1, created_at: new Date().toISOString() };
      pairs.push(pair);
      return pair;
    }
    case "update_sync_pair": {
      const i = pairs.findIndex((p) => p.id === a.id);
      pairs[i] = { ...pairs[i]!, ...(a.pair as NewSyncPair) };
      return pairs[i];
    }
    case "remove_sync_pair":
      pairs.splice(
        pairs.findIndex((p) => p.id === a.id),
        1,
      );
      return null;
    case "run_sync":
      return run(a.id as number);
    case "cancel_sync":
      return null;
    case "sync_runs":
      return runs;
    case "conflicts":
      return conflicts;
    case "resolve_conflict": {
      const settled = conflicts.find((c) => c.id === a.id);
      conflicts = conflicts.filter((c) => c.id !== a.id);
      const picks = a.picks as { [field: string]: string };
      const deleted = settled?.deleted_side && picks.record === settled.deleted_side ? 1 : 0;
      return {
        created: 0,
        updated: settled?.deleted_side ? 0 : 2,
        unchanged: 0,
        failed: 0,
        conflicts: 0,
        deleted,
      };
    }
    case "sync_deletions":
      return deletions.filter((d) => a.pair == null || d.pair_id === a.pair);
    case "undo_sync_deletion": {
      const d = deletions.find((x) => x.id === a.id)!;
      d.undone_at = new Date().toISOString();
      d.restored_id = "0035e00000000dRAAA";
      return d;
    }
    default:
      return undefined;
  }
}

export const openConflicts = () => conflicts.length;
