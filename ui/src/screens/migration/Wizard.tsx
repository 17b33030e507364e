import { useCallback, useEffect, useState } from "react";
import type { Connection } from "../../bindings/Connection";
import type { DryRun } from "../../bindings/DryRun";
import type { ExistingRecords } from "../../bindings/ExistingRecords";
import type { MigrationOptions } from "../../bindings/MigrationOptions";
import type { MigrationPlan } from "../../bindings/MigrationPlan";
import type { MigrationReport } from "../../bindings/MigrationReport";
import type { ObjectType } from "../../bindings/ObjectType";
import { Confirm } from "../../components/Confirm";
import { ConnectionPick } from "../../components/ConnectionPick";
import { ErrorBanner } from "../../components/ErrorBanner";
import { ProviderBadge } from "../../components/ProviderBadge";
import { useAttempt } from "../../components/useAttempt";
import { countOf, formatCount, rememberCustomObjects } from "../../format";
import { api } from "../../ipc";
import { track } from "../../jobs";
import { DryRunStep } from "./DryRunStep";
import { FieldsStep } from "./FieldsStep";
import { ObjectsStep } from "./ObjectsStep";
import { RollbackStep } from "./RollbackStep";
import { ProgressLine, ReportStep, followMigration, useMigrationProgress } from "./RunStep";
import { StagesStep } from "./StagesStep";

export const STEPS = [
  "Connect",
  "Objects",
  "Fields",
  "Stages & owners",
  "Match existing",
  "Dry run",
  "Run",
  "Report",
  "Rollback",
] as const;

const EXISTING: { value: ExistingRecords; label: string; detail: string }[] = [
  {
    value: "link_and_update",
    label: "Link and update",
    detail:
      "A record the target has already (same e-mail, domain or name) is linked and gets the mapped values.",
  },
  { value: "link_only", label: "Link only", detail: "Linked, left as it is: children still attach to it." },
  { value: "skip", label: "Skip", detail: "Left out of the migration, with its children's links to it." },
];

const RUN = STEPS.indexOf("Run");
const REPORT = STEPS.indexOf("Report");
const DRY_RUN = STEPS.indexOf("Dry run");

/** What a dry run says the run will write, as a sentence ("create 9,985, update 1,152"). */
function writes(dry: DryRun): string {
  return Object.entries(dry.counts)
    .filter(([action]) => action !== "unchanged" && action !== "skip")
    .map(([action, n]) => `${action} ${formatCount(n)}`)
    .join(", ");
}

/** The guided migration: every step can go back, the plan is saved as it changes. A finished run
 *  reopens on its report (`initialReport`), with Rollback one step on. */
export function Wizard({
  connections,
  initial,
  initialStep = 0,
  initialReport = null,
  onClose,
  onOpenFailed,
}: {
  connections: Connection[];
  initial: MigrationPlan | null;
  initialStep?: number;
  initialReport?: MigrationReport | null;
  onClose: () => void;
  onOpenFailed?: () => void;
}) {
  const [step, setStep] = useState(initialStep);
  const [source, setSource] = useState<number>(initial?.source ?? connections[0]?.id ?? 0);
  const [target, setTarget] = useState<number>(initial?.target ?? connections[1]?.id ?? 0);
  const [plan, setPlan] = useState<MigrationPlan | null>(initial);
  const [dropped, setDropped] = useState<ObjectType[]>([]);
  const [options, setOptions] = useState<MigrationOptions | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [dry, setDry] = useState<DryRun | null>(null);
  const [report, setReport] = useState<MigrationReport | null>(initialReport);
  const [confirmRun, setConfirmRun] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const { busy, error, setError, attempt } = useAttempt();
  const [rollingBack, setRollingBack] = useState(false);
  // Closing the wizard asks first while a run or a rollback goes on.
  const running = (busy && step === RUN) || rollingBack;
  const progress = useMigrationProgress();

  // The plan that runs: the objects a person kept.
  const chosen = useCallback(
    (p: MigrationPlan): MigrationPlan => ({
      ...p,
      objects: p.objects.filter((o) => !dropped.includes(o.source_object)),
    }),
    [dropped],
  );

  useEffect(() => {
    if (plan && !options) void api.migrationOptions(plan).then(setOptions, setError);
  }, [plan, options, setError]);
  useEffect(() => {
    if (plan && options && step === 3)
      void api.checkMigrationPlan(chosen(plan), options).then(setWarnings, setError);
  }, [plan, options, step, chosen, setError]);

  const next = () =>
    attempt(async () => {
      if (step === 0) {
        if (source === target) throw new Error("Choose two different connections.");
        if (!plan || plan.source !== source || plan.target !== target) {
          const planned = await api.planMigration(source, target);
          // The plan listed both CRMs' custom objects: name them as their CRMs do.
          for (const c of [source, target]) rememberCustomObjects(await api.customObjects(c));
          setPlan(planned);
          setOptions(null);
        }
      } else if (plan) {
        await api.saveMigrationPlan(chosen(plan));
      }
      if (step === 4 && plan) setDry(await api.dryRunMigration(chosen(plan)));
      setStep(step + 1);
    });

  const run = () =>
    attempt(async () => {
      if (!plan) return;
      setStep(RUN);
      try {
        const running = chosen(plan);
        setReport(
          await track(
            {
              label: `Migration “${running.name}”`,
              screen: "migration",
              cancel: () => void api.cancelMigration(),
            },
            () => api.runMigration(running),
            followMigration("writing"),
          ),
        );
        setStep(REPORT);
      } catch (e) {
        // A refused or cancelled run goes back to the dry run, never stays on a live view of nothing.
        setStep(DRY_RUN);
        throw e;
      }
    });
  // Back never lands on the Run step's live view: from the report it goes to the dry run if one is
  // on screen, else to the step that makes one.
  const back = () => {
    if (step === REPORT) setStep(dry ? DRY_RUN : DRY_RUN - 1);
    else setStep(step - 1);
  };
  const targetName = plan ? (connections.find((c) => c.id === plan.target)?.label ?? "the target") : "";

  const label = (id: number) => {
    const c = connections.find((x) => x.id === id);
    return c ? (
      <span className="nowrap">
        <ProviderBadge provider={c.provider} /> {c.label}
      </span>
    ) : (
      "?"
    );
  };

  return (
    <div className="wizard" data-testid="migration-wizard">
      <ol className="steps" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s} className={i === step ? "current" : i < step ? "done" : ""} data-testid={`step-${i}`}>
            <span className="step-no">{i + 1}</span> {s}
          </li>
        ))}
      </ol>
      <ErrorBanner error={error} />
      <h2>{STEPS[step]}</h2>

      {step === 0 ? (
        <div className="panel">
          <p>
            Records are read from the source and written to the target. Connect both on Connections first.
          </p>
          <ConnectionPick
            label="From (source)"
            name="source"
            connections={connections}
            value={source}
            onChange={setSource}
          />
          <ConnectionPick
            label="To (target)"
            name="target"
            connections={connections}
            value={target}
            onChange={setTarget}
          />
        </div>
      ) : null}

      {step === 1 && plan ? (
        <div className="panel">
          <label className="stacked">
            Plan name
            <input value={plan.name} onChange={(e) => setPlan({ ...plan, name: e.target.value })} />
          </label>
          <ObjectsStep
            plan={plan}
            dropped={dropped}
            onDropped={setDropped}
            sourceLabel={label(plan.source)}
            targetLabel={label(plan.target)}
          />
        </div>
      ) : null}

      {step === 2 && plan
        ? chosen(plan).objects.map((m) => (
            <FieldsStep
              key={m.source_object}
              mapping={m}
              choices={options?.fields.find((f) => f.source_object === m.source_object)}
              connections={{ source: plan.source, target: plan.target }}
              targetLabel={connections.find((c) => c.id === plan.target)?.label ?? "the target"}
              onFieldCreated={(changed) => {
                setPlan({
                  ...plan,
                  objects: plan.objects.map((o) => (o.source_object === changed.source_object ? changed : o)),
                });
                setOptions(null);
              }}
              onChange={(changed) =>
                setPlan({
                  ...plan,
                  objects: plan.objects.map((o) => (o.source_object === changed.source_object ? changed : o)),
                })
              }
            />
          ))
        : null}

      {step === 3 && plan && options ? (
        <StagesStep plan={plan} options={options} warnings={warnings} onChange={setPlan} />
      ) : null}

      {step === 4 && plan ? (
        <div className="panel">
          <p>What to do with a source record the target holds already:</p>
          {EXISTING.map((x) => (
            <label key={x.value} className="inline check-row">
              <input
                type="radio"
                name="existing"
                checked={plan.existing === x.value}
                onChange={() => setPlan({ ...plan, existing: x.value })}
              />{" "}
              <strong>{x.label}</strong> <span className="muted">{x.detail}</span>
            </label>
          ))}
          <p className="muted">Next runs a dry run: both CRMs are read, nothing is written.</p>
        </div>
      ) : null}

      {step === 5 && dry && plan ? (
        <DryRunStep
          dry={dry}
          plan={plan}
          targetLabel={connections.find((c) => c.id === plan.target)?.label ?? "the target"}
          onFieldCreated={(object, from, created) =>
            attempt(async () => {
              const missing = new Set(
                dry.missing_fields
                  .filter((m) => m.source_object === object && m.source === from)
                  .map((m) => m.target),
              );
              const changed = {
                ...plan,
                objects: plan.objects.map((o) =>
                  o.source_object === object
                    ? {
                        ...o,
                        fields: o.fields.map((f) =>
                          f.source === from && missing.has(f.target) ? { ...f, target: created.name } : f,
                        ),
                      }
                    : o,
                ),
              };
              setPlan(changed);
              setOptions(null);
              await api.saveMigrationPlan(chosen(changed));
              setDry(await api.dryRunMigration(chosen(changed)));
            })
          }
        />
      ) : null}

      {step === RUN ? (
        <ProgressLine p={progress} onCancel={busy ? () => void api.cancelMigration() : undefined} />
      ) : null}

      {confirmRun && dry && plan ? (
        <Confirm
          title={`Run “${plan.name}” into ${targetName}?`}
          action={`Write to ${targetName}`}
          onConfirm={async () => void run()}
          onClose={() => setConfirmRun(false)}
          testid="confirm-run"
        >
          <p>
            This writes to <strong>{targetName}</strong>: {writes(dry) || "nothing new"}.
            {dry.with_problems
              ? ` ${countOf(dry.with_problems, "record")} with problems go to Failed records.`
              : ""}
          </p>
          <p className="muted">
            The workspace is backed up first; every record written is kept in the result file, and the whole
            run can be rolled back from its report.
          </p>
        </Confirm>
      ) : null}
      {leaving ? (
        <Confirm
          title={rollingBack ? "Leave while the rollback runs?" : "Leave while the migration runs?"}
          action={rollingBack ? "Close; the rollback goes on" : "Stop the run and close"}
          busyLabel="Stopping…"
          danger={!rollingBack}
          onConfirm={async () => {
            if (!rollingBack) await api.cancelMigration();
            onClose();
          }}
          onClose={() => setLeaving(false)}
          testid="confirm-leave-run"
        >
          <p>
            {rollingBack
              ? "A rollback is not stopped half-way: it goes on, and the migration's row says when it is rolled back."
              : "The run stops after the batch it is writing; what was written stays, and running the plan again goes on where it stopped."}
          </p>
        </Confirm>
      ) : null}

      {step === 7 && report ? <ReportStep report={report} onOpenFailed={onOpenFailed} /> : null}

      {step === 8 && report ? (
        <RollbackStep report={report} targetLabel={targetName} onRunning={setRollingBack} />
      ) : null}

      <div className="actions wizard-nav">
        <button disabled={busy || step === 0 || step === RUN} onClick={back} data-testid="wizard-back">
          Back
        </button>
        {step < 5 ? (
          <button className="primary" disabled={busy} onClick={() => void next()}>
            {step === 4 ? "Dry run" : "Next"}
          </button>
        ) : null}
        {step === DRY_RUN ? (
          <button
            className="primary"
            disabled={busy || !dry}
            onClick={() => setConfirmRun(true)}
            data-testid="run-migration"
          >
            Run the migration…
          </button>
        ) : null}
        {step === DRY_RUN && report ? (
          <button disabled={busy} onClick={() => setStep(REPORT)} data-testid="to-report">
            Last run&apos;s report
          </button>
        ) : null}
        {step === REPORT ? (
          <button disabled={busy} data-testid="to-rollback" onClick={() => setStep(8)}>
            Roll back…
          </button>
        ) : null}
        <button className="link" onClick={() => (running ? setLeaving(true) : onClose())}>
          Close (the plan is saved)
        </button>
      </div>
    </div>
  );
}
