import { useState } from "react";
import type { CreatedField } from "../../bindings/CreatedField";
import type { FieldType } from "../../bindings/FieldType";
import type { NewField } from "../../bindings/NewField";
import type { ObjectType } from "../../bindings/ObjectType";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Modal } from "../../components/Modal";
import { api } from "../../ipc";

const TYPE_LABEL: { [T in FieldType]: string } = {
  text: "Text",
  long_text: "Long text",
  number: "Number",
  date: "Date",
  date_time: "Date and time",
  checkbox: "Checkbox",
  picklist: "Picklist",
};

/**
 * Source custom fields the target has no field for, each with a way to create one like it in the
 * target: the person sees (and may rename) what will be created before anything is written.
 */
export function CreateFields({
  fields,
  source,
  target,
  targetLabel,
  intro,
  onCreated,
}: {
  /** What the list is (default: source fields nothing is mapped from). */
  intro?: string;
  /** Source custom fields (`custom.<key>`) nothing is mapped from. */
  fields: string[];
  source: { connection: number; object: ObjectType };
  target: { connection: number; object: ObjectType };
  targetLabel: string;
  /** A field was created (or found) in the target for `from`. */
  onCreated: (from: string, created: CreatedField) => void;
}) {
  const [draft, setDraft] = useState<{ from: string; field: NewField } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (fields.length === 0) return null;
  const propose = async (from: string) => {
    setError(undefined);
    try {
      setDraft({ from, field: await api.newFieldLike(source.connection, source.object, from) });
    } catch (e) {
      setError(e);
    }
  };
  const create = async () => {
    if (!draft) return;
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.createField(target.connection, target.object, draft.field);
      onCreated(draft.from, created);
      setDraft(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="create-fields" data-testid="create-fields">
      <p className="muted">
        {intro ??
          `Custom fields of the source that nothing is mapped from: ${targetLabel} has no field for them yet.`}
      </p>
      {draft ? null : <ErrorBanner error={error} />}
      <ul className="plain">
        {fields.map((f) => (
          <li key={f}>
            <span className="mono">{f}</span>{" "}
            <button className="link" onClick={() => void propose(f)} data-testid={`create-like-${f}`}>
              Create it in {targetLabel}…
            </button>
          </li>
        ))}
      </ul>
      {draft ? (
        <Modal
          title={
            <>
              A new field in {targetLabel}, filled from <span className="mono">{draft.from}</span>
            </>
          }
          onClose={() => setDraft(null)}
          busy={busy}
          testid="create-field"
        >
          <ErrorBanner error={error} />
          <div className="form-row">
            <label>
              Label
              <input
                value={draft.field.label}
                onChange={(e) => setDraft({ ...draft, field: { ...draft.field, label: e.target.value } })}
                data-testid="new-field-label"
              />
            </label>
          </div>
          <p>
            Type: {TYPE_LABEL[draft.field.type]}
            {draft.field.options.length ? ` · options: ${draft.field.options.join(", ")}` : ""}
          </p>
          <p className="muted">
            This creates the field in {targetLabel} now (a field there with the same label is used instead),
            and maps <span className="mono">{draft.from}</span> to it. Where {targetLabel} decides who sees a
            field (Salesforce&apos;s field-level security), your own profile is given read and edit access;
            other profiles get it there. Removing a field is done in {targetLabel} itself.
          </p>
          <div className="actions">
            <button
              className="primary"
              onClick={() => void create()}
              disabled={busy || !draft.field.label.trim()}
              data-testid="confirm-create-field"
            >
              {busy ? "Creating…" : `Create in ${targetLabel}`}
            </button>
            <button onClick={() => setDraft(null)} disabled={busy}>
              Cancel
            </button>
          </div>
        </Modal>
      ) : null}
    </div>
  );
}
