import { useEffect, useState } from "react";
import type { Connection } from "../../bindings/Connection";
import type { FieldRule } from "../../bindings/FieldRule";
import type { NewSyncPair } from "../../bindings/NewSyncPair";
import type { ObjectSync } from "../../bindings/ObjectSync";
import { ErrorBanner } from "../../components/ErrorBanner";
import { objectTypeLabel } from "../../format";
import { api } from "../../ipc";
import { fieldLabel } from "../duplicates/fields";
import { RULES, ruleLabel } from "./rules";
import { ScopeEditor } from "./ScopeEditor";

/** The rules of one pair: per object type a rule for every field both CRMs share, where new records go,
 *  what settles a field both sides changed, and the schedule. */
export function PairEditor({
  initial,
  connections,
  onSave,
  onCancel,
}: {
  initial: NewSyncPair;
  connections: Map<number, Connection>;
  onSave: (pair: NewSyncPair) => Promise<void>;
  onCancel: () => void;
}) {
  const [pair, setPair] = useState(initial);
  const [fields, setFields] = useState<{ [type: string]: string[] }>({});
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const a = connections.get(pair.a)?.label ?? "A";
  const b = connections.get(pair.b)?.label ?? "B";

  useEffect(() => {
    let live = true;
    Promise.all(initial.objects.map((o) => api.syncFields(initial.a, initial.b, o.object_type)))
      .then((lists) => {
        if (live)
          setFields(Object.fromEntries(initial.objects.map((o, i) => [o.object_type, lists[i] ?? []])));
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [initial]);

  const setObject = (index: number, change: Partial<ObjectSync>) =>
    setPair({ ...pair, objects: pair.objects.map((o, i) => (i === index ? { ...o, ...change } : o)) });
  const setRule = (index: number, field: string, rule: FieldRule) => {
    const o = pair.objects[index];
    if (!o) return;
    const next = { ...o.fields };
    if (rule === o.default_rule) delete next[field];
    else next[field] = rule;
    setObject(index, { fields: next });
  };
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onSave(pair);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel pair-editor" data-testid="pair-editor">
      <h2>
        Sync rules: {a} ⇄ {b}
      </h2>
      <ErrorBanner error={error} />
      <div className="form-row">
        <label>
          Name
          <input
            className="wide"
            value={pair.name}
            onChange={(e) => setPair({ ...pair, name: e.target.value })}
          />
        </label>
        <label>
          When both sides changed a field
          <select
            value={pair.conflicts}
            onChange={(e) => setPair({ ...pair, conflicts: e.target.value as NewSyncPair["conflicts"] })}
            data-testid="conflict-policy"
          >
            <option value="most_recent">The record changed last wins</option>
            <option value="ask">Ask me in the Conflicts inbox</option>
          </select>
        </label>
        <label>
          Schedule
          <span className="inline">
            Every
            <input
              type="number"
              min={1}
              className="short"
              value={pair.every_minutes ?? ""}
              placeholder="—"
              onChange={(e) =>
                setPair({ ...pair, every_minutes: e.target.value === "" ? null : Number(e.target.value) })
              }
              data-testid="every-minutes"
            />{" "}
            minutes while the app is open (blank: only when you press Sync now)
          </span>
        </label>
      </div>
      {pair.objects.map((o, i) => (
        <fieldset key={o.object_type} className="object-rules">
          <legend>{objectTypeLabel[o.object_type]}</legend>
          <div className="form-row">
            <label className="check">
              <input
                type="checkbox"
                checked={o.create_in_b}
                onChange={(e) => setObject(i, { create_in_b: e.target.checked })}
              />
              Create in {b} what only {a} has
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={o.create_in_a}
                onChange={(e) => setObject(i, { create_in_a: e.target.checked })}
              />
              Create in {a} what only {b} has
            </label>
          </div>
          <table className="grid rules">
            <thead>
              <tr>
                <th>Field</th>
                <th>Rule</th>
              </tr>
            </thead>
            <tbody>
              {(fields[o.object_type] ?? []).map((f) => (
                <tr key={f}>
                  <td>{fieldLabel(f)}</td>
                  <td>
                    <select
                      value={o.fields[f] ?? o.default_rule}
                      onChange={(e) => setRule(i, f, e.target.value as FieldRule)}
                      data-testid={`rule-${o.object_type}-${f}`}
                    >
                      {RULES.map((r) => (
                        <option key={r} value={r}>
                          {ruleLabel(r, a, b)}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="scope-head">Which records</h3>
          <ScopeEditor
            fields={fields[o.object_type] ?? []}
            scope={o.scope}
            onChange={(scope) => setObject(i, { scope })}
            testId={`scope-${o.object_type}`}
          />
        </fieldset>
      ))}
      <p className="small muted">
        Owners, pipelines and stages are ids of one account: they are left out until a mapping carries them.
        Links (a person's company, a deal's contact) go across as the other side's record.
      </p>
      <div className="actions">
        <button className="primary" onClick={() => void save()} disabled={busy} data-testid="save-pair">
          {busy ? "Saving…" : "Save rules"}
        </button>
        <button onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
