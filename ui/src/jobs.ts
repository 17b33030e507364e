// The long jobs started from any screen (runs, rollbacks, syncs, comparisons, bulk merges, re-syncs),
// so the sidebar can show them from every screen and a screen left meanwhile loses nothing.
import { useSyncExternalStore } from "react";
import type { ScreenId } from "./App";

export type Job = {
  id: number;
  /** What runs, as a person says it: "Migration “Close to HubSpot”". */
  label: string;
  /** Where it was started, to go back to. */
  screen: ScreenId;
  started: number;
  /** Done of total when the job tells it; none for an indeterminate bar. */
  progress?: { done: number; total: number };
  /** How to stop it safely, when it can be stopped. */
  cancel?: () => void;
};

let next = 1;
let jobs: Job[] = [];
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((l) => l());

/**
 * Runs `work` as a job listed in the sidebar until it settles; answers what it answers. `follow`, if
 * given, subscribes to the job's progress events (answering how to unsubscribe) and tells each to
 * `update`; it is unsubscribed when the work settles.
 */
export async function track<T>(
  job: Omit<Job, "id" | "started">,
  work: () => Promise<T>,
  follow?: (update: (progress: Job["progress"]) => void) => Promise<() => void>,
): Promise<T> {
  const id = next++;
  jobs = [...jobs, { ...job, id, started: Date.now() }];
  changed();
  const update = (progress: Job["progress"]) => {
    jobs = jobs.map((j) => (j.id === id ? { ...j, progress } : j));
    changed();
  };
  let unfollow: (() => void) | undefined;
  try {
    unfollow = await follow?.(update);
    return await work();
  } finally {
    unfollow?.();
    jobs = jobs.filter((j) => j.id !== id);
    changed();
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The running jobs, re-rendering as they start, move and end. */
export function useJobs(): Job[] {
  return useSyncExternalStore(subscribe, () => jobs);
}
