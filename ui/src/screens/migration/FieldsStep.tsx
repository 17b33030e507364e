import { Fragment } from "react";
import type { FieldChoices } from "../../bindings/FieldChoices";
import type { FieldMapping } from "../../bindings/FieldMapping";
import type { MappedField } from "../../bindings/MappedField";
import type { Transform } from "../../bindings/Transform";
import { objectTypeName } from "../../format";
import type { CreatedField } from "../../bindings/CreatedField";
import { CreateFields } from "./CreateField";
import { fieldLabel } from "../duplicates/fields";
import { ValueMap } from "./ValueMap";

const TRANSFORMS: { kind: Transform["kind"]; label: string; make: () => Transform }[] = [
  { kind: "direct", label: "as is", make: () => ({ kind: "direct" }) },
  { kind: "split_name", label: "split full name", make: () => ({ kind: "split_name" }) },
  { kind: "join_name", label: "join first + last", make: () => ({ kind: "join_name" }) },
  { kind: "number", label: "number", make: () => ({ kind: "number" }) },
  { kind: "date", label: "date (UTC)", make: () => ({ kind: "date", offset_minutes: 0 }) },
  { kind: "default", label: "default if blank", make: () => ({ kind: "default", value: "" }) },
  { kind: "constant", label: "always a value", make: () => ({ kind: "constant", value: "" }) },
  { kind: "value_map", label: "value map", make: () => ({ kind: "value_map", map: {}, otherwise: null }) },
  { kind: "join", label: "join list", make: () => ({ kind: "join", separator: "; " }) },
  { kind: "split", label: "split into list", make: () => ({ kind: "split", separator: ";" }) },
];

/** What a transform takes beyond its kind: a value, a map or a separator, edited as text. */
function TransformDetail({
  t,
  onChange,
  source,
  target,
}: {
  t: Transform;
  onChange: (t: Transform) => void;
  /** The picklist values of the source and target fields, where they are picklists. */
  source?: string[];
  target?: string[];
}) {
  switch (t.kind) {
    case "default":
    case "constant":
      return (
        <input
          aria-label="value"
          value={String(t.value ?? "")}
          onChange={(e) => onChange({ ...t, value: e.target.value })}
        />
      );
    case "value_map":
      if (source?.length && target?.length) {
        // Chosen value by value in the row below.
        const chosen = source.filter((s) => t.map[s]).length;
        return (
          <span className="muted">
            {chosen} of {source.length} values mapped below
          </span>
        );
      }
      return (
        <input
          aria-label="value map"
          placeholder="Hot=high, Cold=low"
          value={Object.entries(t.map)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}
          onChange={(e) => {
            const map: { [key: string]: string } = {};
            for (const pair of e.target.value.split(",")) {
              const [k, v] = pair.split("=");
              if (k?.trim()) map[k.trim()] = (v ?? "").trim();
            }
            onChange({ ...t, map });
          }}
        />
      );
    case "join":
    case "split":
      return (
        <input
          aria-label="separator"
          value={t.separator}
          onChange={(e) => onChange({ ...t, separator: e.target.value })}
        />
      );
    case "date":
      return (
        <input
          aria-label="UTC offset in minutes"
          type="number"
          value={t.offset_minutes}
          onChange={(e) => onChange({ ...t, offset_minutes: Number(e.target.value) })}
        />
      );
    default:
      return null;
  }
}

/** One object pair's fields: where each target field's value comes from, and how it is changed. */
export function FieldsStep({
  mapping,
  choices,
  onChange,
  connections,
  targetLabel,
  onFieldCreated,
}: {
  mapping: FieldMapping;
  choices: FieldChoices | undefined;
  onChange: (m: FieldMapping) => void;
  /** The plan's source and target connections, where a field the target lacks is created. */
  connections: { source: number; target: number };
  targetLabel: string;
  /** A field was created in the target and `m` maps to it: the parent keeps `m` and reads the
   *  target's fields again. */
  onFieldCreated: (m: FieldMapping) => void;
}) {
  const setField = (i: number, f: MappedField) =>
    onChange({ ...mapping, fields: mapping.fields.map((x, j) => (j === i ? f : x)) });
  // A split name fills first and last name; a joined one the full name.
  const fills = (f: MappedField) =>
    f.transform.kind === "split_name" ? ["first_name", "last_name"] : [f.target];
  const unmappedTargets = (choices?.target ?? []).filter(
    (t) => !mapping.fields.some((f) => fills(f).includes(t)),
  );
  const unmappedCustom = (choices?.source ?? []).filter(
    (s) => s.startsWith("custom.") && !mapping.fields.some((f) => f.source === s),
  );
  const mapTo = (from: string, created: CreatedField) =>
    onFieldCreated({
      ...mapping,
      fields: [
        ...mapping.fields,
        { source: from, target: created.name, transform: { kind: "direct" }, required: false },
      ],
    });
  return (
    <div className="panel wide" data-testid={`fields-${mapping.source_object}`}>
      <h3>
        {objectTypeName(mapping.source_object)} → {objectTypeName(mapping.target_object)}
      </h3>
      <table className="grid compact fields-table">
        <thead>
          <tr>
            <th>Source field</th>
            <th>Target field</th>
            <th>Change</th>
            <th>Setting</th>
            <th>Required</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {mapping.fields.map((f, i) => {
            const picklists = {
              source: choices?.source_options[f.source],
              target: choices?.target_options[f.target],
            };
            const byValue =
              f.transform.kind === "value_map" && picklists.source?.length && picklists.target?.length;
            return (
              <Fragment key={`${f.source}-${f.target}-${i}`}>
                <tr>
                  <td>
                    <select
                      aria-label="source field"
                      value={f.source}
                      onChange={(e) => setField(i, { ...f, source: e.target.value })}
                    >
                      {[f.source, ...(choices?.source ?? []).filter((s) => s !== f.source)].map((s) => (
                        <option key={s} value={s}>
                          {fieldOption(s)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label="target field"
                      value={f.target}
                      onChange={(e) => setField(i, { ...f, target: e.target.value })}
                    >
                      {[f.target, ...unmappedTargets].map((t) => (
                        <option key={t} value={t}>
                          {fieldOption(t)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label="change"
                      value={f.transform.kind}
                      onChange={(e) => {
                        const t = TRANSFORMS.find((x) => x.kind === e.target.value);
                        if (t) setField(i, { ...f, transform: t.make() });
                      }}
                    >
                      {TRANSFORMS.map((t) => (
                        <option key={t.kind} value={t.kind}>
                          {t.label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <TransformDetail
                      t={f.transform}
                      onChange={(t) => setField(i, { ...f, transform: t })}
                      source={picklists.source}
                      target={picklists.target}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label="required"
                      checked={f.required}
                      onChange={(e) => setField(i, { ...f, required: e.target.checked })}
                    />
                  </td>
                  <td>
                    <button
                      className="link"
                      onClick={() =>
                        onChange({ ...mapping, fields: mapping.fields.filter((_, j) => j !== i) })
                      }
                    >
                      Remove
                    </button>
                  </td>
                </tr>
                {byValue && f.transform.kind === "value_map" ? (
                  <tr className="value-map-row">
                    <td colSpan={6}>
                      <ValueMap
                        t={f.transform}
                        source={picklists.source ?? []}
                        target={picklists.target ?? []}
                        onChange={(t) => setField(i, { ...f, transform: t })}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {unmappedTargets.length > 0 && choices ? (
        <div className="actions">
          <span className="muted">Not filled: {unmappedTargets.join(", ")}</span>
          <button
            onClick={() =>
              onChange({
                ...mapping,
                fields: [
                  ...mapping.fields,
                  {
                    source: choices.source[0] ?? "",
                    target: unmappedTargets[0] ?? "",
                    transform: { kind: "direct" },
                    required: false,
                  },
                ],
              })
            }
          >
            Add a field
          </button>
        </div>
      ) : null}
      <CreateFields
        fields={choices ? unmappedCustom : []}
        source={{ connection: connections.source, object: mapping.source_object }}
        target={{ connection: connections.target, object: mapping.target_object }}
        targetLabel={targetLabel}
        onCreated={mapTo}
      />
    </div>
  );
}

/** A field in a drop-down: its name for people where it has one, with the CRM's own name after it. */
function fieldOption(key: string): string {
  const label = fieldLabel(key);
  if (label !== key) return `${label} (${key})`;
  const custom = key.startsWith("custom.") ? key.slice("custom.".length) : undefined;
  return custom ? `${custom} (custom field)` : key;
}
