import { useState } from "react";
import type { Connection } from "../../bindings/Connection";
import type { MigrationOptions } from "../../bindings/MigrationOptions";
import type { MigrationPlan } from "../../bindings/MigrationPlan";
import type { ObjectType } from "../../bindings/ObjectType";
import { ConnectionPick } from "../../components/ConnectionPick";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useAttempt } from "../../components/useAttempt";
import { objectTypeName } from "../../format";
import { api } from "../../ipc";
import { FieldsStep } from "../migration/FieldsStep";
import { StagesStep } from "../migration/StagesStep";

type Part = "fields" | "stages";

/** The field, stage and owner mappings of one connection to another, outside a migration: the saved
 * ones (or suggestions), the wizard's editors and warnings, Save, and field mappings to and from JSON
 * files. The next migration plan between the two starts from what is saved, and a sync pair of the
 * two carries owners and stages by it. */
export function MappingEditor({ connections, onSaved }: { connections: Connection[]; onSaved: () => void }) {
  const [source, setSource] = useState(connections[0]?.id ?? 0);
  const [target, setTarget] = useState(connections[1]?.id ?? 0);
  const [plan, setPlan] = useState<MigrationPlan | null>(null);
  const [options, setOptions] = useState<MigrationOptions | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [part, setPart] = useState<Part>("fields");
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const { busy, error, setError, attempt } = useAttempt();
  const change = (p: MigrationPlan) => {
    setPlan(p);
    if (options) void api.checkMigrationPlan(p, options).then(setWarnings, setError);
  };
  // The check's words for a field the CRMs no longer have; the rest are about stages and owners.
  const fieldWarnings = warnings.filter((w) => w.includes(" field `"));
  const load = () =>
    attempt(async () => {
      const p = await api.planMigration(source, target);
      const o = await api.migrationOptions(p);
      setOptions(o);
      setPlan(p);
      setWarnings(await api.checkMigrationPlan(p, o));
      setNotice(undefined);
    });
  const save = async (p: MigrationPlan) => {
    await api.saveMappings(p);
    onSaved();
  };
  const exportObject = (p: MigrationPlan, object: ObjectType) =>
    attempt(async () => {
      await save(p);
      const path = await api.exportFieldMapping(source, target, object);
      setNotice(`Saved, and the ${objectTypeName(object).toLowerCase()} mapping written to ${path}`);
    });
  const importFile = (p: MigrationPlan, file: File) =>
    attempt(async () => {
      const imported = await api.importFieldMapping(source, target, await file.text());
      // Only the imported object is replaced; edits to the others stay.
      const fresh = await api.planMigration(source, target);
      const next = {
        ...p,
        objects: p.objects.map((o) =>
          o.source_object === imported.object
            ? (fresh.objects.find((f) => f.source_object === o.source_object) ?? o)
            : o,
        ),
      };
      change(next);
      onSaved();
      setNotice(
        `${file.name}: the ${objectTypeName(imported.object).toLowerCase()} mapping (${imported.fields} fields) saved as version ${imported.version}`,
      );
    });

  return (
    <div className="panel wide" data-testid="mapping-editor">
      <h3>Edit the mappings between two connections</h3>
      <ErrorBanner error={error} />
      <div className="actions">
        {(
          [
            ["From", source, setSource],
            ["To", target, setTarget],
          ] as const
        ).map(([label, value, set]) => (
          <ConnectionPick
            key={label}
            label={label}
            name={label}
            className="inline"
            connections={connections}
            value={value}
            onChange={(id) => {
              set(id);
              setPlan(null);
            }}
          />
        ))}
        <button disabled={busy || source === target} data-testid="load-mappings" onClick={() => void load()}>
          Edit
        </button>
      </div>
      {notice ? (
        <p className="notice" role="status" data-testid="mapping-notice">
          {notice}
        </p>
      ) : null}
      {plan && options ? (
        <>
          <div className="tabs" role="tablist">
            {(
              [
                ["fields", "Fields"],
                ["stages", "Stages and owners"],
              ] as const
            ).map(([key, label]) => (
              <button
                key={key}
                role="tab"
                aria-selected={part === key}
                onClick={() => setPart(key)}
                data-testid={`mapping-tab-${key}`}
              >
                {label}
              </button>
            ))}
          </div>
          {part === "fields" ? (
            <>
              {fieldWarnings.length > 0 ? (
                <ul className="warnings" data-testid="field-warnings">
                  {fieldWarnings.map((w) => (
                    <li key={w}>{w.charAt(0).toUpperCase() + w.slice(1)}</li>
                  ))}
                </ul>
              ) : null}
              {plan.objects.map((m) => (
                <div key={m.source_object}>
                  <FieldsStep
                    mapping={m}
                    choices={options.fields.find((f) => f.source_object === m.source_object)}
                    connections={{ source: plan.source, target: plan.target }}
                    targetLabel={connections.find((c) => c.id === plan.target)?.label ?? "the target"}
                    onFieldCreated={(next) =>
                      attempt(async () => {
                        const p = {
                          ...plan,
                          objects: plan.objects.map((o) => (o.source_object === m.source_object ? next : o)),
                        };
                        const o = await api.migrationOptions(p);
                        setOptions(o);
                        setPlan(p);
                        setWarnings(await api.checkMigrationPlan(p, o));
                      })
                    }
                    onChange={(next) =>
                      change({
                        ...plan,
                        objects: plan.objects.map((o) => (o.source_object === m.source_object ? next : o)),
                      })
                    }
                  />
                  <div className="actions">
                    <button
                      disabled={busy}
                      onClick={() => void exportObject(plan, m.source_object)}
                      data-testid={`export-mapping-${m.source_object}`}
                    >
                      Export {objectTypeName(m.source_object).toLowerCase()} mapping as JSON
                    </button>
                  </div>
                </div>
              ))}
              <label className="file-pick">
                Import a field mapping file (JSON)
                <input
                  type="file"
                  accept=".json,application/json"
                  data-testid="import-mapping"
                  onChange={(e) => {
                    const file = e.target.files?.[0];
                    e.target.value = "";
                    if (file) void importFile(plan, file);
                  }}
                />
              </label>
            </>
          ) : (
            <StagesStep
              plan={plan}
              options={options}
              warnings={warnings.filter((w) => !fieldWarnings.includes(w))}
              onChange={change}
            />
          )}
          <div className="actions">
            <button
              className="primary"
              disabled={busy}
              data-testid="save-mappings"
              onClick={() =>
                void attempt(async () => {
                  await save(plan);
                  setPlan(null);
                  setNotice("Saved. The next migration between the two starts from these mappings.");
                })
              }
            >
              Save as a new version
            </button>
          </div>
        </>
      ) : null}
    </div>
  );
}
