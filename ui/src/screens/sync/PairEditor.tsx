import { useCallback, useEffect, useState } from "react";
import type { Connection } from "../../bindings/Connection";
import type { FieldRule } from "../../bindings/FieldRule";
import type { IdField } from "../../bindings/IdField";
import type { NewSyncPair } from "../../bindings/NewSyncPair";
import type { ObjectSync } from "../../bindings/ObjectSync";
import { ErrorBanner } from "../../components/ErrorBanner";
import { objectTypeName } from "../../format";
import { api } from "../../ipc";
import { fieldLabel } from "../duplicates/fields";
import { DELETE_RULES, RULES, deleteRuleLabel, ruleLabel } from "./rules";
import { AcrossEditor } from "./AcrossEditor";
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
  // Object types the pair could sync and does not (deals, once stages are mapped), parents first.
  const [suggested, setSuggested] = useState<ObjectSync[]>([]);
  // Per "<a|b>-<object type>": the custom fields that side can keep the other's ids in.
  const [idFields, setIdFields] = useState<{ [key: string]: IdField[] }>({});
  // B's picklist values per object type (where a value map offers them).
  const [bOptions, setBOptions] = useState<{ [type: string]: { [field: string]: string[] } }>({});
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const a = connections.get(pair.a)?.label ?? "A";
  const b = connections.get(pair.b)?.label ?? "B";

  // A CRM that cannot list its picklists leaves the value maps as text, not the editor.
  const loadOptions = useCallback(
    (o: ObjectSync) =>
      void api
        .fieldOptions(initial.b, o.b_object_type ?? o.object_type)
        .then((list) => setBOptions((prev) => ({ ...prev, [o.object_type]: list })))
        .catch(() => undefined),
    [initial.b],
  );

  useEffect(() => {
    let live = true;
    api
      .suggestSyncPair(initial.a, initial.b)
      .then((s) => {
        if (!live) return;
        setSuggested(s.objects);
        const types = [...new Set([...initial.objects, ...s.objects].map((o) => o.object_type))];
        // A CRM that cannot say its custom fields leaves the id choice empty, not the editor.
        const sides = types.flatMap((t) =>
          (["a", "b"] as const).map((side) => ({
            side,
            t,
            connection: side === "a" ? initial.a : initial.b,
          })),
        );
        void Promise.all(sides.map((x) => api.idFields(x.connection, x.t).catch(() => [] as IdField[]))).then(
          (lists) => {
            if (live)
              setIdFields(Object.fromEntries(sides.map((x, i) => [`${x.side}-${x.t}`, lists[i] ?? []])));
          },
        );
        const bTypes = new Map(initial.objects.map((o) => [o.object_type, o.b_object_type ?? null]));
        for (const o of initial.objects.filter((x) => x.across.length > 0)) loadOptions(o);
        return Promise.all(
          types.map((t) => api.syncFields(initial.a, initial.b, t, bTypes.get(t) ?? null)),
        ).then((lists) => {
          if (live) setFields(Object.fromEntries(types.map((t, i) => [t, lists[i] ?? []])));
        });
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [initial, loadOptions]);
  const missing = suggested.filter((o) => !pair.objects.some((p) => p.object_type === o.object_type));
  // Leads go after the types both sides hold: a contact matching a lead links to it there.
  const rank = (o: ObjectSync) => {
    const i = suggested.findIndex((x) => x.object_type === o.object_type);
    return i < 0 ? suggested.length : i;
  };
  const addObject = (o: ObjectSync) =>
    setPair({
      ...pair,
      objects: [...pair.objects, o].sort((x, y) => rank(x) - rank(y)),
    });
  const providerOf = (id: number) => connections.get(id)?.provider;
  // Only Salesforce has leads: they are kept with the other CRM's contacts, Salesforce as A.
  const leadsOffered =
    providerOf(pair.a) === "salesforce" &&
    providerOf(pair.b) !== "salesforce" &&
    !pair.objects.some((o) => o.object_type === "lead");
  const leadsHint = providerOf(pair.b) === "salesforce" && providerOf(pair.a) !== "salesforce";
  const addLeads = async () => {
    setError(undefined);
    try {
      const o = await api.suggestLeadSync(pair.a, pair.b);
      loadOptions(o);
      const list = await api.syncFields(pair.a, pair.b, o.object_type, o.b_object_type ?? null);
      setFields({ ...fields, [o.object_type]: list });
      addObject(o);
    } catch (e) {
      setError(e);
    }
  };
  const legend = (o: ObjectSync) =>
    o.b_object_type && o.b_object_type !== o.object_type
      ? `${objectTypeName(o.object_type)} in ${a} ⇄ ${objectTypeName(o.b_object_type).toLowerCase()} in ${b}`
      : objectTypeName(o.object_type);

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
          <legend>{legend(o)}</legend>
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
          <div className="form-row">
            <label>
              When a {objectTypeName(o.object_type).toLowerCase()} is deleted on one side
              <select
                value={o.deletions ?? "dont_carry"}
                onChange={(e) => setObject(i, { deletions: e.target.value as ObjectSync["deletions"] })}
                data-testid={`deletions-${o.object_type}`}
              >
                {DELETE_RULES.map((r) => (
                  <option key={r} value={r}>
                    {deleteRuleLabel(r)}
                  </option>
                ))}
              </select>
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
          {o.across.length > 0 && (
            <>
              <h3 className="scope-head">Kept with fields of other names</h3>
              <AcrossEditor
                across={o.across}
                a={a}
                b={b}
                options={bOptions[o.object_type] ?? {}}
                onChange={(across) => setObject(i, { across })}
                testId={`across-${o.object_type}`}
              />
            </>
          )}
          <h3 className="scope-head">Record ids</h3>
          <div className="form-row">
            {(
              [
                ["b", "id_in_b", b, a],
                ["a", "id_in_a", a, b],
              ] as const
            ).map(([side, key, holder, other]) => (
              <label key={side}>
                {holder}'s field that keeps {other}'s id
                <select
                  value={o[key] ?? ""}
                  onChange={(e) => setObject(i, { [key]: e.target.value === "" ? null : e.target.value })}
                  data-testid={`${key}-${o.object_type}`}
                >
                  <option value="">None (link by e-mail and domain only)</option>
                  {(idFields[`${side}-${o.object_type}`] ?? []).map((f) => (
                    <option key={f.name} value={f.name}>
                      {f.label}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <h3 className="scope-head">Which records</h3>
          <ScopeEditor
            fields={fields[o.object_type] ?? []}
            scope={o.scope}
            onChange={(scope) => setObject(i, { scope })}
            testId={`scope-${o.object_type}`}
          />
        </fieldset>
      ))}
      {(missing.length > 0 || leadsOffered) && (
        <div className="form-row" data-testid="add-objects">
          <span>Also sync:</span>
          {missing.map((o) => (
            <button key={o.object_type} onClick={() => addObject(o)} data-testid={`add-${o.object_type}`}>
              + {objectTypeName(o.object_type)}
            </button>
          ))}
          {leadsOffered && (
            <button onClick={() => void addLeads()} data-testid="add-leads">
              + Leads as {b} contacts
            </button>
          )}
        </div>
      )}
      {leadsHint && (
        <p className="small muted" data-testid="leads-hint">
          To keep {b}'s leads with {a}'s contacts, start a pair with {b} as side A.
        </p>
      )}
      <p className="small muted">
        Owners and stages are ids of one account: they go across by the stage and owner mapping saved for
        these two connections on the Mappings screen, and are left out (deals with them) until one is saved.
        Links (a person's company, a deal's contact) go across as the other side's record.
      </p>
      <div className="actions sticky-actions">
        <button className="primary" onClick={() => void save()} disabled={busy} data-testid="save-pair">
          {busy ? "Saving…" : "Save rules"}
        </button>
        <button onClick={onCancel} disabled={busy} data-testid="cancel-pair">
          Cancel
        </button>
      </div>
    </div>
  );
}
