import type { RunRecord, RunStatus } from '../../sdk';

/** Statuses of runs that have ended: only these can be deleted. */
export const ENDED_STATUSES = ['finished', 'failed', 'cancelled', 'interrupted'] as const;
export type EndedStatus = (typeof ENDED_STATUSES)[number];

export interface RunSweep {
  /** '' for every experiment. */
  experimentId: string;
  statuses: EndedStatus[];
  /** Only runs that ended at least this many days ago; null for any age. */
  olderThanDays: number | null;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

const isEnded = (status: RunStatus): status is EndedStatus =>
  (ENDED_STATUSES as readonly string[]).includes(status);

/** When a run stopped changing: its end, else its creation. */
export const runEnd = (run: RunRecord) => run.endedAt ?? run.createdAt;

export interface SweepCandidate {
  run: RunRecord;
  /** Why the run stays even though it matches, or null when it will be deleted. */
  kept: string | null;
  artifactBytes: number;
}

/**
 * The runs a sweep matches, oldest first. Runs registered as model versions match but are kept:
 * the registry needs the run they came from.
 */
export function sweepCandidates(
  runs: readonly RunRecord[],
  sweep: RunSweep,
  registeredRunIds: ReadonlySet<string>,
  now: number,
): SweepCandidate[] {
  const cutoff = sweep.olderThanDays === null ? null : now - sweep.olderThanDays * DAY_MS;
  return runs
    .filter(
      (run) =>
        isEnded(run.status) &&
        sweep.statuses.includes(run.status) &&
        (!sweep.experimentId || run.experimentId === sweep.experimentId) &&
        (cutoff === null || runEnd(run) <= cutoff),
    )
    .sort((a, b) => runEnd(a) - runEnd(b) || a.id.localeCompare(b.id))
    .map((run) => ({
      run,
      kept: registeredRunIds.has(run.id) ? 'registered as a model version' : null,
      artifactBytes: (run.artifacts ?? []).reduce((sum, artifact) => sum + artifact.size, 0),
    }));
}
