import { type ReactNode, useState } from "react";

/** One setting: its label, the control, a line on what it does, and the engine's answer to a bad value. */
export function SettingRow({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className="setting-row" data-testid={`setting-${id}`}>
      <label htmlFor={id}>{label}</label>
      <div>
        {children}
        <p className="muted small" id={`${id}-hint`}>
          {hint}
        </p>
        {error ? (
          <p className="field-error" role="alert" id={`${id}-error`}>
            {error}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A text or number setting, saved when the field is left or Enter is pressed; a refused value stays
 * in the field, beside the reason, until it is mended. */
export function TextSetting({
  id,
  value,
  save,
  error,
  ...input
}: {
  id: string;
  value: string;
  save: (value: string) => void;
  error?: string;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "id">) {
  const [draft, setDraft] = useState(value);
  // A value saved (or changed elsewhere) replaces the draft.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value);
  }
  const commit = () => {
    if (draft.trim() !== value) save(draft.trim());
  };
  return (
    <input
      id={id}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
        if (e.key === "Escape") setDraft(value);
      }}
      aria-invalid={error ? true : undefined}
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
      {...input}
    />
  );
}
