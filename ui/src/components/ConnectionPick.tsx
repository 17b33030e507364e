import type { Connection } from "../bindings/Connection";

/** A labelled choice of one connection by its name. */
export function ConnectionPick({
  label,
  name,
  connections,
  value,
  onChange,
  className = "stacked",
}: {
  label: string;
  name: string;
  connections: Connection[];
  value: number;
  onChange: (id: number) => void;
  className?: string;
}) {
  return (
    <label className={className}>
      {label}{" "}
      <select aria-label={name} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {connections
          .filter((c) => !c.archived_at || c.id === value)
          .map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
              {c.archived_at ? " (removed)" : ""}
            </option>
          ))}
      </select>
    </label>
  );
}
