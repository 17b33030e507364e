import type { Connection } from "../bindings/Connection";
import type { ConnectionId } from "../bindings/ConnectionId";

/** A list filter by connection: one of them, or "" for all. */
export function ConnectionFilter({
  connections,
  value,
  onChange,
}: {
  connections: Connection[];
  value: ConnectionId | "";
  onChange: (value: ConnectionId | "") => void;
}) {
  return (
    <label>
      Connection
      <select value={value} onChange={(e) => onChange(e.target.value === "" ? "" : Number(e.target.value))}>
        <option value="">All connections</option>
        {connections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}
