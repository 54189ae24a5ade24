import type { AutoMLEvent, AutoMLSummary, ValidationOption } from '../core/automl/types';
import type { TrainingErrorKind } from '../core/errors/training-error';
import type { Explanation } from '../core/evaluation/explain';
import type { Task } from '../core/learners/types';
import type { EnsembleJSON, ModelJSON } from '../core/model';
import type { JobEventSink } from './events';
import type { Cancellable } from './pool';
import type { TrainSource } from './train-api';

export interface AutoMLRequest {
  source: TrainSource;
  target: string;
  task?: Task;
  metric?: string;
  seed: number;
  budgetSeconds: number;
  maxTrials?: number;
  /** Trials at once, 1 to 4; the worker picks from the device's cores when left out. */
  concurrency?: number;
  /** Columns left out of the features. */
  exclude?: string[];
  /** Whether a column that alone predicts the target almost perfectly is kept (default) or dropped. */
  leakage?: 'keep' | 'drop';
  /** A validation table cannot cross to the worker this way; cross-validation or a holdout can. */
  validation?: Exclude<ValidationOption, { kind: 'table' }>;
}

/** The model the search built, with what explains it. */
export interface AutoMLFinished {
  summary: AutoMLSummary;
  model: ModelJSON | EnsembleJSON;
  explanation: Explanation | null;
  /** Why the explanation is missing, when it is. */
  explanationError?: string;
  /** Seconds the search has run, over every continuation. */
  searchSeconds: number;
}

export interface AutoMLFailure {
  kind: TrainingErrorKind | 'internal';
  message: string;
  where?: string;
}

/** Everything a search session streams to the page. */
export type AutoMLProgress =
  | { type: 'search'; event: AutoMLEvent }
  /** Decoding the images of image columns, before the search starts. */
  | { type: 'images'; done: number; total: number }
  | { type: 'explaining'; done: number; total: number }
  | { type: 'finished'; result: AutoMLFinished }
  | { type: 'failed'; error: AutoMLFailure }
  /** The session waits for `extend` or `close`. */
  | { type: 'idle' };

export type AutoMLCommand =
  | { kind: 'pause' }
  | { kind: 'resume' }
  /** Stop searching now and build the model from the trials so far. */
  | { kind: 'stop' }
  /** Search for this many more seconds, then build the model again. */
  | { kind: 'extend'; seconds: number }
  /** End the session; its search state is dropped. */
  | { kind: 'close' };

/** The AutoML worker, as the page sees it through comlink. */
export interface AutoMLApi extends Cancellable {
  /** Runs a search session until it is closed or cancelled; results arrive as events. */
  session(
    jobId: string,
    request: AutoMLRequest,
    events: JobEventSink<AutoMLProgress>,
  ): Promise<void>;
  command(jobId: string, command: AutoMLCommand): void;
  cancel(jobId: string): void;
}
