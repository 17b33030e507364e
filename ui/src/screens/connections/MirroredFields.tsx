import { useCallback, useState } from "react";
import type { Connection } from "../../bindings/Connection";
import type { MirroredField } from "../../bindings/MirroredField";
import type { MirroredObject } from "../../bindings/MirroredObject";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useCommand } from "../../components/useCommand";
import { objectTypeName } from "../../format";
import { api } from "../../ipc";

/** Which custom fields of each object type the mirror holds: every one by default; a person may keep
 *  fewer. A field a saved mapping or a sync pair needs stays, and says why. The CRM's standard fields
 *  beyond the ones CRM Bridge always mirrors (HubSpot's and Salesforce's) are mirrored when ticked. */
export function MirroredFields({ connection, onClose }: { connection: Connection; onClose: () => void }) {
  const load = useCallback(() => api.mirroredFields(connection.id), [connection.id]);
  const listed = useCommand(load);
  // Per object type, the keys ticked (absent: as listed).
  const [ticked, setTicked] = useState<{ [type: string]: Set<string> }>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const tickedOf = (o: MirroredObject) =>
    ticked[o.object_type] ?? new Set(o.fields.filter((f) => f.mirrored).map((f) => f.key));
  const toggle = (o: MirroredObject, key: string) => {
    const next = new Set(tickedOf(o));
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setTicked({ ...ticked, [o.object_type]: next });
  };
  const save = async (o: MirroredObject, every: boolean) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const kept = await api.chooseMirroredFields(
        connection.id,
        o.object_type,
        every ? null : [...tickedOf(o)],
      );
      const what = objectTypeName(o.object_type).toLowerCase();
      setNotice(
        kept === null
          ? `Every custom field of ${what} is mirrored, new ones too.`
          : `${kept.length} field${kept.length === 1 ? "" : "s"} of ${what} mirrored; the others' values left this workspace and are not pulled.`,
      );
      setTicked((t) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== o.object_type)));
      listed.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      className="panel mirrored-fields"
      role="region"
      aria-labelledby="mirrored-title"
      data-testid="mirrored-fields"
    >
      <h2 id="mirrored-title">Fields mirrored from {connection.label}</h2>
      <p className="muted">
        Every custom field is mirrored until you choose; fewer pull faster, and one a saved mapping or a sync
        pair uses stays. Other standard fields (a contact&apos;s mobile phone) are mirrored once ticked.
      </p>
      <ErrorBanner error={listed.error ?? error} />
      {notice ? (
        <p className="notice" role="status" data-testid="mirrored-notice">
          {notice}
        </p>
      ) : null}
      {listed.data?.map((o) => (
        <fieldset key={o.object_type} className="object-rules" data-testid={`mirrored-${o.object_type}`}>
          <legend>
            {objectTypeName(o.object_type)} {o.all ? "· every custom field" : "· chosen"}
          </legend>
          {o.fields.every((f) => f.standard) ? <p className="muted">No custom fields.</p> : null}
          <FieldChecks
            fields={o.fields.filter((f) => !f.standard)}
            object={o}
            checked={(key) => tickedOf(o).has(key)}
            disabled={busy}
            onToggle={(key) => toggle(o, key)}
          />
          {o.fields.some((f) => f.standard) ? (
            <details className="standard-fields" open={o.fields.some((f) => f.standard && f.mirrored)}>
              <summary data-testid={`standard-${o.object_type}`}>
                Other standard fields of {connection.label} ({o.fields.filter((f) => f.standard).length}):
                mirrored when ticked
              </summary>
              <FieldChecks
                fields={o.fields.filter((f) => f.standard)}
                object={o}
                checked={(key) => tickedOf(o).has(key)}
                disabled={busy}
                onToggle={(key) => toggle(o, key)}
              />
            </details>
          ) : null}
          {o.fields.length > 0 && (
            <div className="actions">
              <button
                onClick={() => void save(o, false)}
                disabled={busy}
                data-testid={`save-mirrored-${o.object_type}`}
              >
                Mirror the ticked fields
              </button>
              {!o.all && (
                <button onClick={() => void save(o, true)} disabled={busy}>
                  Mirror every field again
                </button>
              )}
            </div>
          )}
        </fieldset>
      ))}
      <div className="actions">
        <button onClick={onClose} data-testid="close-mirrored-fields">
          Close
        </button>
      </div>
    </div>
  );
}

/** One list of fields to tick; a field something needs stays ticked and says what. */
function FieldChecks({
  fields,
  object,
  checked,
  disabled,
  onToggle,
}: {
  fields: MirroredField[];
  object: MirroredObject;
  checked: (key: string) => boolean;
  disabled: boolean;
  onToggle: (key: string) => void;
}) {
  if (fields.length === 0) return null;
  return (
    <ul className="checks">
      {fields.map((f) => (
        <li key={f.key}>
          <label className="check">
            <input
              type="checkbox"
              checked={f.needed_by != null || checked(f.key)}
              disabled={f.needed_by != null || disabled}
              onChange={() => onToggle(f.key)}
              data-testid={`mirror-${object.object_type}-${f.key}`}
            />
            {f.label} <span className="mono muted">{f.key}</span>
            {f.needed_by ? <span className="muted"> · needed by {f.needed_by}</span> : null}
          </label>
        </li>
      ))}
    </ul>
  );
}
