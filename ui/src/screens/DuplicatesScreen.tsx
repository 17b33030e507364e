import { useCallback } from "react";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { countOf, formatTime, objectTypeLabel } from "../format";
import { api } from "../ipc";

export function DuplicatesScreen() {
  const load = useCallback(() => api.duplicateGroups(0, 200), []);
  const { data, error } = useCommand(load);

  return (
    <section>
      <header className="screen-head">
        <h1>Duplicates</h1>
        <p className="lede">
          Records that look like the same person or company, within one CRM or across several, best matches
          first.
        </p>
      </header>
      <ErrorBanner error={error} />
      {data && data.total === 0 ? (
        <EmptyState title="No duplicate candidates">
          <p>
            When a duplicate scan finds records that look alike — within one CRM or across several — they are
            listed here with the reasons they matched. You review each group side by side, pick the values to
            keep, and merge; every merge can be undone.
          </p>
        </EmptyState>
      ) : null}
      {data && data.total > 0 ? (
        <>
          <p className="muted">{countOf(data.total, "group")} to review</p>
          <table className="grid" data-testid="duplicate-groups">
            <thead>
              <tr>
                <th>Score</th>
                <th>Type</th>
                <th>Records</th>
                <th>Found</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((g) => (
                <tr key={g.id}>
                  <td className="num">{Math.round(g.score * 100)}%</td>
                  <td>{objectTypeLabel[g.object_type]}</td>
                  <td>{g.names.join(" · ")}</td>
                  <td>{formatTime(g.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
