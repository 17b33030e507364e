import { useEffect, useMemo, useState } from "react";
import type { MigrationProgress } from "../../bindings/MigrationProgress";
import type { MigrationReport } from "../../bindings/MigrationReport";
import type { MigrationResult } from "../../bindings/MigrationResult";
import type { MigrationStep } from "../../bindings/MigrationStep";
import { countOf, formatCount, formatDuration, objectTypeName } from "../../format";
import { api } from "../../ipc";
import type { Job } from "../../jobs";

/** Where a run or a rollback is, after every batch. */
export function ProgressLine({ p, onCancel }: { p: MigrationProgress | null; onCancel?: () => void }) {
  if (!p) return null;
  // The bar and the time left are the whole run's; the words say which object is being written.
  const overall =
    p.step === "pulling"
      ? "Reading both CRMs…"
      : `${formatCount(p.overall_done)} of ${formatCount(p.overall_planned)} records`;
  const current =
    p.step === "writing" && p.object_type
      ? ` · now writing ${objectTypeName(p.object_type).toLowerCase()} records: ${formatCount(p.done)} of ${formatCount(p.planned)}`
      : p.step === "rolling_back"
        ? " rolled back"
        : "";
  const eta =
    p.eta_seconds != null && p.step === "writing"
      ? ` · about ${formatDuration(Math.ceil(p.eta_seconds))} left`
      : "";
  return (
    <div className="sync-progress" data-testid="migration-progress">
      <progress
        aria-label={p.step === "rolling_back" ? "Rollback progress" : "Migration progress"}
        max={Math.max(p.overall_planned, 1)}
        value={p.step === "pulling" ? undefined : p.overall_done}
      />
      <span>
        {overall}
        {current}
        {eta}
      </span>
      {onCancel ? <button onClick={onCancel}>Cancel</button> : null}
    </div>
  );
}

/** A migration job's progress for the sidebar (`track`'s `follow`): the whole run's, from the
 *  events of this step. */
export const followMigration =
  (step: MigrationStep) =>
  (update: (progress: Job["progress"]) => void): Promise<() => void> =>
    api.onMigrationProgress((p) =>
      update(p.step === step ? { done: p.overall_done, total: p.overall_planned } : undefined),
    );

export function useMigrationProgress(): MigrationProgress | null {
  const [progress, setProgress] = useState<MigrationProgress | null>(null);
  useEffect(() => {
    const unlisten = api.onMigrationProgress(setProgress);
    return () => {
      void unlisten.then((f) => f());
    };
  }, []);
  return progress;
}

/** What a run did, the result file's lines (failed ones first), and where its failures wait. */
export function ReportStep({ report, onOpenFailed }: { report: MigrationReport; onOpenFailed?: () => void }) {
  const [results, setResults] = useState<MigrationResult[]>([]);
  const [onlyFailed, setOnlyFailed] = useState(report.failed > 0);
  useEffect(() => {
    void api.migrationResults(report.migration_id).then(setResults);
  }, [report]);
  const shown = useMemo(
    () =>
      results
        .filter((r) => !onlyFailed || r.status === "failed")
        .sort((a, b) => Number(b.status === "failed") - Number(a.status === "failed")),
    [results, onlyFailed],
  );
  return (
    <>
      <div className="summary-line" data-testid="migration-report">
        Run {report.run}: {formatCount(report.created)} created, {formatCount(report.updated)} updated,{" "}
        {formatCount(report.linked)} linked, {formatCount(report.skipped)} skipped,{" "}
        {formatCount(report.unchanged)} already up to date,{" "}
        <span className={report.failed ? "alert-text" : ""}>{formatCount(report.failed)} failed</span>
        {report.rolled_back ? `, ${formatCount(report.rolled_back)} rolled back` : ""}.
        {report.failed > 0 && onOpenFailed ? (
          <>
            {" "}
            <button className="link" onClick={onOpenFailed}>
              Open them in Failed records
            </button>{" "}
            to fix and re-sync.
          </>
        ) : null}
      </div>
      <div className="toolbar">
        <label className="inline">
          <input type="checkbox" checked={onlyFailed} onChange={(e) => setOnlyFailed(e.target.checked)} />{" "}
          Only failed
        </label>
        <span className="muted">
          {countOf(results.length, "source record")} accounted for, failed ones first
        </span>
      </div>
      <table className="grid compact" data-testid="migration-results">
        <thead>
          <tr>
            <th>Object</th>
            <th>Source id</th>
            <th>Target id</th>
            <th>Action</th>
            <th>Status</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, 200).map((r) => (
            <tr key={`${r.object_type}-${r.source_remote_id}`}>
              <td>{objectTypeName(r.object_type)}</td>
              <td>{r.source_remote_id}</td>
              <td>{r.target_remote_id}</td>
              <td>{r.unchanged ? "nothing (up to date)" : r.action}</td>
              <td className={r.status === "failed" ? "alert-text" : ""}>{r.status.replace("_", " ")}</td>
              <td>{r.error}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
