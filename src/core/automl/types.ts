import type { FeatureChoice } from '../features';
import type { LearnerName, Task } from '../learners/types';
import type { MetricName } from '../metrics/registry';
import type { Table } from '../table';

export type GuardrailStatus = 'passed' | 'fixed' | 'alert';

export type GuardrailName =
  | 'missing-target'
  | 'missing-values'
  | 'constant-columns'
  | 'id-like-columns'
  | 'high-cardinality'
  | 'datetime-columns'
  | 'target-leakage'
  | 'class-imbalance'
  | 'rows-per-class';

/** One data check, as the lab shows it: what was found and what was done about it. */
export interface Guardrail {
  readonly name: GuardrailName;
  readonly status: GuardrailStatus;
  readonly reason: string;
  /** The columns it concerns, when any. */
  readonly columns?: readonly string[];
}

/** How trials are validated; `auto` picks from the size of the data and the budget. */
export type ValidationOption =
  | 'auto'
  /** `repeats` runs the folds again on new shuffles (default 1). */
  | { readonly kind: 'cv'; readonly folds: number; readonly repeats?: number }
  | { readonly kind: 'holdout'; readonly fraction: number }
  /** A separate table with the same columns scores every trial. */
  | { readonly kind: 'table'; readonly table: Table };

export interface ValidationPlan {
  readonly kind: 'cv' | 'holdout' | 'table';
  /** 1 for a holdout or a validation table. */
  readonly folds: number;
  /** Times the folds were drawn anew and every trial scored on them again; 1 when not repeated. */
  readonly repeats: number;
  readonly stratified: boolean;
  /** Rows each trial is scored on, over all folds (each once, however many repeats). */
  readonly validationRows: number;
  readonly reason: string;
}

export interface AutoMLOptions {
  readonly target: string;
  /** Detected from the target when left out. */
  readonly task?: Task;
  /** A metric name (or alias such as `auc_weighted`); chosen from the task and data when left out. */
  readonly metric?: string;
  readonly validation?: ValidationOption;
  /** Learners to search; every learner that does the task when left out. */
  readonly learners?: readonly LearnerName[];
  /** Columns the user leaves out of the features (never the target). */
  readonly exclude?: readonly string[];
  /**
   * A column that alone predicts the target almost perfectly is kept with an alert (`keep`, the
   * default: only the user knows whether it is recorded before the outcome) or left out (`drop`).
   */
  readonly leakage?: 'keep' | 'drop';
  /** Seeds every random choice: splits, proposals and each trial's learner. Defaults to 0. */
  readonly seed?: number;
  /** Milliseconds on any monotonic clock (`performance.now` in practice, a fake one in tests). */
  readonly now: () => number;
  /**
   * The budget the search is planned for, in seconds: it decides between cross-validation and a
   * holdout and which learners can finish a trial at all. `run` takes its own budget.
   */
  readonly budgetSeconds?: number;
  /** Stop as soon as a validation score at least this good (in the metric's direction) is found. */
  readonly stopScore?: number;
  readonly onEvent?: (event: AutoMLEvent) => void;
  readonly signal?: AbortSignal;
}

/** Which featurization a learner's trials use; each is fitted once per fold and reused. */
export type FeaturizationName = 'native-missing' | 'imputed' | 'standardized';

export interface FeaturizationInfo {
  readonly name: FeaturizationName;
  readonly learners: readonly LearnerName[];
  readonly summary: string;
  readonly choices: readonly FeatureChoice[];
}

export interface LearnerPlan {
  readonly learner: LearnerName;
  readonly status: 'searching' | 'skipped';
  readonly reason?: string;
}

/** What the search decided before the first trial. */
export interface AutoMLSetup {
  readonly task: Task;
  readonly metric: MetricName;
  readonly greaterIsBetter: boolean;
  readonly metricReason: string;
  readonly rows: number;
  readonly classes: readonly string[] | null;
  /** Input columns the models use, after the guardrails dropped some. */
  readonly features: readonly string[];
  readonly dropped: readonly { readonly column: string; readonly reason: string }[];
  /** Whether rows are weighted inversely to their class's frequency. */
  readonly classWeight: boolean;
  readonly validation: ValidationPlan;
  readonly guardrails: readonly Guardrail[];
  readonly featurization: readonly FeaturizationInfo[];
  readonly learners: readonly LearnerPlan[];
  /** Training rows per fit at each fidelity, smallest first; the last is all of them. */
  readonly fidelities: readonly number[];
  /** Trials that run at once (one of them at most on the GPU). */
  readonly concurrency: number;
}

/** Where a trial's configuration came from. */
export type TrialSource = 'initial' | 'local-search' | 'restart' | 'promotion';

export type TrialStatus = 'ok' | 'failed' | 'timeout';

export type Params = Readonly<Record<string, unknown>>;

export interface TrialInfo {
  /** 1, 2, 3… in the order trials start. */
  readonly id: number;
  readonly learner: LearnerName;
  readonly params: Params;
  readonly source: TrialSource;
  /** Training rows of each fit (fewer than all at low fidelity). */
  readonly rows: number;
  readonly fullFidelity: boolean;
  readonly featurization: FeaturizationName;
}

export interface TrialRecord extends TrialInfo {
  readonly status: TrialStatus;
  /** The mean validation score over folds in the metric's own sign; null unless `ok`. */
  readonly score: number | null;
  readonly foldScores: readonly number[];
  /** Wall seconds of the whole trial: featurizing (first use), fitting and scoring every fold. */
  readonly fitSeconds: number;
  /** Seconds of search time when it started. */
  readonly startedAt: number;
  readonly error?: string;
}

export type StopReason =
  | 'budget'
  | 'max-trials'
  | 'threshold'
  | 'cancelled'
  | 'exhausted'
  /** Every learner was tried and the best score stopped moving beyond noise. */
  | 'converged';

export interface EnsembleMember {
  readonly trial: number;
  readonly learner: LearnerName;
  readonly params: Params;
  readonly weight: number;
}

/** The outcome of greedy ensemble selection over the trials' validation predictions. */
export interface EnsembleChoice {
  readonly members: readonly EnsembleMember[];
  /** The ensemble's validation score, computed like a single trial's (mean over folds). */
  readonly score: number;
  /** The best single trial's score, for comparison. */
  readonly bestSingleScore: number;
  /** Kept only when it beats the best single model by more than the noise of validation. */
  readonly kept: boolean;
  readonly reason: string;
}

export interface BestSoFar {
  readonly trial: number;
  readonly learner: LearnerName;
  readonly score: number;
}

export type AutoMLEvent =
  | { readonly type: 'setup'; readonly setup: AutoMLSetup }
  | { readonly type: 'trial-started'; readonly trial: TrialInfo; readonly elapsedSeconds: number }
  | {
      readonly type: 'trial-finished';
      readonly trial: TrialRecord;
      readonly best: BestSoFar | null;
      readonly elapsedSeconds: number;
    }
  /** A pause or cancel stopped the trial; a paused one runs again, unchanged, on resume. */
  | {
      readonly type: 'trial-interrupted';
      readonly trial: number;
      readonly reason: 'paused' | 'cancelled';
    }
  | { readonly type: 'learner-dropped'; readonly learner: LearnerName; readonly reason: string }
  | { readonly type: 'paused'; readonly elapsedSeconds: number }
  | { readonly type: 'resumed'; readonly elapsedSeconds: number }
  | {
      readonly type: 'search-stopped';
      readonly reason: StopReason;
      /** Why, in a sentence a student understands. */
      readonly detail: string;
      readonly elapsedSeconds: number;
      readonly trials: number;
    }
  | { readonly type: 'ensemble'; readonly ensemble: EnsembleChoice }
  | {
      readonly type: 'refit-started';
      readonly members: readonly { readonly trial: number; readonly learner: LearnerName }[];
      readonly rows: number;
    }
  | { readonly type: 'refit-finished'; readonly seconds: number };

export interface LeaderboardEntry {
  /** null for the ensemble. */
  readonly trial: number | null;
  readonly learner: LearnerName | 'ensemble';
  readonly params: Params;
  readonly score: number;
  readonly fitSeconds: number;
  /** Training rows of each fit (fewer than all for a trial on a sample). */
  readonly rows: number;
}

export interface AutoMLSummary {
  readonly task: Task;
  readonly metric: MetricName;
  readonly greaterIsBetter: boolean;
  /** Search seconds over every `run`, pauses excluded. */
  readonly searchSeconds: number;
  readonly stopReason: StopReason | null;
  /** Why the search stopped, in a sentence; null before it has run. */
  readonly stopDetail: string | null;
  /** null until a trial succeeds; trial is null for the ensemble. */
  readonly best: {
    readonly learner: LearnerName | 'ensemble';
    readonly params: Params;
    readonly score: number;
    readonly trial: number | null;
  } | null;
  /** Every successful trial, best first (the ensemble first when it was kept). */
  readonly leaderboard: readonly LeaderboardEntry[];
  readonly ensemble: EnsembleChoice | null;
  readonly trials: readonly TrialRecord[];
  readonly setup: AutoMLSetup;
  readonly refitSeconds: number;
  readonly refitRows: number;
}
