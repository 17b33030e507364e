import { useCallback, useEffect, useState } from "react";
import type { MigrationReport } from "../../bindings/MigrationReport";
import { Confirm } from "../../components/Confirm";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useAttempt } from "../../components/useAttempt";
import { useCommand } from "../../components/useCommand";
import { countOf, formatCount, formatShortTime, objectTypeName } from "../../format";
import { api } from "../../ipc";
import { track } from "../../jobs";
import { ProgressLine, followMigration, useMigrationProgress } from "./RunStep";

/** Above this many records, the count is typed to confirm a rollback. */
const TYPE_TO_CONFIRM = 100;
const LISTED = 10;

/** Rolling a run back: what it writes, the target records changed since (left alone unless told), and
 *  a typed count before a large rollback. */
export function RollbackStep({
  report,
  targetLabel,
  onRunning,
}: {
  report: MigrationReport;
  targetLabel: string;
  /** The rollback started (true) or ended (false). */
  onRunning?: (running: boolean) => void;
}) {
  const id = report.migration_id;
  const load = useCallback(() => api.rollbackPreview(id), [id]);
  const preview = useCommand(load);
  const [overwrite, setOverwrite] = useState(false);
  const [typed, setTyped] = useState("");
  const { busy, error, attempt } = useAttempt();
  useEffect(() => onRunning?.(busy), [busy, onRunning]);
  const [done, setDone] = useState<MigrationReport | null>(null);
  const [asking, setAsking] = useState(false);
  const progress = useMigrationProgress();
  const p = preview.data;
  const changed = p?.changed_since ?? [];
  const writes = p ? p.records - (overwrite ? 0 : changed.length) : 0;
  const mustType = writes > TYPE_TO_CONFIRM;
  const confirmed = !mustType || typed.replace(/[ ,.]/g, "") === String(writes);

  const rollback = () =>
    attempt(async () => {
      setDone(
        await track(
          { label: `Rollback of migration #${id}`, screen: "migration" },
          () => api.rollbackMigration(id, overwrite),
          followMigration("rolling_back"),
        ),
      );
    });

  if (done) {
    return (
      <div className="panel">
        <p data-testid="rollback-result">
          Rolled back: {formatCount(done.rolled_back)} records deleted from the target or restored to their
          values before the run
          {done.failed ? `; ${done.failed} could not be (see the report)` : ""}
          {done.left_changed
            ? `; ${countOf(done.left_changed, "record")} changed since the run left alone`
            : ""}
          .
        </p>
      </div>
    );
  }
  return (
    <div className="panel rollback" data-testid="rollback-step">
      <ErrorBanner error={preview.error ?? error} />
      <p>
        Rolling back deletes the {formatCount(report.created)} records this migration created and writes back
        the values of the {formatCount(report.updated)} it updated. Linked and skipped records are not
        touched.
      </p>
      {!p ? <p className="muted">Reading the target to see what changed since the run…</p> : null}
      {changed.length > 0 ? (
        <div className="changed-since" data-testid="changed-since">
          <p>
            <strong>{countOf(changed.length, "record")} changed in the target since the run</strong> and are
            left alone:
          </p>
          <ul>
            {changed.slice(0, LISTED).map((c) => (
              <li key={`${c.object_type}-${c.remote_id}`}>
                {objectTypeName(c.object_type)} “{c.display_name}” — changed {formatShortTime(c.changed_at)}
              </li>
            ))}
            {changed.length > LISTED ? (
              <li className="muted">and {formatCount(changed.length - LISTED)} more</li>
            ) : null}
          </ul>
          <label className="check">
            <input
              type="checkbox"
              checked={overwrite}
              onChange={(e) => setOverwrite(e.target.checked)}
              data-testid="overwrite-changed"
            />
            Overwrite {countOf(changed.length, "record")} changed since
          </label>
        </div>
      ) : null}
      {asking && p ? (
        <Confirm
          title={`Roll back ${countOf(writes, "record")} in ${targetLabel}?`}
          action={`Roll back ${countOf(writes, "record")}`}
          danger
          ready={confirmed}
          onConfirm={async () => void rollback()}
          onClose={() => {
            setAsking(false);
            setTyped("");
          }}
          testid="confirm-rollback"
        >
          <p>
            In <strong>{targetLabel}</strong>, the records migration #{id} created are deleted and the ones it
            updated get their values from before the run back
            {overwrite || !changed.length
              ? ""
              : `; ${countOf(changed.length, "record")} changed since stay as they are`}
            . The workspace is backed up first.
          </p>
          {mustType ? (
            <label className="type-to-confirm">
              Type {writes} to roll back {countOf(writes, "record")}
              <input
                inputMode="numeric"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                data-testid="rollback-confirm"
                data-count={writes}
                autoComplete="off"
              />
            </label>
          ) : null}
        </Confirm>
      ) : null}
      {busy ? <ProgressLine p={progress} /> : null}
      <button className="danger" data-testid="rollback" disabled={busy || !p} onClick={() => setAsking(true)}>
        Roll back {p ? countOf(writes, "record") : ""} of migration #{id}…
      </button>
    </div>
  );
}
