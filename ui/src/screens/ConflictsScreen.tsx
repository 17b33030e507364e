import { useCallback, useState } from "react";
import type { Conflict } from "../bindings/Conflict";
import type { Side } from "../bindings/Side";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { countOf, formatTime, objectTypeName } from "../format";
import { api } from "../ipc";
import { fieldLabel, shown } from "./duplicates/fields";
import { DeletionConflictCard } from "./sync/DeletionConflictCard";

/** One record pair: every field both sides changed, with the value before and each side's; a pick per field. */
function ConflictCard({ conflict, onSettled }: { conflict: Conflict; onSettled: (message: string) => void }) {
  const [picks, setPicks] = useState<{ [field: string]: Side }>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const complete = conflict.fields.every((f) => picks[f.field]);
  const all = (side: Side) => setPicks(Object.fromEntries(conflict.fields.map((f) => [f.field, side])));
  const apply = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const c = await api.resolveConflict(conflict.id, picks);
      onSettled(
        c.failed
          ? `${conflict.a_name}: ${c.failed} write refused — see Failed records.`
          : `${conflict.a_name}: settled, ${countOf(c.updated, "record")} updated.`,
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  // A link field holds a record's id: show the record's name with it.
  const named = (value: unknown) => {
    const name = typeof value === "string" ? conflict.link_names[value] : undefined;
    return name ? (
      <>
        {name} <span className="mono muted">{value as string}</span>
      </>
    ) : (
      shown(value) || <span className="muted">(blank)</span>
    );
  };
  const cell = (side: Side, value: unknown, field: string) => (
    <td className={picks[field] === side ? "pick picked" : "pick"}>
      <label>
        <input
          type="radio"
          name={`${conflict.id}-${field}`}
          checked={picks[field] === side}
          onChange={() => setPicks({ ...picks, [field]: side })}
          data-testid={`pick-${side}-${field}`}
        />{" "}
        {named(value)}
      </label>
    </td>
  );
  return (
    <article className="panel conflict" data-testid="conflict">
      <div className="pair-head">
        <div>
          <h2>
            {objectTypeName(conflict.object_type)} {conflict.a_name}
          </h2>
          <p className="muted">
            {conflict.pair_name} · both sides changed {countOf(conflict.fields.length, "field")} since the
            last sync · found {formatTime(conflict.created_at)}
          </p>
        </div>
        <div className="actions">
          <button onClick={() => all("a")}>Use {conflict.a_label} for all</button>
          <button onClick={() => all("b")}>Use {conflict.b_label} for all</button>
        </div>
      </div>
      <ErrorBanner error={error} />
      <table className="grid conflict-fields">
        <thead>
          <tr>
            <th>Field</th>
            <th>Before (last synced)</th>
            <th>
              {conflict.a_label} <span className="mono muted">{conflict.a_remote_id}</span>
            </th>
            <th>
              {conflict.b_label} <span className="mono muted">{conflict.b_remote_id}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {conflict.fields.map((f) => (
            <tr key={f.field}>
              <td>{fieldLabel(f.field)}</td>
              <td className="muted">{named(f.synced)}</td>
              {cell("a", f.a, f.field)}
              {cell("b", f.b, f.field)}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button
          className="primary"
          onClick={() => void apply()}
          disabled={!complete || busy}
          data-testid="settle"
        >
          {busy ? "Writing…" : complete ? "Apply picks" : "Pick a side for every field"}
        </button>
      </div>
    </article>
  );
}

export function ConflictsScreen({ onChanged }: { onChanged?: () => void }) {
  const load = useCallback(() => api.conflicts(), []);
  const { data, error, reload } = useCommand(load);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  return (
    <section>
      <header className="screen-head">
        <h1>Conflicts</h1>
        <p className="lede">
          A field both CRMs changed since the last sync, where the pair's rules cannot tell which change
          should win, or a record deleted on one side that the pair asks about before deleting it on the
          other. Nothing is written for it until you pick; the other fields keep syncing.
        </p>
      </header>
      <ErrorBanner error={error} />
      {notice ? (
        <p className="notice" role="status" data-testid="conflict-notice">
          {notice}
        </p>
      ) : null}
      {data && data.length === 0 ? (
        <EmptyState title="No conflicts">
          <p>
            When both sides of a sync pair change the same field of the same record, and the pair is set to
            ask, or the change times are equal, the record waits here with both values and the one before.
          </p>
        </EmptyState>
      ) : null}
      {(data ?? []).map((c) => {
        const onSettled = (m: string) => {
          setNotice(m);
          reload();
          onChanged?.();
        };
        return c.deleted_side ? (
          <DeletionConflictCard key={c.id} conflict={c} onSettled={onSettled} />
        ) : (
          <ConflictCard key={c.id} conflict={c} onSettled={onSettled} />
        );
      })}
    </section>
  );
}
