import type { ScopeCondition } from "../../bindings/ScopeCondition";
import { fieldLabel } from "../duplicates/fields";

const OPS: { op: ScopeCondition["op"]; label: string }[] = [
  { op: "is_set", label: "has a value" },
  { op: "equals", label: "is" },
  { op: "contains", label: "contains" },
];

function withOp(c: ScopeCondition, op: ScopeCondition["op"]): ScopeCondition {
  const value = "value" in c ? c.value : "";
  return op === "is_set" ? { op, field: c.field } : { op, field: c.field, value };
}

/** Which records of an object type a pair syncs: every condition must hold (none: every record). */
export function ScopeEditor({
  fields,
  scope,
  onChange,
  testId,
}: {
  fields: string[];
  scope: ScopeCondition[];
  onChange: (scope: ScopeCondition[]) => void;
  testId: string;
}) {
  const set = (i: number, c: ScopeCondition) => onChange(scope.map((old, j) => (j === i ? c : old)));
  return (
    <div className="scope" data-testid={testId}>
      <p className="small">
        {scope.length === 0
          ? "Every record is synced."
          : "Only records where every one of these holds are synced (a linked pair is synced while either side holds them):"}
      </p>
      {scope.map((c, i) => (
        <div key={i} className="scope-row">
          <select
            value={c.field}
            onChange={(e) => set(i, { ...c, field: e.target.value })}
            aria-label="Field"
          >
            {fields.map((f) => (
              <option key={f} value={f}>
                {fieldLabel(f)}
              </option>
            ))}
          </select>
          <select
            value={c.op}
            onChange={(e) => set(i, withOp(c, e.target.value as ScopeCondition["op"]))}
            aria-label="Test"
          >
            {OPS.map((o) => (
              <option key={o.op} value={o.op}>
                {o.label}
              </option>
            ))}
          </select>
          {"value" in c ? (
            <input
              value={c.value}
              placeholder="value (case aside)"
              onChange={(e) => set(i, { ...c, value: e.target.value })}
              aria-label="Value"
            />
          ) : null}
          <button onClick={() => onChange(scope.filter((_, j) => j !== i))} aria-label="Remove condition">
            Remove
          </button>
        </div>
      ))}
      <button
        onClick={() =>
          onChange([
            ...scope,
            { op: "is_set", field: fields.includes("email") ? "email" : (fields[0] ?? "name") },
          ])
        }
        disabled={fields.length === 0}
        data-testid={`${testId}-add`}
      >
        Add a condition
      </button>
    </div>
  );
}
