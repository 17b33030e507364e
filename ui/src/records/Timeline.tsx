import { useCallback } from "react";
import type { RecordId } from "../bindings/RecordId";
import type { TimelineEntry } from "../bindings/TimelineEntry";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { activityKindLabel, countOf, formatDuration, formatWhen } from "../format";
import { api } from "../ipc";

/** What a line of the timeline says besides its text: direction, length, outcome, whether done. */
function facts(e: TimelineEntry): string[] {
  const out: string[] = [];
  if (e.direction) out.push(e.direction === "inbound" ? "Inbound" : "Outbound");
  if (e.duration_s !== null) out.push(formatDuration(e.duration_s));
  if (e.kind === "meeting" && e.ends_at) out.push(`until ${formatWhen(e.ends_at)}`);
  if (e.outcome) out.push(e.outcome.replace(/_/g, " ").toLowerCase());
  if (e.done !== null && e.kind === "task") out.push(e.done ? "Done" : "Open");
  return out;
}

/** A record's activities, newest first: e-mails, calls, meetings, tasks and notes in one list. */
export function Timeline({ id }: { id: RecordId }) {
  const load = useCallback(() => api.recordTimeline(id), [id]);
  const timeline = useCommand(load);
  if (timeline.error) return <ErrorBanner error={timeline.error} />;
  const entries = timeline.data;
  return (
    <section className="timeline" aria-label="Activity" data-testid="timeline">
      <h3>Activity {entries ? <span className="muted">({countOf(entries.length, "item")})</span> : null}</h3>
      {entries === undefined ? (
        <p className="muted">Loading activity…</p>
      ) : entries.length === 0 ? (
        <p className="muted">No e-mails, calls, meetings, tasks or notes on this record.</p>
      ) : (
        <ol>
          {entries.map((e) => (
            <li key={e.record_id} className={`entry kind-${e.kind}`}>
              <div className="entry-head">
                <span className="kind-tag">{activityKindLabel[e.kind]}</span>
                <time dateTime={e.occurred_at ?? undefined} className="muted">
                  {formatWhen(e.occurred_at) || "no date"}
                </time>
              </div>
              {e.subject ? <p className="entry-subject">{e.subject}</p> : null}
              {e.body ? <p className="entry-body">{e.body}</p> : null}
              {facts(e).length > 0 ? <p className="entry-facts muted">{facts(e).join(" · ")}</p> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
