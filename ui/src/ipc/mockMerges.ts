// The mock's merges: a plan like the engine's (keep the picked or most complete record, fill its blanks,
// a person's picks win) and a history that undo puts back. For UI tests in a plain browser only.
import type { DuplicateGroup } from "../bindings/DuplicateGroup";
import type { DuplicateGroupRow } from "../bindings/DuplicateGroupRow";
import type { MergeChoice } from "../bindings/MergeChoice";
import type { MergeEntry } from "../bindings/MergeEntry";
import type { MergePreview } from "../bindings/MergePreview";
import type { PlannedField } from "../bindings/PlannedField";
import { displayNameOf } from "../format";

export interface MockGroup {
  row: DuplicateGroupRow;
  detail: DuplicateGroup;
}

const filled = (fields: { [k: string]: unknown }) =>
  Object.values(fields).filter((v) => v !== "" && v != null).length;

export function previewOf(group: MockGroup, choice: MergeChoice): MergePreview {
  const members = group.detail.members;
  const mostComplete = members.reduce(
    (best, m) => (filled(m.record.fields) > filled(best.record.fields) ? m : best),
    members[0]!,
  );
  const rule = choice.rule;
  const preferred = rule.rule === "prefer" ? members.find((m) => m.provider === rule.provider) : undefined;
  const master = choice.master ?? (preferred ?? mostComplete).record.id;
  const kept = members.find((m) => m.record.id === master)!;
  const keys = [...new Set(members.flatMap((m) => Object.keys(m.record.fields)))].sort();
  const fields: PlannedField[] = keys.map((field) => {
    if (field in choice.overrides) {
      const value = choice.overrides[field];
      const from = members.find((m) => m.record.fields[field] === value)?.record.id ?? null;
      return { field, value, from, rule: "override" };
    }
    const source = [kept, ...members].find((m) => {
      const v = m.record.fields[field];
      return v !== undefined && v !== null && v !== "";
    });
    return {
      field,
      value: source?.record.fields[field] ?? null,
      from: source?.record.id ?? null,
      rule: "fill_blanks",
    };
  });
  const others = members.filter((m) => m.record.id !== master);
  const actions = others.map((m) =>
    m.provider === kept.provider
      ? `Merge “${m.record.display_name}” into “${kept.record.display_name}” in ${m.connection_label}; ${m.connection_label.split(" ")[0]} deletes “${m.record.display_name}” and moves 3 contacts, 1 deal and 12 activities`
      : `Link “${m.record.display_name}” in ${m.connection_label} with “${kept.record.display_name}” (no record is deleted across CRMs)`,
  );
  actions.push(`Update the fields of “${kept.record.display_name}” to the merged record`);
  const after = mergedName(fields);
  if (after && after !== kept.record.display_name)
    actions.push(`Rename “${kept.record.display_name}” to “${after}”, the name chosen for the merged record`);
  return { group_id: group.row.id, master, fields, actions };
}

/** The kept record's name after the merge, as the engine names it (a picked name wins). */
const mergedName = (fields: PlannedField[]) =>
  displayNameOf(Object.fromEntries(fields.map((f) => [f.field, f.value])));

export function entryOf(id: number, group: MockGroup, preview: MergePreview): MergeEntry {
  const members = group.detail.members;
  const kept = members.find((m) => m.record.id === preview.master)!;
  return {
    id,
    group_id: group.row.id,
    object_type: group.row.object_type,
    status: "applied",
    merged_by: "maria",
    applied_at: "2026-11-30T10:15:00.000Z",
    undone_at: null,
    error: null,
    master: preview.master,
    master_name: mergedName(preview.fields) ?? kept.record.display_name,
    members: members.map((m) => ({
      record_id: m.record.id,
      connection_id: m.record.connection_id,
      connection_label: m.connection_label,
      provider: m.provider,
      object_type: m.record.object_type,
      remote_id: m.record.remote_id,
      display_name: m.record.display_name,
      role: m.record.id === preview.master || m.provider !== kept.provider ? "kept" : "merged",
      fields: m.record.fields,
      children:
        m.record.id === preview.master
          ? []
          : [
              {
                record_id: 9000 + m.record.id,
                object_type: "deal",
                remote_id: `d${m.record.id}`,
                field: "person_id",
              },
            ],
    })),
    fields: preview.fields,
  };
}
