import { useState } from "react";
import type { Connection } from "../../bindings/Connection";
import type { MigrationOptions } from "../../bindings/MigrationOptions";
import type { MigrationPlan } from "../../bindings/MigrationPlan";
import { ConnectionPick } from "../../components/ConnectionPick";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useAttempt } from "../../components/useAttempt";
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
  const { busy, error, setError, attempt } = useAttempt();
  const change = (p: MigrationPlan) => {
    setPlan(p);
    if (options) void api.checkMigrationPlan(p, options).then(setWarnings, setError);
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
        <button
          disabled={busy || source === target}
          data-testid="load-stage-owner"
          onClick={() =>
            void attempt(async () => {
              const p = await api.planMigration(source, target);
              const o = await api.migrationOptions(p);
              setOptions(o);
              setPlan(p);
              setWarnings(await api.checkMigrationPlan(p, o));
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
