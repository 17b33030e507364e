import { useCallback, useState } from "react";
import type { Connection } from "../../bindings/Connection";
import type { FailedGroup } from "../../bindings/FailedGroup";
import type { FailedQuery } from "../../bindings/FailedQuery";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Modal } from "../../components/Modal";
import { ConnectionName } from "../../components/ConnectionName";
import { useAttempt } from "../../components/useAttempt";
import { useCommand } from "../../components/useCommand";
import { countOf, formatCount, objectTypeName } from "../../format";
import { api } from "../../ipc";
import { track } from "../../jobs";
import { fieldLabel } from "../duplicates/fields";
import { CATEGORY_LABEL, OPERATION_LABEL } from "./labels";

/** The queue by cause: one row per problem, CRM, object, operation and field, with "Fix all N". */
export function Groups({
  query,
  connections,
  onDone,
}: {
  query: FailedQuery;
  connections: Map<number, Connection>;
  onDone: (message: string) => void;
}) {
  const load = useCallback(() => api.failedGroups(query), [query]);
  const { data, error, reload } = useCommand(load);
  const [fixing, setFixing] = useState<FailedGroup | null>(null);
  return (
    <>
      <ErrorBanner error={error} />
      <table className="grid" data-testid="failed-groups">
        <thead>
          <tr>
            <th>Problem</th>
            <th>CRM</th>
            <th>Write</th>
            <th>Field</th>
            <th>What the CRM said</th>
            <th className="num">Records</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((g) => {
            const connection = connections.get(g.connection_id);
            return (
              <tr key={g.ids[0]} data-testid="failed-group">
                <td>
                  <span className={`tag tag-${g.category}`}>{CATEGORY_LABEL[g.category]}</span>
                </td>
                <td className="nowrap">
                  <ConnectionName connection={connection} />
                </td>
                <td>
                  {OPERATION_LABEL[g.operation]} {objectTypeName(g.object_type).toLowerCase()}
                </td>
                <td className="mono">{g.field ?? "—"}</td>
                <td>
                  {g.message}
                  {g.messages > 1 ? (
                    <span className="muted"> (and {countOf(g.messages - 1, "other message")} like it)</span>
                  ) : null}
                </td>
                <td className="num">{formatCount(g.count)}</td>
                <td>
                  <button
                    onClick={() => setFixing(g)}
                    disabled={!g.field}
                    title={g.field ? undefined : "The CRM named no field: fix these one by one"}
                    className="nowrap"
                    data-testid="fix-all"
                  >
                    Fix all {formatCount(g.count)}…
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {fixing?.field ? (
        <FixAll
          group={fixing}
          field={fixing.field}
          onClose={() => setFixing(null)}
          onDone={(message) => {
            setFixing(null);
            reload();
            onDone(message);
          }}
        />
      ) : null}
    </>
  );
}

/** One value for the field in every write of the group (or the field taken out), then re-sent. */
function FixAll({
  group,
  field,
  onClose,
  onDone,
}: {
  group: FailedGroup;
  field: string;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [value, setValue] = useState("");
  const [remove, setRemove] = useState(false);
  const { busy, error, attempt } = useAttempt();
  const label = fieldLabel(field);
  const fix = () =>
    attempt(async () => {
      const s = await track(
        { label: `Fixing ${countOf(group.count, "failed record")}`, screen: "failed" },
        () => api.fixFailedGroup(group.ids, field, remove ? null : value),
      );
      onDone(`${countOf(s.resolved, "record")} written and out of the queue, ${s.failed} refused again.`);
    });
  return (
    <Modal
      title={`Fix all ${formatCount(group.count)}: ${label}`}
      onClose={onClose}
      busy={busy}
      testid="fix-group"
    >
      <p>
        Each of the {countOf(group.count, "write")} gets the same {label.toLowerCase()}, then all are sent
        again. What the CRM takes leaves the queue; what it refuses stays with its new message.
      </p>
      <ErrorBanner error={error} />
      <label className="stacked">
        New {label.toLowerCase()}
        <input
          value={value}
          onChange={(e) => setValue(e.target.value)}
          disabled={remove}
          data-testid="fix-value"
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={remove}
          onChange={(e) => setRemove(e.target.checked)}
          data-testid="fix-remove"
        />
        Take the {label.toLowerCase()} out of each write instead
      </label>
      <div className="actions">
        <button
          className="primary"
          onClick={() => void fix()}
          disabled={busy || (!remove && !value.trim())}
          data-testid="fix-confirm"
        >
          {busy ? "Sending…" : `Set and re-send ${formatCount(group.count)}`}
        </button>
        <button onClick={onClose} disabled={busy} data-cancel>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
