import { useCallback, useEffect, useMemo, useState } from "react";
import type { ScreenId } from "../App";
import type { NewSyncPair } from "../bindings/NewSyncPair";
import type { SyncPair } from "../bindings/SyncPair";
import type { SyncProgress } from "../bindings/SyncProgress";
import { Confirm } from "../components/Confirm";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { ConnectionName } from "../components/ConnectionName";
import { useCommand } from "../components/useCommand";
import { countOf, formatCount, objectTypeName } from "../format";
import { api } from "../ipc";
import { track } from "../jobs";
import { PairEditor } from "./sync/PairEditor";
import { DeletionHistory } from "./sync/DeletionHistory";
import { RunHistory } from "./sync/RunHistory";

type Editing = { id: number | null; pair: NewSyncPair } | null;

function ProgressLine({ p, onCancel }: { p: SyncProgress; onCancel: () => void }) {
  const what =
    p.phase === "pulling"
      ? "Reading both sides…"
      : `Sending ${p.object_type ? objectTypeName(p.object_type).toLowerCase() : "writes left from the last run"}: ${formatCount(p.sent)} of ${formatCount(p.planned)}`;
  const eta =
    p.eta_seconds != null && p.phase === "sending" ? `, about ${Math.ceil(p.eta_seconds)} s left` : "";
  return (
    <div className="sync-progress" data-testid="sync-progress">
      <progress
        aria-label="Sync progress"
        max={Math.max(p.planned, 1)}
        value={p.phase === "pulling" ? undefined : p.sent}
      />
      <span>
        {what}
        {p.rate > 0 && p.phase === "sending" ? ` (${p.rate.toFixed(0)}/s${eta})` : ""} · {p.counts.created}{" "}
        created, {p.counts.updated} updated, {p.counts.failed} failed
      </span>
      <button onClick={onCancel}>Cancel</button>
    </div>
  );
}

/** What the pair does with deletions, when it does anything. */
function deletionSummary(p: SyncPair): string {
  const carry = p.objects.filter((o) => o.deletions === "carry").map((o) => objectTypeName(o.object_type));
  const ask = p.objects.filter((o) => o.deletions === "ask").map((o) => objectTypeName(o.object_type));
  return [
    carry.length ? ` · deletions carried: ${carry.join(", ")}` : "",
    ask.length ? ` · deletions asked about: ${ask.join(", ")}` : "",
  ].join("");
}

export function SyncScreen({
  onChanged,
  onOpen,
}: {
  onChanged?: () => void;
  /** Opens another screen (a run's failed records or conflicts). */
  onOpen?: (screen: ScreenId) => void;
}) {
  const loadPairs = useCallback(() => api.syncPairs(), []);
  const pairs = useCommand(loadPairs);
  const loadStatus = useCallback(() => api.status(), []);
  const status = useCommand(loadStatus);
  const loadRuns = useCallback(() => api.syncRuns(null, 200), []);
  const runs = useCommand(loadRuns);
  const connections = useMemo(
    () => new Map((status.data?.connections ?? []).map((c) => [c.connection.id, c.connection])),
    [status.data],
  );
  const [editing, setEditing] = useState<Editing>(null);
  const [choice, setChoice] = useState<{ a: number | ""; b: number | "" }>({ a: "", b: "" });
  const [progress, setProgress] = useState<Map<number, SyncProgress>>(new Map());
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  // A pair's first run (it writes to both CRMs) and a removal wait for a confirmation.
  const [asking, setAsking] = useState<{ what: "first-run" | "remove"; pair: SyncPair } | null>(null);

  useEffect(() => {
    const off = api.onSyncProgress((p) =>
      setProgress((old) => {
        const next = new Map(old);
        if (p.phase === "pulling" || p.phase === "sending") next.set(p.pair_id, p);
        else next.delete(p.pair_id);
        return next;
      }),
    );
    return () => void off.then((f) => f());
  }, []);

  const startNew = async () => {
    if (choice.a === "" || choice.b === "") return;
    setError(undefined);
    try {
      setEditing({ id: null, pair: await api.suggestSyncPair(choice.a, choice.b) });
    } catch (e) {
      setError(e);
    }
  };
  const save = async (pair: NewSyncPair) => {
    const saved =
      editing?.id == null ? await api.addSyncPair(pair) : await api.updateSyncPair(editing.id, pair);
    setEditing(null);
    setNotice(`Saved the rules of “${saved.name}”.`);
    pairs.reload();
  };
  const run = async (p: SyncPair) => {
    setError(undefined);
    setNotice(undefined);
    try {
      const r = await track(
        { label: `Sync “${p.name}”`, screen: "sync", cancel: () => void api.cancelSync(p.id) },
        () => api.runSync(p.id),
        (update) =>
          api.onSyncProgress((s) => {
            if (s.pair_id === p.id)
              update(s.phase === "sending" ? { done: s.sent, total: Math.max(s.planned, 1) } : undefined);
          }),
      );
      const c = r.counts;
      setNotice(
        r.status === "cancelled"
          ? `Cancelled “${p.name}”; what was not sent yet goes first next time.`
          : `Synced “${p.name}”: ${c.created} created, ${c.updated} updated, ${c.deleted} deleted, ${c.unchanged} unchanged, ${c.failed} failed, ${countOf(c.conflicts, "conflict")}.`,
      );
    } catch (e) {
      setError(e);
    } finally {
      runs.reload();
      onChanged?.();
    }
  };
  const remove = async (p: SyncPair) => {
    await api.removeSyncPair(p.id);
    setNotice(`Removed “${p.name}”. Both CRMs keep their records.`);
    pairs.reload();
  };
  const sideLabel = (id: number) => connections.get(id)?.label ?? "a removed connection";
  const list = pairs.data ?? [];
  const all = [...connections.values()];

  return (
    <section>
      <header className="screen-head">
        <h1>Sync</h1>
        <p className="lede">
          Keep two CRMs in agreement, field by field. Every write is stored before it is sent, so nothing is
          lost if the app or the network stops; what a CRM refuses waits in Failed records.
        </p>
      </header>
      <ErrorBanner error={pairs.error ?? status.error ?? error} />
      {notice ? (
        <p className="notice" role="status" data-testid="sync-notice">
          {notice}
        </p>
      ) : null}
      {asking?.what === "first-run" ? (
        <Confirm
          title={`First sync of “${asking.pair.name}”?`}
          action={`Sync ${sideLabel(asking.pair.a)} and ${sideLabel(asking.pair.b)}`}
          onConfirm={async () => void run(asking.pair)}
          onClose={() => setAsking(null)}
          testid="confirm-first-sync"
        >
          <p>
            This pair has never run. Both CRMs are read, then each gets what the other has and it lacks:{" "}
            {asking.pair.objects.map((o) => objectTypeName(o.object_type).toLowerCase()).join(", ")} are
            created or updated in <strong>{sideLabel(asking.pair.a)}</strong> and in{" "}
            <strong>{sideLabel(asking.pair.b)}</strong> by the pair&apos;s rules.
          </p>
          <p className="muted">
            Every write is recorded before it is sent; what a CRM refuses waits in Failed records.
          </p>
        </Confirm>
      ) : null}
      {asking?.what === "remove" ? (
        <Confirm
          title={`Remove the sync pair “${asking.pair.name}”?`}
          action="Remove sync pair"
          busyLabel="Removing…"
          danger
          onConfirm={() => remove(asking.pair)}
          onClose={() => setAsking(null)}
          testid="confirm-remove-pair"
        >
          <p>
            Its rules go and scheduled runs stop. Nothing changes in {sideLabel(asking.pair.a)} or{" "}
            {sideLabel(asking.pair.b)}: both keep their records as they are now.
          </p>
        </Confirm>
      ) : null}
      {editing ? (
        <PairEditor
          initial={editing.pair}
          connections={connections}
          onSave={save}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {pairs.data && list.length === 0 && !editing ? (
        <EmptyState title="No sync pairs yet">
          <p>
            Choose two connected CRMs to keep in sync. You can set a rule for every field before the first
            run.
          </p>
        </EmptyState>
      ) : null}
      {!editing ? (
        <div className="toolbar new-pair">
          <label>
            Side A
            <select
              value={choice.a}
              onChange={(e) => setChoice({ ...choice, a: Number(e.target.value) })}
              data-testid="pair-a"
            >
              <option value="">Choose a connection</option>
              {all.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <span aria-hidden>⇄</span>
          <label>
            Side B
            <select
              value={choice.b}
              onChange={(e) => setChoice({ ...choice, b: Number(e.target.value) })}
              data-testid="pair-b"
            >
              <option value="">Choose a connection</option>
              {all
                .filter((c) => c.id !== choice.a)
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label}
                  </option>
                ))}
            </select>
          </label>
          <button
            className="primary"
            onClick={() => void startNew()}
            disabled={choice.a === "" || choice.b === "" || choice.a === choice.b}
            data-testid="new-pair"
          >
            New sync pair…
          </button>
        </div>
      ) : null}
      {list.map((p) => {
        const mine = (runs.data ?? []).filter((r) => r.pair_id === p.id);
        const live = progress.get(p.id);
        return (
          <article key={p.id} className="panel pair" data-testid="sync-pair">
            <div className="pair-head">
              <div>
                <h2>{p.name}</h2>
                <p>
                  <ConnectionName connection={connections.get(p.a)} missing="a removed connection" /> ⇄{" "}
                  <ConnectionName connection={connections.get(p.b)} missing="a removed connection" /> ·{" "}
                  {p.objects
                    .map((o) =>
                      o.b_object_type && o.b_object_type !== o.object_type
                        ? `${objectTypeName(o.object_type)} ⇄ ${objectTypeName(o.b_object_type)}`
                        : objectTypeName(o.object_type),
                    )
                    .join(", ")}{" "}
                  · {p.every_minutes ? `every ${p.every_minutes} min while the app is open` : "on demand"} ·{" "}
                  {p.conflicts === "ask" ? "conflicts: ask me" : "conflicts: latest change wins"}
                  {deletionSummary(p)}
                </p>
              </div>
              <div className="actions">
                <button
                  className="primary"
                  onClick={() => (mine.length ? void run(p) : setAsking({ what: "first-run", pair: p }))}
                  disabled={!!live}
                  data-testid="run-sync"
                >
                  {live ? "Syncing…" : "Sync now"}
                </button>
                <button
                  onClick={() => setEditing({ id: p.id, pair: p })}
                  disabled={!!live}
                  data-testid="edit-pair"
                >
                  Edit rules
                </button>
                <button
                  className="danger"
                  onClick={() => setAsking({ what: "remove", pair: p })}
                  disabled={!!live}
                  data-testid="remove-pair"
                >
                  Remove…
                </button>
              </div>
            </div>
            {live ? <ProgressLine p={live} onCancel={() => void api.cancelSync(p.id)} /> : null}
            <h3>Runs</h3>
            <RunHistory runs={mine.slice(0, 10)} onOpen={onOpen} />
            <DeletionHistory
              key={`${p.id}-${mine.length}`}
              pairId={p.id}
              labels={{ a: connections.get(p.a)?.label ?? "A", b: connections.get(p.b)?.label ?? "B" }}
            />
          </article>
        );
      })}
    </section>
  );
}
