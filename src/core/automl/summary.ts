import type {
  AutoMLSetup,
  AutoMLSummary,
  EnsembleChoice,
  LeaderboardEntry,
  StopReason,
  TrialRecord,
} from './types';

export interface SummaryInput {
  readonly setup: AutoMLSetup;
  readonly records: readonly TrialRecord[];
  readonly best: TrialRecord | null;
  readonly ensemble: EnsembleChoice | null;
  readonly searchSeconds: number;
  readonly stopReason: StopReason | null;
  readonly stopDetail: string | null;
  readonly refit: { readonly seconds: number; readonly rows: number };
}

/** Plain data for reports; the leaderboard ranks every successful trial, best first. */
export function summarize(input: SummaryInput): AutoMLSummary {
  const { setup, records, best, ensemble } = input;
  const sign = setup.greaterIsBetter ? -1 : 1;
  const ranked = records
    .filter((record) => record.status === 'ok')
    .sort(
      (a, b) =>
        sign * ((a.score as number) - (b.score as number)) || b.rows - a.rows || a.id - b.id,
    );
  const leaderboard: LeaderboardEntry[] = ranked.map((record) => ({
    trial: record.id,
    learner: record.learner,
    params: record.params,
    score: record.score as number,
    fitSeconds: record.fitSeconds,
    rows: record.rows,
  }));
  const kept = ensemble?.kept ? ensemble : null;
  const ensembleParams = kept && {
    method: 'greedy-selection',
    members: kept.members.map(({ trial, learner, params, weight }) => ({
      trial,
      learner,
      weight,
      params,
    })),
  };
  if (kept && ensembleParams) {
    leaderboard.unshift({
      trial: null,
      learner: 'ensemble',
      params: ensembleParams,
      score: kept.score,
      fitSeconds: input.refit.seconds,
      rows: input.refit.rows,
    });
  }
  return {
    task: setup.task,
    metric: setup.metric,
    greaterIsBetter: setup.greaterIsBetter,
    searchSeconds: input.searchSeconds,
    stopReason: input.stopReason,
    stopDetail: input.stopDetail,
    best:
      kept && ensembleParams
        ? { learner: 'ensemble', params: ensembleParams, score: kept.score, trial: null }
        : best && {
            learner: best.learner,
            params: best.params,
            score: best.score as number,
            trial: best.id,
          },
    leaderboard,
    ensemble,
    trials: records,
    setup,
    refitSeconds: input.refit.seconds,
    refitRows: input.refit.rows,
  };
}
