import type { ObjectType } from "../bindings/ObjectType";
import type { PullProgress } from "../bindings/PullProgress";
import { formatCount, objectTypeName } from "../format";

function phaseText(p: PullProgress): string {
  switch (p.phase) {
    case "pulling": {
      const eta =
        p.eta_seconds !== null && p.eta_seconds > 1 ? ` · about ${Math.ceil(p.eta_seconds)} s left` : "";
      return `${formatCount(p.records)} records · ${formatCount(Math.round(p.rate))}/s${eta}`;
    }
    case "deletions":
      return `${formatCount(p.records)} records · checking for deletions`;
    case "indexing":
      return `${formatCount(p.records)} records · indexing for search`;
    case "done":
      return `${formatCount(p.created)} new, ${formatCount(p.updated)} changed, ${formatCount(p.deleted)} deleted`;
    case "cancelled":
      return `Stopped after ${formatCount(p.records)} records; the next pull resumes here`;
    case "failed":
      return p.message ?? "Failed";
  }
}

/** One bar per object type of a pull: determinate when the pull can tell how far it is. */
export function PullProgressList({ objects }: { objects: Map<ObjectType, PullProgress> }) {
  return (
    <ul className="pull-list" data-testid="pull-progress">
      {[...objects.values()].map((p) => {
        const done = p.phase === "done";
        const percent = done ? 100 : p.fraction !== null ? Math.round(p.fraction * 100) : null;
        return (
          <li key={p.object_type} className={`pull-item pull-${p.phase}`}>
            <div className="pull-line">
              <span className="strong">{objectTypeName(p.object_type)}</span>
              {p.full ? <span className="tag">full</span> : null}
              <span className="muted pull-text">{phaseText(p)}</span>
            </div>
            {percent === null ? (
              <progress className="bar" aria-label={`${objectTypeName(p.object_type)} pull`} />
            ) : (
              <progress
                className="bar"
                value={percent}
                max={100}
                aria-label={`${objectTypeName(p.object_type)} pull`}
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}
