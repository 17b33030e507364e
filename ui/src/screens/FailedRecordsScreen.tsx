import { useCallback, useMemo, useState } from "react";
import type { Connection } from "../bindings/Connection";
import type { ErrorCategory } from "../bindings/ErrorCategory";
import type { FailedQuery } from "../bindings/FailedQuery";
import type { FailedRecord } from "../bindings/FailedRecord";
import { Confirm } from "../components/Confirm";
import { EmptyState } from "../components/EmptyState";
import { ConnectionFilter } from "../components/ConnectionFilter";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { ConnectionName } from "../components/ConnectionName";
import { countOf, displayNameOf, formatTime, objectTypeName } from "../format";
import { api } from "../ipc";
import { track } from "../jobs";
import { fieldLabel } from "./duplicates/fields";
import { Groups } from "./failed/Groups";
import { CATEGORY_LABEL, OPERATION_LABEL } from "./failed/labels";

/** Who a failed write was about, as the mirror names records: name, first + last, e-mail, domain, id. */
export function whoOf(record: FailedRecord): string {
  const domain = record.payload.domain;
  return (
    displayNameOf(record.payload) ??
    ((typeof domain === "string" && domain.trim()) || record.remote_id || "(no name)")
  );
}

/** A value as it can be typed: text as is, anything else as JSON. */
const editable = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
function parsed(text: string, was: unknown): unknown {
  if (typeof was === "string" || was === undefined) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One failed write: what the CRM said, the fields to fix (the one it named first), re-sync or discard. */
function Detail({
  record,
  connection,
  onDone,
}: {
  record: FailedRecord;
  connection: Connection | undefined;
  onDone: (message: string) => void;
}) {
  const keys = useMemo(() => {
    const all = Object.keys(record.payload);
    return record.field && all.includes(record.field)
      ? [record.field, ...all.filter((k) => k !== record.field)]
      : all;
  }, [record]);
  const [values, setValues] = useState<{ [key: string]: string }>(() =>
    Object.fromEntries(Object.entries(record.payload).map(([k, v]) => [k, editable(v)])),
  );
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const resync = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const payload = Object.fromEntries(keys.map((k) => [k, parsed(values[k] ?? "", record.payload[k])]));
      await api.editFailed(record.id, payload);
      const s = await api.resyncFailed({ category: null, connection: null, ids: [record.id] });
      onDone(
        s.resolved
          ? `Sent again: ${connection?.label ?? "the CRM"} took it, and it left the queue.`
          : "Refused again: the CRM's new message is shown.",
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const discard = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.discardFailed([record.id], reason);
      onDone("Discarded; it is kept with your reason.");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel failed-detail" data-testid="failed-detail">
      <h2>
        {OPERATION_LABEL[record.operation]} {objectTypeName(record.object_type).toLowerCase()} in{" "}
        <ConnectionName connection={connection} />
      </h2>
      <p className="crm-message" data-testid="crm-message">
        <span className={`tag tag-${record.category}`}>{CATEGORY_LABEL[record.category]}</span>{" "}
        {record.message}
      </p>
      <ErrorBanner error={error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void resync();
        }}
      >
        {keys.map((k) => (
          <label key={k} className={k === record.field ? "named" : undefined}>
            {fieldLabel(k)}
            {k === record.field ? <span className="small"> — the field the CRM named</span> : null}
            <input
              value={values[k] ?? ""}
              onChange={(e) => setValues({ ...values, [k]: e.target.value })}
              data-testid={`edit-${k}`}
              autoFocus={k === record.field}
            />
          </label>
        ))}
        <div className="actions">
          <button className="primary" type="submit" disabled={busy} data-testid="save-resync">
            {busy ? "Sending…" : "Save and re-sync"}
          </button>
        </div>
      </form>
      <div className="discard">
        <label>
          Or discard it, saying why
          <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. test data" />
        </label>
        <button className="danger" onClick={() => void discard()} disabled={busy || !reason.trim()}>
          Discard
        </button>
      </div>
    </div>
  );
}

export function FailedRecordsScreen({ onChanged }: { onChanged?: () => void }) {
  const [category, setCategory] = useState<ErrorCategory | "">("");
  const [connection, setConnection] = useState<number | "">("");
  const query: FailedQuery = useMemo(
    () => ({ category: category || null, connection: connection === "" ? null : connection, ids: [] }),
    [category, connection],
  );
  const load = useCallback(() => api.failedRecords(query, 0, 500), [query]);
  const { data, error, reload } = useCommand(load);
  const loadStatus = useCallback(() => api.status(), []);
  const status = useCommand(loadStatus);
  const connectionById = useMemo(
    () => new Map((status.data?.connections ?? []).map((c) => [c.connection.id, c.connection])),
    [status.data],
  );
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [open, setOpen] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [confirmAll, setConfirmAll] = useState(false);
  // A thousand failures read better by cause: one row per problem and field, with "Fix all".
  const [byCause, setByCause] = useState(false);

  const done = (message: string) => {
    setNotice(message);
    setSelected(new Set());
    reload();
    onChanged?.();
  };
  const resync = async (q: FailedQuery) => {
    setBusy(true);
    setActionError(undefined);
    try {
      const s = await track({ label: "Re-sending failed records", screen: "failed" }, () =>
        api.resyncFailed(q),
      );
      done(`${countOf(s.resolved, "record")} written and out of the queue, ${s.failed} refused again.`);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  const exportCsv = async () => {
    setActionError(undefined);
    try {
      setNotice(`Exported to ${await api.exportFailed(query)}`);
    } catch (e) {
      setActionError(e);
    }
  };
  const openRecord = data?.rows.find((r) => r.id === open);
  const filtered = category !== "" || connection !== "";
  const shownIn = [...new Set((data?.rows ?? []).map((r) => connectionById.get(r.connection_id)?.label))]
    .filter(Boolean)
    .join(", ");

  return (
    <section>
      <header className="screen-head with-actions">
        <div>
          <h1>Failed records</h1>
          <p className="lede">
            Every write a CRM refused waits here, from every connection, until you fix it and send it again or
            discard it. Nothing is dropped silently.
          </p>
        </div>
        <div className="actions">
          <button onClick={() => void exportCsv()} disabled={!data?.total} data-testid="export-failed">
            Export CSV
          </button>
        </div>
      </header>
      <div className="filters">
        <label>
          Problem
          <select
            value={category}
            onChange={(e) => setCategory(e.target.value as ErrorCategory | "")}
            data-testid="filter-category"
          >
            <option value="">All problems</option>
            {(Object.keys(CATEGORY_LABEL) as ErrorCategory[]).map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
        <ConnectionFilter
          connections={[...connectionById.values()]}
          value={connection}
          onChange={setConnection}
        />
      </div>
      <ErrorBanner error={error ?? actionError} />
      {notice ? (
        <p className="notice" role="status" data-testid="failed-notice">
          {notice}
        </p>
      ) : null}
      {data && data.total === 0 ? (
        <EmptyState title={filtered ? "Nothing matches" : "Nothing has failed"}>
          <p>
            When a sync or migration write is rejected — an invalid e-mail, a missing required field, an
            expired sign-in — the record lands here with the CRM's own message and the field it named.
          </p>
        </EmptyState>
      ) : null}
      {data && data.total > 0 ? (
        <>
          <div className="toolbar">
            <span className="muted">
              {countOf(data.total, "record")} {data.total === 1 ? "waits" : "wait"} for a fix
            </span>
            <button
              onClick={() => void resync({ category: null, connection: null, ids: [...selected] })}
              disabled={busy || selected.size === 0}
              data-testid="resync-selected"
            >
              Re-sync selected ({selected.size})
            </button>
            <button onClick={() => setConfirmAll(true)} disabled={busy} data-testid="resync-all">
              {filtered ? "Re-sync all shown…" : "Re-sync all…"}
            </button>
          </div>
          <nav className="tabs" role="tablist" aria-label="Show">
            <button
              role="tab"
              aria-selected={!byCause}
              onClick={() => setByCause(false)}
              data-testid="view-records"
            >
              Each record
            </button>
            <button
              role="tab"
              aria-selected={byCause}
              onClick={() => {
                setByCause(true);
                setOpen(null);
              }}
              data-testid="view-causes"
            >
              By cause
            </button>
          </nav>
          {byCause ? <Groups query={query} connections={connectionById} onDone={done} /> : null}
          {confirmAll ? (
            <Confirm
              title={`Send ${countOf(data.total, "record")} again?`}
              action={`Re-sync ${countOf(data.total, "record")}`}
              busyLabel="Sending…"
              onConfirm={() => resync(query)}
              onClose={() => setConfirmAll(false)}
              testid="confirm-resync-all"
            >
              <p>
                Each {filtered ? "shown " : ""}write is sent again as it stands now to {shownIn || "its CRM"}.
                What a CRM takes leaves the queue; what it refuses stays here with its new message.
              </p>
            </Confirm>
          ) : null}
          <div
            hidden={byCause}
            className={openRecord ? "failed-body with-detail" : "failed-body"}
            onKeyDown={(e) => {
              // Esc closes the detail from its row or from inside it, and focus returns to the row.
              if (e.key !== "Escape" || open === null) return;
              const row = document.querySelector<HTMLElement>(`[data-failed-id="${open}"]`);
              setOpen(null);
              row?.focus();
            }}
          >
            <div className="table-scroll">
              <table className="grid" data-testid="failed-records">
                <thead>
                  <tr>
                    <th>
                      <input
                        type="checkbox"
                        aria-label="Select all"
                        checked={selected.size > 0 && selected.size === data.rows.length}
                        onChange={(e) =>
                          setSelected(e.target.checked ? new Set(data.rows.map((r) => r.id)) : new Set())
                        }
                      />
                    </th>
                    <th>Record</th>
                    <th>Problem</th>
                    <th>CRM</th>
                    <th>Write</th>
                    <th>Field</th>
                    <th>What the CRM said</th>
                    <th className="num">Attempts</th>
                    <th>Since</th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((f) => (
                    <tr
                      key={f.id}
                      className={f.id === open ? "selected clickable" : "clickable"}
                      onClick={() => setOpen(f.id === open ? null : f.id)}
                      onKeyDown={(e) => {
                        if (e.target !== e.currentTarget) return;
                        if (e.key === "Enter" || e.key === " ") {
                          e.preventDefault();
                          setOpen(f.id === open ? null : f.id);
                        }
                      }}
                      tabIndex={0}
                      data-failed-id={f.id}
                      aria-current={f.id === open ? "true" : undefined}
                      data-testid="failed-row"
                    >
                      <td onClick={(e) => e.stopPropagation()}>
                        <input
                          type="checkbox"
                          aria-label={`Select ${whoOf(f)}`}
                          checked={selected.has(f.id)}
                          onChange={(e) => {
                            const next = new Set(selected);
                            if (e.target.checked) next.add(f.id);
                            else next.delete(f.id);
                            setSelected(next);
                          }}
                        />
                      </td>
                      <td className="who">{whoOf(f)}</td>
                      <td>
                        <span className={`tag tag-${f.category}`}>{CATEGORY_LABEL[f.category]}</span>
                      </td>
                      <td>
                        <ConnectionName connection={connectionById.get(f.connection_id)} />
                      </td>
                      <td>
                        {OPERATION_LABEL[f.operation]} {objectTypeName(f.object_type).toLowerCase()}
                        {f.remote_id ? <span className="mono muted"> {f.remote_id}</span> : null}
                      </td>
                      <td className="mono">{f.field ?? "—"}</td>
                      <td>{f.message}</td>
                      <td className="num">{f.attempts}</td>
                      <td>{formatTime(f.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {openRecord ? (
              <Detail
                key={`${openRecord.id}-${openRecord.attempts}`}
                record={openRecord}
                connection={connectionById.get(openRecord.connection_id)}
                onDone={(m) => {
                  setOpen(null);
                  done(m);
                }}
              />
            ) : null}
          </div>
        </>
      ) : null}
    </section>
  );
}
