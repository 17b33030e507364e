import type { Transform } from "../../bindings/Transform";

type ValueMapTransform = Extract<Transform, { kind: "value_map" }>;

/** One of the target picklist's values, or none ("as it is"). */
function TargetValue({
  label,
  value,
  target,
  onChange,
}: {
  label: string;
  value: string;
  target: string[];
  onChange: (value: string) => void;
}) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">(as it is)</option>
      {target.map((to) => (
        <option key={to} value={to}>
          {to}
        </option>
      ))}
    </select>
  );
}

/** A value map chosen from drop-downs: each value of the source picklist, and the target picklist's
 *  value it becomes (left unchosen, a value goes across as it is, or as "otherwise" when set). */
export function ValueMap({
  t,
  source,
  target,
  onChange,
}: {
  t: ValueMapTransform;
  source: string[];
  target: string[];
  onChange: (t: ValueMapTransform) => void;
}) {
  const set = (from: string, to: string) => {
    const map = { ...t.map };
    if (to) map[from] = to;
    else delete map[from];
    onChange({ ...t, map });
  };
  return (
    <table className="value-map" data-testid="value-map">
      <tbody>
        {source.map((from) => (
          <tr key={from}>
            <td className="mono">{from}</td>
            <td aria-hidden="true">→</td>
            <td>
              <TargetValue
                label={`value for ${from}`}
                value={t.map[from] ?? ""}
                target={target}
                onChange={(to) => set(from, to)}
              />
            </td>
          </tr>
        ))}
        <tr>
          <td className="muted">any other value</td>
          <td aria-hidden="true">→</td>
          <td>
            <TargetValue
              label="value for any other"
              value={t.otherwise ?? ""}
              target={target}
              onChange={(to) => onChange({ ...t, otherwise: to || null })}
            />
          </td>
        </tr>
      </tbody>
    </table>
  );
}
