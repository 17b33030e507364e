import { LoaderCircle } from "lucide-react";
import type { ScreenId } from "../App";
import { formatCount } from "../format";
import { useJobs } from "../jobs";

/** The sidebar's list of running jobs, on every screen: each with its progress, a way back to where
 *  it was started, and Cancel where it can stop safely. */
export function JobsIndicator({ onOpen }: { onOpen: (screen: ScreenId) => void }) {
  const jobs = useJobs();
  if (!jobs.length) return null;
  return (
    <section className="jobs" aria-label="Running jobs" data-testid="jobs">
      {/* The head leads to the first job's screen: with the sidebar narrowed, it is all that shows. */}
      <button
        className="link jobs-head"
        onClick={() => onOpen(jobs[0]!.screen)}
        title={jobs.map((j) => j.label).join(", ")}
        data-testid="jobs-head"
      >
        <LoaderCircle className="spin" size={16} aria-hidden />
        <span className="jobs-count" role="status">
          {jobs.length === 1 ? "1 job running" : `${formatCount(jobs.length)} jobs running`}
        </span>
      </button>
      <ul>
        {jobs.map((j) => (
          <li key={j.id} data-testid="job">
            <button className="link job-label" onClick={() => onOpen(j.screen)} title={`Show: ${j.label}`}>
              {j.label}
            </button>
            <progress
              aria-label={`${j.label} progress`}
              max={j.progress?.total ?? undefined}
              value={j.progress?.done ?? undefined}
            />
            {j.cancel ? (
              <button className="link job-cancel" onClick={j.cancel} aria-label={`Cancel ${j.label}`}>
                Cancel
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
