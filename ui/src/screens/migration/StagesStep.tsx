import type { MigrationOptions } from "../../bindings/MigrationOptions";
import type { MigrationPlan } from "../../bindings/MigrationPlan";

const OUTCOME: { [o: string]: string } = { open: "open", won: "won", lost: "lost" };

/** Source stages -> target stages (the warnings say when won or lost changes meaning), and
 * owners -> owners with a fallback for the rest. */
export function StagesStep({
  plan,
  options,
  warnings,
  onChange,
}: {
  plan: MigrationPlan;
  options: MigrationOptions;
  warnings: string[];
  onChange: (p: MigrationPlan) => void;
}) {
  const targetStages = options.target_pipelines.flatMap((p) =>
    p.stages.map((s) => ({ pipeline: p, stage: s })),
  );
  const stageOf = (id: string) => plan.stages.find((m) => m.source_stage === id);
  const ownerOf = (id: string) => plan.owners.find((m) => m.source_owner === id);
  return (
    <>
      {warnings.length > 0 ? (
        <ul className="warnings" data-testid="plan-warnings">
          {warnings.map((w) => (
            <li key={w}>{w.charAt(0).toUpperCase() + w.slice(1)}</li>
          ))}
        </ul>
      ) : (
        <p className="ok-note">Every stage keeps its meaning (open, won, lost) and its order.</p>
      )}
      <div className="panel wide">
        <h3>Stages</h3>
        <table className="grid compact" data-testid="stage-mapping">
          <thead>
            <tr>
              <th>Source stage</th>
              <th>Target stage</th>
            </tr>
          </thead>
          <tbody>
            {options.source_pipelines.flatMap((p) =>
              p.stages.map((s) => (
                <tr key={s.id}>
                  <td>
                    {p.label} · {s.label} <span className="muted">({OUTCOME[s.outcome]})</span>
                  </td>
                  <td>
                    <select
                      aria-label={`target stage of ${s.label}`}
                      value={stageOf(s.id)?.target_stage ?? ""}
                      onChange={(e) => {
                        const t = targetStages.find((x) => x.stage.id === e.target.value);
                        const rest = plan.stages.filter((m) => m.source_stage !== s.id);
                        onChange({
                          ...plan,
                          stages: t
                            ? [
                                ...rest,
                                {
                                  source_pipeline: p.id,
                                  source_stage: s.id,
                                  target_pipeline: t.pipeline.id,
                                  target_stage: t.stage.id,
                                },
                              ]
                            : rest,
                        });
                      }}
                    >
                      <option value="">(not mapped: deals in it are refused)</option>
                      {targetStages.map((t) => (
                        <option key={t.stage.id} value={t.stage.id}>
                          {t.pipeline.label} · {t.stage.label} ({OUTCOME[t.stage.outcome]})
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <div className="panel wide">
        <h3>Owners</h3>
        <table className="grid compact" data-testid="owner-mapping">
          <thead>
            <tr>
              <th>Source owner</th>
              <th>Target owner</th>
            </tr>
          </thead>
          <tbody>
            {options.source_owners.map((o) => (
              <tr key={o.id}>
                <td>
                  {o.name} <span className="muted">{o.email}</span>
                </td>
                <td>
                  <select
                    aria-label={`target owner of ${o.name}`}
                    value={ownerOf(o.id)?.target_owner ?? ""}
                    onChange={(e) => {
                      const rest = plan.owners.filter((m) => m.source_owner !== o.id);
                      onChange({
                        ...plan,
                        owners: e.target.value
                          ? [...rest, { source_owner: o.id, target_owner: e.target.value }]
                          : rest,
                      });
                    }}
                  >
                    <option value="">(the fallback owner)</option>
                    {options.target_owners.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name} {t.email ? `<${t.email}>` : ""}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <label className="inline fallback">
          Fallback owner for everyone else{" "}
          <select
            aria-label="fallback owner"
            value={plan.fallback_owner ?? ""}
            onChange={(e) => onChange({ ...plan, fallback_owner: e.target.value || null })}
          >
            <option value="">(none: leave the owner blank)</option>
            {options.target_owners.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      </div>
    </>
  );
}
