import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef, useState } from "react";
import type { DuplicateGroup } from "../bindings/DuplicateGroup";
import type { DuplicateGroupRow } from "../bindings/DuplicateGroupRow";
import type { PairExplanation } from "../bindings/PairExplanation";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProviderBadge } from "../components/ProviderBadge";
import { countOf, formatCount, objectTypeLabel, providerLabel } from "../format";
import { api } from "../ipc";
import { PageCache } from "../records/pages";

/** Groups fetched a page at a time into a virtual list: 50,000 groups cost what 50 do. */
const GROUP_PAGE = 100;
const GROUP_ROW_HEIGHT = 64;

/** Fields shown first, in this order; the rest follow alphabetically. */
const FIELD_ORDER = [
  "name",
  "first_name",
  "last_name",
  "email",
  "phone",
  "title",
  "company",
  "domain",
  "city",
  "country",
];

const FIELD_LABEL: { [key: string]: string } = {
  name: "Name",
  first_name: "First name",
  last_name: "Last name",
  email: "E-mail",
  phone: "Phone",
  title: "Title",
  company: "Company",
  domain: "Domain",
  city: "City",
  country: "Country",
};

/** A probability as people read it: never rounded up to a certain 100%. */
const percent = (p: number) => `${(Math.floor(p * 1000) / 10).toFixed(p >= 0.995 ? 1 : 0)}%`;

/** Fields that say nothing about who the record is. */
const HIDDEN = new Set(["created_at", "modified_at", "owner_id", "company_id", "custom"]);

function shown(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function fieldsOf(group: DuplicateGroup): string[] {
  const keys = new Set<string>();
  for (const m of group.members)
    for (const k of Object.keys(m.record.fields)) if (!HIDDEN.has(k)) keys.add(k);
  const first = FIELD_ORDER.filter((k) => keys.has(k));
  const rest = [...keys].filter((k) => !FIELD_ORDER.includes(k)).sort();
  return [...first, ...rest];
}

function Comparison({ group }: { group: DuplicateGroup }) {
  const fields = fieldsOf(group);
  return (
    <table className="grid comparison" data-testid="comparison">
      <thead>
        <tr>
          <th>Field</th>
          {group.members.map((m) => (
            <th key={m.record.id}>
              <ProviderBadge provider={m.provider} />{" "}
              <span className="muted small">{m.connection_label}</span>
              <div className="mono small muted">{m.record.remote_id}</div>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {fields.map((key) => {
          const values = group.members.map((m) => shown(m.record.fields[key]));
          const present = values.filter((v) => v !== "");
          const differs = new Set(present.map((v) => v.trim().toLowerCase())).size > 1;
          return (
            <tr
              key={key}
              className={differs ? "differs" : undefined}
              data-testid={differs ? "differs" : undefined}
            >
              <th scope="row">{FIELD_LABEL[key] ?? key}</th>
              {group.members.map((m) => {
                const v = shown(m.record.fields[key]);
                return (
                  <td key={m.record.id} className={v === "" ? "blank" : undefined}>
                    {v === "" ? "—" : v}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const AGREEMENT_LABEL: { [a: string]: string } = {
  exact: "same",
  close: "nearly the same",
  partial: "similar",
  different: "different",
  missing: "missing on one side",
};

function Why({ group, pair }: { group: DuplicateGroup; pair: PairExplanation }) {
  const name = (id: number) => group.members.find((m) => m.record.id === id)?.record.display_name ?? `#${id}`;
  const strongest = Math.max(1, ...pair.evidence.map((e) => Math.abs(e.weight)));
  return (
    <div className="why" data-testid="why">
      <h3>
        {name(pair.a)} ↔ {name(pair.b)}: {percent(pair.probability)} likely the same
      </h3>
      <table className="grid evidence">
        <tbody>
          {pair.evidence.map((e) => (
            <tr key={e.column}>
              <th scope="row">{FIELD_LABEL[e.column] ?? e.column}</th>
              <td className={`agreement agreement-${e.agreement}`}>
                {AGREEMENT_LABEL[e.agreement] ?? e.agreement}
              </td>
              <td className="weight">
                <span
                  className={e.weight >= 0 ? "bar for" : "bar against"}
                  style={{ width: `${(Math.abs(e.weight) / strongest) * 100}%` }}
                />
              </td>
              <td className="num small">
                {e.agreement === "missing" ? "" : `${e.weight >= 0 ? "+" : ""}${e.weight.toFixed(1)}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Each bar is how strongly the field points to one entity (green) or two (red), weighed on this
        workspace's own data: agreeing on a rare value counts more than on a common one.
      </p>
    </div>
  );
}

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

export function DuplicatesScreen({ onChanged }: { onChanged?: () => void }) {
  const cache = useRef(new PageCache<DuplicateGroupRow>(GROUP_PAGE)).current;
  const [total, setTotal] = useState<number | null>(null);
  const [, setVersion] = useState(0);
  const [index, setIndex] = useState(0);
  const [group, setGroup] = useState<DuplicateGroup | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [finding, setFinding] = useState(false);
  const [found, setFound] = useState<string | undefined>(undefined);
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

  const move = useCallback(
    (step: number) => {
      if (!total) return;
      const next = (index + step + total) % total;
      setIndex(next);
      virtualizer.scrollToIndex(next);
    },
    [index, total, virtualizer],
  );

  const dismiss = useCallback(async () => {
    if (currentId === undefined) return;
    setError(undefined);
    try {
      await api.dismissDuplicateGroup(currentId);
      // The next group moves up into this place; at the end, step back.
      if (total !== null && index >= total - 1) setIndex(Math.max(0, index - 1));
      refresh();
      onChanged?.();
    } catch (e) {
      setError(e);
    }
  }, [currentId, index, total, refresh, onChanged]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      if (e.key === "n" || e.key === "N") void dismiss();
      else if (e.key === "s" || e.key === "S" || e.key === "ArrowDown" || e.key === "j") move(1);
      else if (e.key === "ArrowUp" || e.key === "k") move(-1);
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [dismiss, move]);

  const find = async () => {
    setFinding(true);
    setError(undefined);
    try {
      const s = await api.findDuplicates([]);
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
          <button
            className="primary"
            onClick={() => void find()}
            disabled={finding}
            data-testid="find-duplicates"
          >
            {finding ? "Comparing records…" : "Find duplicates"}
          </button>
        </div>
      </header>
      <ErrorBanner error={error} />
      {found ? (
        <p className="muted" data-testid="found">
          {found}
        </p>
      ) : null}
      {total === 0 ? (
        <EmptyState title="No duplicate candidates">
          <p>
            "Find duplicates" compares the people and companies of every connected CRM. Records that look like
            one entity — within one CRM or across several — are listed here with the reasons they matched, to
            review side by side.
          </p>
        </EmptyState>
      ) : null}
      {total ? (
        <div className="review">
          <aside>
            <p className="muted small" data-testid="groups-count">
              {countOf(total, "group")} to review
            </p>
            <div className="groups" ref={scrollRef} data-testid="duplicate-groups">
              <ul style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
                {items.map((item) => {
                  const row = cache.row(item.index);
                  return (
                    <li
                      key={item.key}
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
                  {objectTypeLabel[group.object_type]} · {group.members.length} records ·{" "}
                  {percent(group.score)} match
                </h2>
                <div className="actions">
                  <button onClick={() => void dismiss()} data-testid="dismiss">
                    Not a duplicate <kbd>N</kbd>
                  </button>
                  <button onClick={() => move(1)} data-testid="skip">
                    Skip <kbd>S</kbd>
                  </button>
                </div>
              </div>
              <Comparison group={group} />
              {group.pairs.map((pair) => (
                <Why key={`${pair.a}-${pair.b}`} group={group} pair={pair} />
              ))}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
