import { useState } from "react";
import type { Connection } from "../../bindings/Connection";
import type { MigrationOptions } from "../../bindings/MigrationOptions";
import type { MigrationPlan } from "../../bindings/MigrationPlan";
import { ErrorBanner } from "../../components/ErrorBanner";
import { api } from "../../ipc";
import { StagesStep } from "../migration/StagesStep";

/** The stages and owners of one connection mapped to another's, outside a migration: the saved
 * mapping (or a suggestion), the same editor and warnings as the wizard's, and Save. */
export function StageOwnerEditor({
  connections,
  onSaved,
}: {
  connections: Connection[];
  onSaved: () => void;
}) {
  const [source, setSource] = useState(connections[0]?.id ?? 0);
  const [target, setTarget] = useState(connections[1]?.id ?? 0);
  const [plan, setPlan] = useState<MigrationPlan | null>(null);
  const [options, setOptions] = useState<MigrationOptions | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const attempt = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const change = (p: MigrationPlan) => {
    setPlan(p);
    void api.checkMigrationPlan(p).then(setWarnings, setError);
  };

  return (
    <div className="panel wide" data-testid="stage-owner-editor">
      <h3>Stages and owners</h3>
      <ErrorBanner error={error} />
      <div className="actions">
        {(
          [
            ["From", source, setSource],
            ["To", target, setTarget],
          ] as const
        ).map(([label, value, set]) => (
          <label key={label} className="inline">
            {label}{" "}
            <select
              aria-label={label}
              value={value}
              onChange={(e) => {
                set(Number(e.target.value));
                setPlan(null);
              }}
            >
              {connections.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
        ))}
        <button
          disabled={busy || source === target}
          data-testid="load-stage-owner"
          onClick={() =>
            void attempt(async () => {
              const p = await api.planMigration(source, target);
              setOptions(await api.migrationOptions(p));
              setPlan(p);
              setWarnings(await api.checkMigrationPlan(p));
            })
          }
        >
          Edit
        </button>
      </div>
      {plan && options ? (
        <>
          <StagesStep plan={plan} options={options} warnings={warnings} onChange={change} />
          <button
            className="primary"
            disabled={busy}
            data-testid="save-stage-owner"
            onClick={() =>
              void attempt(async () => {
                await api.saveStageOwnerMapping({
                  source,
                  target,
                  stages: plan.stages,
                  owners: plan.owners,
                  fallback_owner: plan.fallback_owner,
                });
                setPlan(null);
                onSaved();
              })
            }
          >
            Save as a new version
          </button>
        </>
      ) : null}
    </div>
  );
}
