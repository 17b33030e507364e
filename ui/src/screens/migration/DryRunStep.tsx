import { useMemo, useState } from "react";
import type { DryRun } from "../../bindings/DryRun";
import type { MigrationAction } from "../../bindings/MigrationAction";
import type { PlannedItem } from "../../bindings/PlannedItem";
import type { CreatedField } from "../../bindings/CreatedField";
import type { MigrationPlan } from "../../bindings/MigrationPlan";
import { countOf, formatCount, objectTypeName } from "../../format";
import { CreateFields } from "./CreateField";

type Filter = "all" | "problems" | MigrationAction;
const SHOWN = 300;

/** A record's values in a line: custom fields by a short key, the first few only. */
function shownValues(fields: PlannedItem["fields"]): string {
  const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const flat = Object.entries(fields).flatMap(([k, v]) =>
    k === "custom" && v && typeof v === "object"
      ? Object.entries(v).map(([ck, cv]) => [ck.length > 12 ? `${ck.slice(0, 8)}…` : ck, cv] as const)
      : [[k, v] as const],
  );
  return flat
    .slice(0, 5)
    .map(([k, v]) => `${k}: ${text(v)}`)
    .join(" · ");
}

/** What the run will do with every record, errors first, and what it will cost; a field the target
 *  lacks can be created there from here (the dry run then runs again). */
export function DryRunStep({
  dry,
  plan,
  targetLabel,
  onFieldCreated,
}: {
  dry: DryRun;
  plan: MigrationPlan;
  targetLabel: string;
  /** A field was created for the rules reading `from` of `object`: map them to it and dry-run again. */
  onFieldCreated: (
    object: MigrationPlan["objects"][number]["source_object"],
    from: string,
    created: CreatedField,
  ) => void;
}) {
  const [filter, setFilter] = useState<Filter>("all");
  const items = useMemo(
    () =>
      dry.items.filter((i) =>
        filter === "all"
          ? true
          : filter === "problems"
            ? i.problems.length > 0
            : i.action === filter && !i.unchanged,
      ),
    [dry, filter],
  );
  const minutes = dry.seconds >= 90 ? `${Math.ceil(dry.seconds / 60)} min` : `${Math.ceil(dry.seconds)} s`;
  return (
    <>
      <div className="summary-line" data-testid="dry-run-summary">
        <strong>Nothing was written.</strong> The run will{" "}
        {Object.entries(dry.counts)
          .map(([action, n]) =>
            action === "unchanged" ? `leave ${formatCount(n)} as they are` : `${action} ${formatCount(n)}`,
          )
          .join(", ")}
        ; {countOf(dry.with_problems, "record")} cannot be written as they are. About{" "}
        {countOf(dry.api_calls, "API call")}, {minutes} at the target's rate limit.
      </div>
      {[...new Set(dry.missing_fields.map((m) => m.source_object))].map((object) => {
        const missing = dry.missing_fields.filter((m) => m.source_object === object);
        return (
          <div key={object} className="panel" data-testid={`missing-fields-${object}`}>
            <h3>
              {objectTypeName(object)}: fields {targetLabel} does not have (
              {missing.map((m) => m.target).join(", ")})
            </h3>
            <CreateFields
              fields={[...new Set(missing.map((m) => m.source))]}
              source={{ connection: plan.source, object }}
              target={{ connection: plan.target, object: missing[0]!.target_object }}
              targetLabel={targetLabel}
              intro={`The plan fills these from the source fields below; records holding a value for them are not written until ${targetLabel} has the field.`}
              onCreated={(from, created) => onFieldCreated(object, from, created)}
            />
          </div>
        );
      })}
      <div className="toolbar">
        {(["all", "problems", "create", "update", "link", "skip"] as Filter[]).map((f) => (
          <button key={f} className={filter === f ? "primary" : ""} onClick={() => setFilter(f)}>
            {f === "all"
              ? "All"
              : f === "problems"
                ? "With problems"
                : f.charAt(0).toUpperCase() + f.slice(1)}
          </button>
        ))}
        <span className="muted">
          {items.length > SHOWN
            ? `first ${SHOWN} of ${formatCount(items.length)}`
            : countOf(items.length, "record")}
        </span>
      </div>
      <table className="grid compact" data-testid="dry-run-items">
        <thead>
          <tr>
            <th>Object</th>
            <th>Record</th>
            <th>Does</th>
            <th>Target record</th>
            <th>Values or problems</th>
          </tr>
        </thead>
        <tbody>
          {items.slice(0, SHOWN).map((i) => (
            <tr key={`${i.object_type}-${i.source_remote_id}`} className={i.problems.length ? "problem" : ""}>
              <td>{objectTypeName(i.object_type)}</td>
              <td>
                {i.name} <span className="muted">{i.source_remote_id}</span>
              </td>
              <td>{i.unchanged ? "nothing (up to date)" : i.action}</td>
              <td>{i.target_remote_id ?? (i.action === "create" ? "(new)" : "")}</td>
              <td className="values">
                {i.problems.length > 0
                  ? i.problems.map((p) => (
                      <div key={p.field} className="alert-text">
                        <code>{p.field}</code>: {p.message}
                      </div>
                    ))
                  : shownValues(i.fields)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
