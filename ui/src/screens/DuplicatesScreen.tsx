import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { BulkMergePreview } from "../bindings/BulkMergePreview";
import type { DuplicateGroup } from "../bindings/DuplicateGroup";
import type { DuplicateGroupRow } from "../bindings/DuplicateGroupRow";
import type { KeepRule } from "../bindings/KeepRule";
import type { MergeEntry } from "../bindings/MergeEntry";
import type { MergePreview } from "../bindings/MergePreview";
import type { Provider } from "../bindings/Provider";
import type { RecordId } from "../bindings/RecordId";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProviderBadge } from "../components/ProviderBadge";
import { countOf, formatCount, listOf, objectTypeName, providerLabel } from "../format";
import { api } from "../ipc";
import { track } from "../jobs";
import { PageCache } from "../records/pages";
import { BulkMerge } from "./duplicates/BulkMerge";
import { Comparison, Why } from "./duplicates/Comparison";
import { percent } from "./duplicates/fields";
import { MergeHistory } from "./duplicates/MergeHistory";

/** Groups fetched a page at a time into a virtual list: 50,000 groups cost what 50 do. */
const GROUP_PAGE = 100;
const GROUP_ROW_HEIGHT = 64;

function GroupRow({
  row,
  selected,
  onSelect,
}: {
  row: DuplicateGroupRow;
  selected: boolean;
  onSelect: () => void;
}) {
  const crms = [...new Set(row.providers)];
  return (
    <button className={selected ? "group selected" : "group"} onClick={onSelect} data-testid="group">
      <span className="score">{percent(row.score)}</span>
      <span className="names">{row.names.join(" · ")}</span>
      <span className="crms" title={crms.map((p) => providerLabel[p]).join(", ")}>
        {crms.slice(0, 2).map((p) => (
          <ProviderBadge key={p} provider={p} />
        ))}
        {crms.length > 2 ? <span className="muted small nowrap">+{crms.length - 2}</span> : null}
      </span>
    </button>
  );
}

type Tab = "review" | "history";

/** The person's picks for the group on screen: the record to keep and values chosen field by field. */
interface Picks {
  group: number;
  master: RecordId | null;
  overrides: { [field: string]: unknown };
}

export function DuplicatesScreen({ onChanged }: { onChanged?: () => void }) {
  const [tab, setTab] = useState<Tab>("review");
  const cache = useRef(new PageCache<DuplicateGroupRow>(GROUP_PAGE)).current;
  const [total, setTotal] = useState<number | null>(null);
  const [, setVersion] = useState(0);
  const [index, setIndex] = useState(0);
  const [group, setGroup] = useState<DuplicateGroup | undefined>(undefined);
  const [picks, setPicks] = useState<Picks | undefined>(undefined);
  /** How the record to keep is picked, for every group until changed. */
  const [rule, setRule] = useState<KeepRule>({ rule: "most_complete" });
  const [preview, setPreview] = useState<MergePreview | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [finding, setFinding] = useState(false);
  const [merging, setMerging] = useState(false);
  const [found, setFound] = useState<string | undefined>(undefined);
  const [merged, setMerged] = useState<MergeEntry | undefined>(undefined);
  // The last group dismissed, for its Undo (a dismissal also teaches the next run, so it is undoable).
  const [dismissed, setDismissed] = useState<{ id: number; names: string } | undefined>(undefined);
  const [bulk, setBulk] = useState<BulkMergePreview | undefined>(undefined);
  const scrollRef = useRef<HTMLDivElement>(null);

  const fetchPages = useCallback(
    (pages: number[], generation: number) => {
      for (const page of pages) {
        api
          .duplicateGroups(page * cache.pageSize, cache.pageSize)
          .then((result) => {
            if (cache.fill(page, result.rows, generation)) {
              setTotal(result.total);
              setVersion((v) => v + 1);
            }
          })
          .catch((e: unknown) => {
            cache.release(page, generation);
            setError(e);
          });
      }
    },
    [cache],
  );

  /** The list changed (a decision, a new scan): reload it, keeping the position. */
  const refresh = useCallback(() => {
    const generation = cache.reset();
    fetchPages(cache.claim(0, 0), generation);
  }, [cache, fetchPages]);

  useEffect(() => refresh(), [refresh]);

  // The virtualizer re-measures on every render by design; React Compiler memoisation does not apply.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => GROUP_ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total) fetchPages(cache.claim(Math.min(first, index), Math.max(last, index)), cache.generation);
  }, [cache, fetchPages, first, last, index, total]);

  const current = total ? cache.row(Math.min(index, total - 1)) : undefined;
  const currentId = current?.id;

  useEffect(() => {
    if (currentId === undefined) return;
    let live = true;
    api
      .duplicateGroup(currentId)
      .then((g) => live && setGroup(g))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [currentId]);

  // The plan follows the picks; picks made for another group do not apply to this one.
  const choice = picks && picks.group === currentId ? picks : undefined;
  useEffect(() => {
    if (currentId === undefined) return;
    let live = true;
    api
      .mergePreview(currentId, { master: choice?.master ?? null, rule, overrides: choice?.overrides ?? {} })
      .then((p) => live && setPreview(p))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [currentId, choice, rule]);

  const keep = (id: RecordId) =>
    currentId !== undefined && setPicks({ group: currentId, master: id, overrides: choice?.overrides ?? {} });
  const pick = (field: string, value: unknown) =>
    currentId !== undefined &&
    setPicks({
      group: currentId,
      master: choice?.master ?? preview?.master ?? null,
      overrides: { ...(choice?.overrides ?? {}), [field]: value },
    });

  const move = useCallback(
    (step: number) => {
      if (!total) return;
      const next = (index + step + total) % total;
      setIndex(next);
      virtualizer.scrollToIndex(next);
    },
    [index, total, virtualizer],
  );

  /** After a decision the next group moves up into this place; at the end, step back. */
  const decided = useCallback(() => {
    if (total !== null && index >= total - 1) setIndex(Math.max(0, index - 1));
    refresh();
    onChanged?.();
  }, [index, total, refresh, onChanged]);

  const dismiss = useCallback(async () => {
    if (currentId === undefined) return;
    setError(undefined);
    try {
      await api.dismissDuplicateGroup(currentId);
      setMerged(undefined);
      setDismissed({ id: currentId, names: current?.names.join(" · ") ?? `group ${currentId}` });
      decided();
    } catch (e) {
      setError(e);
    }
  }, [currentId, current, decided]);

  const undoDismiss = async () => {
    if (!dismissed) return;
    setError(undefined);
    try {
      await api.reopenDuplicateGroup(dismissed.id);
      setDismissed(undefined);
      setFound(`“${dismissed.names}” is back in the list.`);
      refresh();
      onChanged?.();
    } catch (e) {
      setError(e);
    }
  };

  const merge = useCallback(async () => {
    if (currentId === undefined || merging || !preview || preview.group_id !== currentId) return;
    setMerging(true);
    setError(undefined);
    setMerged(undefined);
    setDismissed(undefined);
    try {
      const entry = await api.mergeGroup(currentId, {
        master: preview.master,
        rule,
        overrides: choice?.overrides ?? {},
      });
      setMerged(entry);
      decided();
    } catch (e) {
      setError(e);
    } finally {
      setMerging(false);
    }
  }, [currentId, merging, preview, choice, rule, decided]);

  const undoLast = async () => {
    if (!merged) return;
    setError(undefined);
    try {
      await api.undoMerge(merged.id);
      setMerged(undefined);
      setFound(`Merge of “${merged.master_name}” undone; the group is back in the list.`);
      refresh();
      onChanged?.();
    } catch (e) {
      setError(e);
    }
  };

  // The review's shortcuts: only with focus inside the review, never from a form control (a select
  // takes letters to pick an option), never with Ctrl, ⌘ or Alt held (Ctrl+N, ⌘M belong to the system).
  const onReviewKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || bulk) return;
    const t = e.target as HTMLElement;
    if (t.closest("input, select, textarea, [contenteditable=true]")) return;
    const key = e.key.toLowerCase();
    if (key === "m") void merge();
    else if (key === "n") void dismiss();
    else if (key === "s" || key === "j" || e.key === "ArrowDown") move(1);
    else if (key === "k" || e.key === "ArrowUp") move(-1);
    else return;
    e.preventDefault();
  };

  const find = async () => {
    setFinding(true);
    setError(undefined);
    try {
      const s = await track({ label: "Finding duplicates", screen: "duplicates" }, () =>
        api.findDuplicates([]),
      );
      setFound(
        `${formatCount(s.records)} records compared: ${countOf(s.groups, "group")} of duplicates, ${formatCount(s.new_groups)} new.`,
      );
      setIndex(0);
      refresh();
      onChanged?.();
    } catch (e) {
      setError(e);
    } finally {
      setFinding(false);
    }
  };

  const openBulk = async () => {
    setError(undefined);
    try {
      const preview = await api.bulkMergePreview();
      if (preview.groups.length) setBulk(preview);
      else
        setFound(
          `No group is safe to merge without a look: none scores ${percent(preview.threshold)} or more. Review them one by one.`,
        );
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="duplicates">
      <header className="screen-head with-actions">
        <div>
          <h1>Duplicates</h1>
          <p className="lede">
            Records that look like the same person or company, within one CRM or across several, best matches
            first.
          </p>
        </div>
        <div className="actions">
          {tab === "review" ? (
            <>
              <button
                onClick={() => void openBulk()}
                disabled={!total || bulk !== undefined}
                data-testid="bulk-merge-open"
              >
                Merge safe groups…
              </button>
              <button
                className="primary"
                onClick={() => void find()}
                disabled={finding}
                data-testid="find-duplicates"
              >
                {finding ? "Comparing records…" : "Find duplicates"}
              </button>
            </>
          ) : null}
        </div>
      </header>
      <nav className="tabs" role="tablist">
        <button
          role="tab"
          aria-selected={tab === "review"}
          onClick={() => setTab("review")}
          data-testid="tab-review"
        >
          To review{total ? ` (${formatCount(total)})` : ""}
        </button>
        <button
          role="tab"
          aria-selected={tab === "history"}
          onClick={() => setTab("history")}
          data-testid="tab-history"
        >
          Merge history
        </button>
      </nav>
      <ErrorBanner error={error} />
      {tab === "history" ? (
        <MergeHistory
          onChanged={() => {
            refresh();
            onChanged?.();
          }}
        />
      ) : (
        <>
          {found ? (
            <p className="muted" data-testid="found">
              {found}
            </p>
          ) : null}
          {dismissed && !merged ? (
            <p className="notice" role="status" data-testid="dismissed-notice">
              “{dismissed.names}” marked as not a duplicate; the next search keeps them apart.{" "}
              <button className="link" onClick={() => void undoDismiss()} data-testid="undo-dismiss">
                Undo
              </button>
            </p>
          ) : null}
          {merged ? (
            <p className="notice" role="status" data-testid="merged-notice">
              Merged into “{merged.master_name}” in{" "}
              {listOf([...new Set(merged.members.map((m) => providerLabel[m.provider]))])}.{" "}
              <button className="link" onClick={() => void undoLast()} data-testid="undo-last">
                Undo
              </button>
            </p>
          ) : null}
          {bulk ? (
            <BulkMerge
              preview={bulk}
              onCancel={() => setBulk(undefined)}
              onDone={(message, e) => {
                setBulk(undefined);
                if (e) setError(e);
                else setFound(message);
                setIndex(0);
                refresh();
                onChanged?.();
              }}
            />
          ) : null}
          {total === 0 ? (
            <EmptyState title="No duplicate candidates">
              <p>
                "Find duplicates" compares the people and companies of every connected CRM. Records that look
                like one entity — within one CRM or across several — are listed here with the reasons they
                matched, to review side by side.
              </p>
            </EmptyState>
          ) : null}
          {total ? (
            <div
              className="review"
              role="region"
              aria-label="Review: M merges, N is not a duplicate, S skips"
              aria-keyshortcuts="M N S"
              tabIndex={-1}
              onKeyDown={onReviewKey}
              data-testid="review"
            >
              <aside>
                <p className="muted small" data-testid="groups-count">
                  {countOf(total, "group")} to review
                </p>
                <div className="groups" ref={scrollRef} data-testid="duplicate-groups">
                  <ul
                    style={{ height: virtualizer.getTotalSize(), position: "relative" }}
                    aria-label="Groups to review"
                  >
                    {items.map((item) => {
                      const row = cache.row(item.index);
                      return (
                        <li
                          key={item.key}
                          // Only the visible groups are in the page: each says where it is in the whole list.
                          aria-setsize={total}
                          aria-posinset={item.index + 1}
                          style={{
                            position: "absolute",
                            top: 0,
                            left: 0,
                            right: 0,
                            height: GROUP_ROW_HEIGHT,
                            transform: `translateY(${item.start}px)`,
                          }}
                        >
                          {row ? (
                            <GroupRow
                              row={row}
                              selected={item.index === index}
                              onSelect={() => setIndex(item.index)}
                            />
                          ) : (
                            <div className="group loading">…</div>
                          )}
                        </li>
                      );
                    })}
                  </ul>
                </div>
              </aside>
              {group && group.id === currentId ? (
                <div className="group-detail" data-testid="group-detail">
                  <div className="group-head">
                    <h2>
                      {objectTypeName(group.object_type)} · {group.members.length} records ·{" "}
                      {percent(group.score)} match
                    </h2>
                    <div className="actions">
                      <button
                        className="primary"
                        onClick={() => void merge()}
                        disabled={merging || preview?.group_id !== group.id}
                        data-testid="merge"
                      >
                        {merging ? "Merging…" : "Merge"} <kbd>M</kbd>
                      </button>
                      <button onClick={() => void dismiss()} data-testid="dismiss">
                        Not a duplicate <kbd>N</kbd>
                      </button>
                      <button onClick={() => move(1)} data-testid="skip">
                        Skip <kbd>S</kbd>
                      </button>
                    </div>
                  </div>
                  <label className="keep-rule small">
                    Keep{" "}
                    <select
                      value={rule.rule === "prefer" ? `prefer:${rule.provider}` : rule.rule}
                      onChange={(e) => {
                        const v = e.target.value;
                        setPicks(undefined);
                        setRule(
                          v.startsWith("prefer:")
                            ? { rule: "prefer", provider: v.slice(7) as Provider }
                            : ({ rule: v } as KeepRule),
                        );
                      }}
                      data-testid="keep-rule"
                    >
                      <option value="most_complete">the most complete record</option>
                      <option value="oldest">the oldest record</option>
                      <option value="most_recent">the most recently changed record</option>
                      {(Object.keys(providerLabel) as Provider[]).map((p) => (
                        <option key={p} value={`prefer:${p}`}>
                          the {providerLabel[p]} record
                        </option>
                      ))}
                    </select>{" "}
                    unless you pick one below
                  </label>
                  <Comparison
                    group={group}
                    preview={preview?.group_id === group.id ? preview : undefined}
                    onKeep={keep}
                    onPick={pick}
                  />
                  <p className="muted small">
                    Click a highlighted value to use it in the merged record; “Keep this record” picks the one
                    that stays.
                  </p>
                  {preview?.group_id === group.id && preview.actions.length ? (
                    <div className="merge-actions" data-testid="merge-actions">
                      <h3>Merging will</h3>
                      <ul>
                        {preview.actions.map((a) => (
                          <li key={a}>{a}</li>
                        ))}
                      </ul>
                      <p className="muted small">
                        Every merge is recorded with the records as they were, and can be undone.
                      </p>
                    </div>
                  ) : null}
                  {group.pairs.map((pair) => (
                    <Why key={`${pair.a}-${pair.b}`} group={group} pair={pair} />
                  ))}
                </div>
              ) : null}
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
