import type { TrainingErrorKind } from '../core/errors/training-error';
import type { TrainingProgress } from '../core/learners/types';
import type { EnsembleJSON, EvaluationReport, ModelJSON, ModelSpec } from '../core/model';
import type { Column } from '../core/table';
import type { JobEventSink } from './events';
import type { Cancellable } from './pool';

export interface HoldoutValidation {
  kind: 'holdout';
  /** A fraction in (0, 1) of the rows. */
  testSize: number;
}

export interface CrossValidation {
  kind: 'cv';
  /** 2 to 20 folds, stratified for classification. */
  folds: number;
}

export type Validation = HoldoutValidation | CrossValidation;

/** The rows to train on: columns sent by the page, or a stored dataset version the worker reads. */
export type TrainSource =
  { kind: 'columns'; columns: Column[] } | { kind: 'version'; versionId: string };

export interface TrainRequest {
  /** Columns' typed arrays are transferred to the worker. */
  source: TrainSource;
  spec: ModelSpec;
  seed: number;
  validation: Validation;
}

/** Per-fold scores of a cross-validated training; the report is on the out-of-fold predictions. */
export interface CrossValidationSummary {
  folds: number;
  perFold: Record<string, number | null>[];
  mean: Record<string, number | null>;
  std: Record<string, number | null>;
}

export interface FeatureImportance {
  feature: string;
  mean: number;
  std: number;
}

/** A fit report the throttle held back: kept so a run can record every step of its curves. */
export interface FitPoint {
  step: number;
  metrics: Readonly<Record<string, number>>;
}

export type TrainProgress =
  | ({ phase: 'fit'; earlier?: FitPoint[] } & TrainingProgress)
  | { phase: 'fold'; fold: number; folds: number }
  /** Decoding the images of image columns, before anything is fitted. */
  | { phase: 'images'; done: number; total: number }
  | { phase: 'evaluate' }
  | { phase: 'importance'; done: number; total: number };

export interface TrainResult {
  report: EvaluationReport;
  importance: FeatureImportance[];
  /** The metric the importance is measured with: accuracy or r2. */
  importanceMetric: string;
  model: ModelJSON;
  fitSeconds: number;
  backend: string;
  trainRows: number;
  /** Held-out rows: the test split, or every row (out of fold) under cross-validation. */
  testRows: number;
  cv?: CrossValidationSummary;
  /** What the user should know about how it ran, e.g. a GPU lost and the fallback used. */
  notes?: string[];
}

export type TrainOutcome =
  | ({ ok: true } & TrainResult)
  | { ok: false; error: { kind: TrainingErrorKind; message: string; where?: string } };

/** Rows to predict with a lab model, in the worker (which can decode images, unlike the page's runtime). */
export interface ScoreRequest {
  model: ModelJSON | EnsembleJSON;
  source: TrainSource;
}

export type ScoreProgress =
  | { phase: 'images'; done: number; total: number }
  | { phase: 'score'; done: number; total: number };

export interface ScoreResult {
  task: 'classification' | 'regression';
  classes: string[] | null;
  /** Classifiers: the predicted class of each row. */
  labels: string[] | null;
  /** Regressors: the predicted value of each row. */
  values: Float64Array | null;
  /** Classifiers with probabilities: row-major `rows × classes`. */
  probabilities: Float64Array | null;
}

export type ScoreOutcome =
  | ({ ok: true } & ScoreResult)
  | { ok: false; error: { kind: TrainingErrorKind; message: string; where?: string } };

/** The trainer worker, as the page sees it through comlink. */
export interface TrainApi extends Cancellable {
  train(
    jobId: string,
    request: TrainRequest,
    events: JobEventSink<TrainProgress>,
  ): Promise<TrainOutcome>;
  /** Predicts every row of a table or stored version, decoding its images first. */
  score(
    jobId: string,
    request: ScoreRequest,
    events: JobEventSink<ScoreProgress>,
  ): Promise<ScoreOutcome>;
  cancel(jobId: string): void;
}
