import { useCallback, useEffect, useMemo, useState } from "react";
import type { DuplicateGroup } from "../bindings/DuplicateGroup";
import type { DuplicateGroupRow } from "../bindings/DuplicateGroupRow";
import type { PairExplanation } from "../bindings/PairExplanation";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProviderBadge } from "../components/ProviderBadge";
import { useCommand } from "../components/useCommand";
import { countOf, formatCount, objectTypeLabel } from "../format";
import { api } from "../ipc";

/** Groups listed at once, best first; decided groups leave the list and the next ones move up. */
const LIST_LIMIT = 500;

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
    <li>
      <button className={selected ? "group selected" : "group"} onClick={onSelect} data-testid="group">
        <span className="score">{percent(row.score)}</span>
        <span className="names">{row.names.join(" · ")}</span>
        <span className="crms">
          {crms.map((p) => (
            <ProviderBadge key={p} provider={p} />
          ))}
        </span>
      </button>
    </li>
  );
}

export function DuplicatesScreen({ onChanged }: { onChanged?: () => void }) {
  const load = useCallback(() => api.duplicateGroups(0, LIST_LIMIT), []);
  const { data, error, reload } = useCommand(load);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [group, setGroup] = useState<DuplicateGroup | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [finding, setFinding] = useState(false);
  const [found, setFound] = useState<string | undefined>(undefined);

  const rows = useMemo(() => data?.rows ?? [], [data]);
  const current = rows.find((r) => r.id === selected) ?? rows[0];

  useEffect(() => {
    if (!current) return;
    let live = true;
    api
      .duplicateGroup(current.id)
      .then((g) => live && setGroup(g))
      .catch((e: unknown) => live && setActionError(e));
    return () => {
      live = false;
    };
  }, [current]);

  const move = useCallback(
    (step: number) => {
      if (!current || rows.length === 0) return;
      const i = rows.findIndex((r) => r.id === current.id);
      setSelected(rows[(i + step + rows.length) % rows.length]?.id);
    },
    [current, rows],
  );

  const dismiss = useCallback(async () => {
    if (!current) return;
    setActionError(undefined);
    try {
      const i = rows.findIndex((r) => r.id === current.id);
      await api.dismissDuplicateGroup(current.id);
      setSelected(rows[i + 1]?.id ?? rows[i - 1]?.id);
      reload();
      onChanged?.();
    } catch (e) {
      setActionError(e);
    }
  }, [current, rows, reload, onChanged]);

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
    setActionError(undefined);
    try {
      const s = await api.findDuplicates([]);
      setFound(
        `${formatCount(s.records)} records compared: ${countOf(s.groups, "group")} of duplicates, ${formatCount(s.new_groups)} new.`,
      );
      reload();
      onChanged?.();
    } catch (e) {
      setActionError(e);
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
      <ErrorBanner error={error ?? actionError} />
      {found ? (
        <p className="muted" data-testid="found">
          {found}
        </p>
      ) : null}
      {data && data.total === 0 ? (
        <EmptyState title="No duplicate candidates">
          <p>
            "Find duplicates" compares the people and companies of every connected CRM. Records that look like
            one entity — within one CRM or across several — are listed here with the reasons they matched, to
            review side by side.
          </p>
        </EmptyState>
      ) : null}
      {data && data.total > 0 ? (
        <div className="review">
          <aside>
            <p className="muted small" data-testid="groups-count">
              {countOf(data.total, "group")} to review
              {data.total > rows.length ? ` (the best ${formatCount(rows.length)} shown)` : ""}
            </p>
            <ul className="groups" data-testid="duplicate-groups">
              {rows.map((row) => (
                <GroupRow
                  key={row.id}
                  row={row}
                  selected={row.id === current?.id}
                  onSelect={() => setSelected(row.id)}
                />
              ))}
            </ul>
          </aside>
          {group && current && group.id === current.id ? (
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
