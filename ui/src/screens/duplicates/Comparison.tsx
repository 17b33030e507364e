import type { DuplicateGroup } from "../../bindings/DuplicateGroup";
import type { MergePreview } from "../../bindings/MergePreview";
import type { PairExplanation } from "../../bindings/PairExplanation";
import type { RecordId } from "../../bindings/RecordId";
import { Breakable } from "../../components/Breakable";
import { ProviderBadge } from "../../components/ProviderBadge";
import { comparedInWords } from "./compared";
import { RULE_LABEL, fieldLabel, fieldsOf, percent, shown } from "./fields";

/**
 * The group's records side by side, differing fields highlighted, with the merged record as planned in
 * the last column. A click on a value picks it for the merged record; "Keep" picks the record to keep.
 */
export function Comparison({
  group,
  preview,
  onKeep,
  onPick,
}: {
  group: DuplicateGroup;
  preview: MergePreview | undefined;
  onKeep: (id: RecordId) => void;
  onPick: (field: string, value: unknown) => void;
}) {
  const fields = fieldsOf(group.members.map((m) => m.record.fields));
  const planned = new Map((preview?.fields ?? []).map((f) => [f.field, f]));
  return (
    <table className="grid comparison" data-testid="comparison">
      <thead>
        <tr>
          <th>Field</th>
          {group.members.map((m) => (
            <th key={m.record.id}>
              <ProviderBadge provider={m.provider} />{" "}
              <span className="muted small">{m.connection_label}</span>
              <div className="mono small muted">{m.record.remote_id}</div>
              <label className="keep small">
                <input
                  type="radio"
                  name={`keep-${group.id}`}
                  checked={preview?.master === m.record.id}
                  onChange={() => onKeep(m.record.id)}
                  data-testid="keep"
                  aria-label={`Keep the ${m.connection_label} record ${m.record.display_name} (${m.record.remote_id})`}
                />{" "}
                Keep this record
              </label>
            </th>
          ))}
          <th className="merged-head">Merged record</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((key) => {
          const values = group.members.map((m) => shown(m.record.fields[key]));
          const present = values.filter((v) => v !== "");
          const differs = new Set(present.map((v) => v.trim().toLowerCase())).size > 1;
          const plan = planned.get(key);
          return (
            <tr
              key={key}
              className={differs ? "differs" : undefined}
              data-testid={differs ? "differs" : undefined}
            >
              <th scope="row">
                {fieldLabel(key)}
                {/* Not by colour alone: a differing row says so in text too. */}
                {differs ? (
                  <span className="differs-mark" title="The records differ here">
                    {" "}
                    ≠<span className="sr-only"> (differs)</span>
                  </span>
                ) : null}
              </th>
              {group.members.map((m) => {
                const v = shown(m.record.fields[key]);
                if (v === "")
                  return (
                    <td key={m.record.id} className="blank">
                      —
                    </td>
                  );
                const picked = plan?.from === m.record.id;
                return (
                  <td key={m.record.id} className={picked ? "picked" : undefined}>
                    {differs ? (
                      <button
                        className="pick"
                        aria-pressed={picked}
                        title="Use this value in the merged record"
                        onClick={() => onPick(key, m.record.fields[key])}
                        data-testid={`pick-${key}`}
                      >
                        <Breakable text={v} />
                      </button>
                    ) : (
                      <Breakable text={v} />
                    )}
                  </td>
                );
              })}
              <td className="merged" data-testid={`merged-${key}`}>
                {plan ? (
                  <>
                    <strong>
                      <Breakable text={shown(plan.value) || "—"} />
                    </strong>{" "}
                    {differs ? (
                      <span className="muted small">{RULE_LABEL[plan.rule] ?? plan.rule}</span>
                    ) : null}
                  </>
                ) : (
                  "…"
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const AGREEMENT_LABEL: { [a: string]: string } = {
  exact: "same",
  close: "nearly the same",
  partial: "similar",
  different: "different",
  missing: "missing on one side",
};

/** Why two members matched: each field's agreement and how much it weighed. */
export function Why({ group, pair }: { group: DuplicateGroup; pair: PairExplanation }) {
  const member = (id: number) => group.members.find((m) => m.record.id === id);
  const name = (id: number) => member(id)?.record.display_name ?? `#${id}`;
  const value = (id: number, column: string) => shown(member(id)?.record.fields[column]);
  const strongest = Math.max(1, ...pair.evidence.map((e) => Math.abs(e.weight)));
  return (
    <div className="why" data-testid="why">
      <h3>
        {name(pair.a)} ↔ {name(pair.b)}: {percent(pair.probability)} likely the same
      </h3>
      <table className="grid evidence">
        <tbody>
          {pair.evidence.map((e) => (
            <tr key={e.column}>
              <th scope="row">{fieldLabel(e.column)}</th>
              <td className={`agreement agreement-${e.agreement}`}>
                {e.agreement === "exact" && value(pair.a, e.column).trim() !== value(pair.b, e.column).trim()
                  ? "same after cleanup"
                  : (AGREEMENT_LABEL[e.agreement] ?? e.agreement)}
              </td>
              <td className="compared" data-testid={`compared-${e.column}`}>
                {comparedInWords(
                  e.column,
                  e.agreement,
                  value(pair.a, e.column),
                  value(pair.b, e.column),
                  e.left,
                  e.right,
                )}
              </td>
              <td className="weight">
                <span
                  className={e.weight >= 0 ? "bar for" : "bar against"}
                  style={{ width: `${(Math.abs(e.weight) / strongest) * 100}%` }}
                />
              </td>
              <td className="num small">
                {e.agreement === "missing" ? "" : `${e.weight >= 0 ? "+" : ""}${e.weight.toFixed(1)}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Each bar is how strongly the field points to one entity (green) or two (red), weighed on this
        workspace's own data: agreeing on a rare value counts more than on a common one.
      </p>
    </div>
  );
}
