import { useState } from "react";
import type { BulkMergePreview } from "../../bindings/BulkMergePreview";
import { Modal } from "../../components/Modal";
import { ProviderBadge } from "../../components/ProviderBadge";
import { countOf } from "../../format";
import { api } from "../../ipc";
import { track } from "../../jobs";
import { percent } from "./fields";

/** How many groups the preview lists by name; the rest are counted. */
const LISTED = 200;

/**
 * The preview of merging every group at the automatic threshold: which groups, then one confirmation.
 * Each merge is recorded and can be undone one by one in the history.
 */
export function BulkMerge({
  preview,
  onDone,
  onCancel,
}: {
  preview: BulkMergePreview;
  onDone: (message: string, error?: unknown) => void;
  onCancel: () => void;
}) {
  const [running, setRunning] = useState(false);
  const groups = preview.groups;
  const run = async () => {
    setRunning(true);
    try {
      const s = await track(
        { label: `Merging ${countOf(groups.length, "group")}`, screen: "duplicates" },
        () => api.mergeAllSafe(),
      );
      const failed = s.failed.length
        ? ` ${countOf(s.failed.length, "group")} could not be merged and stay in the list: ${s.failed
            .slice(0, 3)
            .map((f) => f.message)
            .join("; ")}`
        : "";
      onDone(`${countOf(s.merged, "group")} merged.${failed}`);
    } catch (e) {
      onDone("", e);
    } finally {
      setRunning(false);
    }
  };
  return (
    <Modal
      title={`Merge ${countOf(groups.length, "group")} without a look?`}
      onClose={onCancel}
      busy={running}
      className="wide bulk-merge"
      testid="bulk-merge"
    >
      <p className="muted">
        These groups scored {percent(preview.threshold)} or more: the engine is sure they are one entity. Each
        is merged with the default plan (the most complete record is kept, blanks filled from the others);
        every merge is recorded and can be undone in the history.
      </p>
      <ul className="bulk-list">
        {groups.slice(0, LISTED).map((g) => (
          <li key={g.id}>
            <span className="score">{percent(g.score)}</span> {g.names.join(" · ")}{" "}
            {[...new Set(g.providers)].map((p) => (
              <ProviderBadge key={p} provider={p} />
            ))}
          </li>
        ))}
        {groups.length > LISTED ? (
          <li className="muted">and {countOf(groups.length - LISTED, "more group")}</li>
        ) : null}
      </ul>
      <div className="actions">
        <button
          className="primary"
          onClick={() => void run()}
          disabled={running || !groups.length}
          data-testid="confirm-bulk"
        >
          {running ? "Merging…" : `Merge ${countOf(groups.length, "group")}`}
        </button>
        <button onClick={onCancel} disabled={running} data-cancel>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
