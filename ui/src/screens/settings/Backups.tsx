import { useCallback, useState } from "react";
import type { BackupFile } from "../../bindings/BackupFile";
import { Confirm } from "../../components/Confirm";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useCommand } from "../../components/useCommand";
import { formatShortTime } from "../../format";
import { api } from "../../ipc";

const REASONS: Record<string, string> = {
  "before-bulk-merge": "Before merging all safe groups",
  "before-migration-run": "Before a migration run",
  "before-migration-rollback": "Before a migration rollback",
  "before-disconnect": "Before removing a connection",
  "before-restore": "Before restoring a backup",
};

const reasonLabel = (reason: string) =>
  REASONS[reason] ?? (reason.startsWith("before-schema-") ? "Before upgrading the workspace" : reason);

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** The backups taken before anything that could lose data, each restorable. */
export function Backups({ onChanged }: { onChanged: () => void }) {
  const load = useCallback(() => api.backups(), []);
  const { data, error, reload } = useCommand(load);
  const [confirming, setConfirming] = useState<BackupFile | null>(null);
  const [notice, setNotice] = useState("");

  const restore = async (backup: BackupFile) => {
    const saved = await api.restoreBackup(fileName(backup.path));
    setNotice(
      `Restored the backup of ${formatShortTime(backup.taken_at)}. The workspace as it was just before is kept as a backup too (${fileName(saved.path)}).`,
    );
    reload();
    onChanged();
  };

  return (
    <div data-testid="backups-taken">
      <p>
        CRM Bridge copies this workspace before anything that could lose data: upgrading it, merging all safe
        groups, running or rolling back a migration, removing a connection. Backups are readable only by you.
      </p>
      <ErrorBanner error={error} />
      {notice ? (
        <p className="notice" role="status" data-testid="restore-notice">
          {notice}
        </p>
      ) : null}
      {confirming ? (
        <Confirm
          title={`Restore the backup of ${formatShortTime(confirming.taken_at)}?`}
          action="Restore"
          busyLabel="Restoring…"
          danger
          onConfirm={() => restore(confirming)}
          onClose={() => setConfirming(null)}
          testid="confirm-restore"
        >
          <p>
            The workspace goes back to how it was then: mirrored records, duplicates, merge history,
            migrations, sync state and failed records. Your CRMs are not changed. What the workspace holds now
            is backed up first, so this can be undone the same way.
          </p>
        </Confirm>
      ) : null}
      {data && data.length === 0 ? <p className="muted">No backups yet.</p> : null}
      {data && data.length > 0 ? (
        <table className="grid" data-testid="backups">
          <thead>
            <tr>
              <th>Taken</th>
              <th>Why</th>
              <th className="num">Size</th>
              <th>File</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {data.map((b) => (
              <tr key={b.path}>
                <td className="nowrap">{formatShortTime(b.taken_at)}</td>
                <td>{reasonLabel(b.reason)}</td>
                <td className="num nowrap">{megabytes(b.bytes)}</td>
                <td className="mono small" title={b.path}>
                  {fileName(b.path)}
                </td>
                <td>
                  <button
                    onClick={() => setConfirming(b)}
                    aria-label={`Restore the backup of ${formatShortTime(b.taken_at)}`}
                  >
                    Restore…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
