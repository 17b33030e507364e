import type { ReactNode } from "react";
import type { MigrationPlan } from "../../bindings/MigrationPlan";
import type { ObjectType } from "../../bindings/ObjectType";
import { activityKindPlural, countOf, formatCount, objectTypeName } from "../../format";

/** The Objects step: each object type the source holds, with how many records it has (activities
 *  kind by kind), ticked to take part in the migration. */
export function ObjectsStep({
  plan,
  dropped,
  onDropped,
  sourceLabel,
  targetLabel,
}: {
  plan: MigrationPlan;
  dropped: ObjectType[];
  onDropped: (dropped: ObjectType[]) => void;
  sourceLabel: ReactNode;
  targetLabel: ReactNode;
}) {
  const count = (t: ObjectType) =>
    plan.source_counts.filter((c) => c.object_type === t).reduce((sum, c) => sum + c.count, 0);
  const kinds = plan.source_counts.filter((c) => c.object_type === "activity" && c.kind && c.count > 0);
  return (
    <fieldset className="objects">
      <legend>
        From {sourceLabel} to {targetLabel}, parents first so links carry across.
      </legend>
      {plan.objects.map((o) => (
        <div key={o.source_object} className="object-choice">
          <label className="inline check-row">
            <input
              type="checkbox"
              data-testid={`object-${o.source_object}`}
              checked={!dropped.includes(o.source_object)}
              onChange={(e) =>
                onDropped(
                  e.target.checked
                    ? dropped.filter((d) => d !== o.source_object)
                    : [...dropped, o.source_object],
                )
              }
            />{" "}
            {objectTypeName(o.source_object)} → {objectTypeName(o.target_object)}{" "}
            <span className="muted">
              ({countOf(count(o.source_object), "record")}, {countOf(o.fields.length, "field")} mapped)
            </span>
          </label>
          {o.source_object === "activity" && kinds.length > 0 ? (
            <ul className="kind-counts" aria-label="Activities by kind" data-testid="activity-kinds">
              {kinds.map((k) => (
                <li key={k.kind}>
                  {formatCount(k.count)} {activityKindPlural[k.kind!]}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
    </fieldset>
  );
}
