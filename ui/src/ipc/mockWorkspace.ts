// Canned answers for connections' life (remove, sign in again) and the workspace's safety nets (audit
// log, backups), for UI tests in a plain browser.
import type { AuditEntry } from "../bindings/AuditEntry";
import type { AuditQuery } from "../bindings/AuditQuery";
import type { BackupFile } from "../bindings/BackupFile";
import type { Connection } from "../bindings/Connection";
import type { DisconnectPreview } from "../bindings/DisconnectPreview";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { MirroredObject } from "../bindings/MirroredObject";

const DIR = "/home/demo/.local/share/com.crmbridge.desktop/backups";

const audit: AuditEntry[] = [
  [
    1,
    "2026-11-02T16:20:00.000Z",
    "disconnect",
    4,
    "Pipedrive “Pipedrive — EMEA (old)” archived; its records removed from the mirror",
    1204,
  ],
  [
    2,
    "2026-11-28T10:02:00.000Z",
    "migration_run",
    1,
    "migration 2 “Close to HubSpot” run 1: 812 created, 40 updated, 3 linked, 2 failed",
    855,
  ],
  [3, "2026-11-29T14:30:00.000Z", "bulk_merge", null, "31 groups merged, 0 refused", 31],
  [4, "2026-11-30T09:12:00.000Z", "merge", 1, "merge 7: person William Smith kept, 1 merged into it", 2],
  [5, "2026-11-30T09:15:00.000Z", "undo_merge", 1, "merge 7 undone: person William Smith", 2],
  [
    6,
    "2026-12-01T08:00:00.000Z",
    "sync_run",
    1,
    "sync “HubSpot ⇄ Close” run 12 succeeded: 4 created, 19 updated, 0 failed, 1 conflicts",
    23,
  ],
  [
    7,
    "2026-12-02T17:45:00.000Z",
    "discard_failed",
    null,
    "failed records discarded: test data, not a customer",
    3,
  ],
].map(([id, at, action, connection_id, subject, count]) => ({
  id: id as number,
  at: at as string,
  actor: "dana",
  action: action as string,
  connection_id: connection_id as number | null,
  subject: subject as string,
  count: count as number,
}));

const backups: BackupFile[] = [
  ["2026-12-01T07:59:58.120Z", "before-bulk-merge", 48_211_968],
  ["2026-11-28T10:01:12.004Z", "before-migration-run", 47_005_696],
  ["2026-11-02T16:19:59.870Z", "before-disconnect", 51_380_224],
].map(([taken_at, reason, bytes]) => ({
  path: `${DIR}/crm-bridge-${(taken_at as string).replace(/[-:]/g, "")}-${reason}.sqlite3`,
  reason: reason as string,
  taken_at: taken_at as string,
  bytes: bytes as number,
}));

function log(action: string, connection_id: number | null, subject: string, count: number) {
  audit.push({
    id: audit.length + 1,
    at: new Date().toISOString(),
    actor: "dana",
    action,
    connection_id,
    subject,
    count,
  });
}

/** The custom keys chosen per connection (the company type's; none: every one). */
const mirrored = new Map<number, string[]>();

/** The answer to a workspace command, or undefined for any other command. */
export function workspaceCommand(
  cmd: string,
  args: unknown,
  connections: Connection[],
  records: number,
): unknown {
  const find = (id: number) => {
    const c = connections.find((c) => c.id === id);
    if (!c) throw { code: "not_found", message: `connection ${id} does not exist` } satisfies ErrorPayload;
    return c;
  };
  switch (cmd) {
    case "custom_objects":
      return [];
    case "mirrored_fields": {
      const a = args as { connection: number };
      find(a.connection);
      const chosen = mirrored.get(a.connection);
      const field = (key: string, label: string, neededBy: string | null = null, standard = false) => ({
        key,
        label,
        mirrored: neededBy !== null || (chosen ? chosen.includes(key) : !standard),
        standard,
        needed_by: neededBy,
      });
      return [
        {
          object_type: "company",
          all: !chosen,
          fields: [
            field("lead_source_detail", "Lead source detail"),
            field("tier", "Tier", "the field mapping with Salesforce — HQ"),
            field("region", "Region"),
            field("Description", "Account Description", null, true),
            field("AnnualRevenue", "Annual Revenue", null, true),
          ],
        },
        { object_type: "person", all: true, fields: [] },
      ] satisfies MirroredObject[];
    }
    case "choose_mirrored_fields": {
      const a = args as { connection: number; keys: string[] | null };
      if (a.keys === null) mirrored.delete(a.connection);
      else mirrored.set(a.connection, [...new Set([...a.keys, "tier"])].sort());
      return mirrored.get(a.connection) ?? null;
    }
    case "disconnect_preview":
    case "disconnect": {
      const a = args as { id: number; keepRecords?: boolean };
      const c = find(a.id);
      const preview: DisconnectPreview = {
        connection_id: c.id,
        label: c.label,
        records: Math.round(records / 3),
        merges: 7,
        migrations: 2,
        sync_pairs: 1,
        failed_records: 3,
      };
      if (cmd === "disconnect") {
        c.archived_at = new Date().toISOString();
        c.secret_ref = null;
        log("disconnect", c.id, `“${c.label}” archived`, a.keepRecords ? 0 : preview.records);
      }
      return preview;
    }
    case "reconnect_with_key":
    case "reconnect_with_browser": {
      const a = args as { id: number; apiKey?: string };
      const c = find(a.id);
      if (a.apiKey === "other-account") {
        throw {
          code: "invalid_input",
          message: `invalid account: this sign-in reaches the account “Other Inc.” (555), but connection #${c.id} is “${c.label}” (${c.account_id}); sign in to that account, or add the other one as a new connection`,
        } satisfies ErrorPayload;
      }
      c.archived_at = null;
      c.secret_ref = `keyring:again-${c.id}`;
      log("reconnect", c.id, `“${c.label}”`, 0);
      return c;
    }
    case "audit_log": {
      const q = (args as { query: AuditQuery }).query;
      return audit
        .filter((e) => !q.action || e.action === q.action)
        .filter((e) => q.connection_id === null || e.connection_id === q.connection_id)
        .slice()
        .reverse()
        .slice(0, q.limit ?? 500);
    }
    case "backups":
      return backups;
    case "restore_backup": {
      const name = (args as { name: string }).name;
      if (!backups.some((b) => b.path.endsWith(`/${name}`))) {
        throw { code: "not_found", message: `backup ${name} does not exist` } satisfies ErrorPayload;
      }
      const saved: BackupFile = {
        path: `${DIR}/crm-bridge-now-before-restore.sqlite3`,
        reason: "before-restore",
        taken_at: new Date().toISOString(),
        bytes: 49_000_000,
      };
      backups.unshift(saved);
      log("restore_backup", null, `restored ${name}`, 0);
      return saved;
    }
    default:
      return undefined;
  }
}
