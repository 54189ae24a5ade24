import { TrainingError } from '../errors/training-error';
import {
  FeaturePipeline,
  FittedPipeline,
  type FeaturePipelineJSON,
  type FeaturePipelineOptions,
} from '../features';
import type { HistogramHelpers } from '../learners/gbdt';
import { isLearnerName, LEARNERS, WANTS_SCALING } from '../learners/registry';
import type {
  Estimator,
  EstimatorJSON,
  LearnerName,
  Task,
  TrainingProgress,
} from '../learners/types';
import type { Random } from '../random';
import { stringColumn, numberColumn, type Column, type LogicalType, type Table } from '../table';
import { balancedWeights, buildTarget, detectTask, labelledRows } from './target';

export interface ModelSpec {
  /** The column to predict. */
  readonly target: string;
  readonly learner: LearnerName;
  /** Hyperparameters; the learner's defaults fill the rest. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Detected from the target when left out. */
  readonly task?: Task;
  /** Input columns; every column except the target when left out. */
  readonly features?: readonly string[];
  /** Weigh classes inversely to their frequency (imbalanced data). */
  readonly classWeight?: 'balanced';
  readonly featurization?: Pick<FeaturePipelineOptions, 'columns' | 'scale' | 'maxOneHot'>;
}

export interface FitOptions {
  readonly rng: Random;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TrainingProgress) => void;
  /** Threads that share gbdt's histogram building (other learners ignore them). */
  readonly histogramHelpers?: HistogramHelpers;
}

export interface ModelJSON {
  readonly format: 'bunsen-model';
  readonly version: 1;
  readonly spec: ModelSpec;
  readonly task: Task;
  readonly classes: readonly string[] | null;
  readonly features: readonly string[];
  readonly trainingRows: number;
  readonly pipeline: FeaturePipelineJSON;
  readonly estimator: EstimatorJSON;
}

export interface Probabilities {
  readonly classes: readonly string[];
  /** Row-major `rows × classes`. */
  readonly proba: Float64Array;
}

/** Raw outputs for rows: class indices (classifiers) or values, and class probabilities. */
export interface RawPrediction {
  readonly predicted: Float64Array;
  /** Row-major `rows × classes`; null for regressors and learners without probabilities. */
  readonly proba: Float64Array | null;
}

/**
 * What every fitted model offers, whether one learner ({@link Model}) or several
 * ({@link EnsembleModel}): evaluation, prediction commands and export work through this.
 */
export interface Predictor {
  readonly target: string;
  readonly task: Task;
  readonly classes: readonly string[] | null;
  /** The raw input columns it reads. */
  readonly features: readonly string[];
  /**
   * The type each input column had in training: a file read for scoring should be read with
   * these (a column of a few rows may otherwise be inferred as another kind).
   */
  readonly inputTypes: ReadonlyMap<string, LogicalType>;
  readonly trainingRows: number;
  predict(table: Table): Column;
  predictProba(table: Table): Probabilities;
  predictRaw(table: Table): RawPrediction;
  toJSON(): ModelJSON | EnsembleJSON;
}

export interface EnsembleJSON {
  readonly format: 'bunsen-ensemble';
  readonly version: 1;
  readonly target: string;
  readonly task: Task;
  readonly classes: readonly string[] | null;
  readonly method: string;
  readonly weights: readonly number[];
  readonly members: readonly ModelJSON[];
}

/** A fitted model: the featurization it learned and the learner on top, as one unit. */
export class Model implements Predictor {
  constructor(
    readonly spec: ModelSpec,
    readonly task: Task,
    readonly classes: readonly string[] | null,
    readonly features: readonly string[],
    readonly trainingRows: number,
    readonly pipeline: FittedPipeline,
    readonly estimator: Estimator,
  ) {}

  get target(): string {
    return this.spec.target;
  }

  get inputTypes(): ReadonlyMap<string, LogicalType> {
    return new Map(this.pipeline.schema.columns.map((column) => [column.name, column.type]));
  }

  /** Predictions as a column named after the target: labels for classifiers, numbers otherwise. */
  predict(table: Table): Column {
    const x = this.pipeline.transform(table.select(this.features)).matrix;
    const raw = this.estimator.predict(x);
    if (this.task === 'regression') return numberColumn(this.target, raw);
    const classes = this.classes as readonly string[];
    return stringColumn(
      this.target,
      Array.from(raw, (index) => classes[index] as string),
    );
  }

  /** Class probabilities, columns in the order of `classes`. */
  predictProba(table: Table): Probabilities {
    if (this.task !== 'classification' || !this.estimator.predictProba) {
      throw new TrainingError('invalid-input', 'Only classifiers predict probabilities.');
    }
    const x = this.pipeline.transform(table.select(this.features)).matrix;
    return { classes: this.classes as string[], proba: this.estimator.predictProba(x) };
  }

  predictRaw(table: Table): RawPrediction {
    const x = this.pipeline.transform(table.select(this.features)).matrix;
    const predicted = this.estimator.predict(x);
    const proba =
      this.task === 'classification' ? (this.estimator.predictProba?.(x) ?? null) : null;
    return { predicted, proba };
  }

  toJSON(): ModelJSON {
    return {
      format: 'bunsen-model',
      version: 1,
      spec: this.spec,
      task: this.task,
      classes: this.classes,
      features: this.features,
      trainingRows: this.trainingRows,
      pipeline: this.pipeline.toJSON(),
      estimator: this.estimator.toJSON(),
    };
  }

  static fromJSON(json: unknown): Model {
    const model = json as Partial<ModelJSON> | null;
    if (!model || model.format !== 'bunsen-model' || model.version !== 1) {
      throw new TrainingError(
        'invalid-input',
        'This is not a Bunsen model (format bunsen-model, version 1).',
      );
    }
    const name = String(model.estimator?.learner);
    if (!isLearnerName(name)) {
      throw new TrainingError(
        'invalid-input',
        `The model uses an unknown learner “${name}”.`,
        'estimator.learner',
      );
    }
    return new Model(
      model.spec as ModelSpec,
      model.task as Task,
      model.classes ?? null,
      model.features as string[],
      model.trainingRows ?? 0,
      FittedPipeline.fromJSON(model.pipeline),
      LEARNERS[name].fromJSON(model.estimator as EstimatorJSON),
    );
  }
}

/**
 * Fits featurization and learner on `table`, in scikit-learn's manner: rows whose target is
 * missing are left out, everything learned comes from this table only, and the same seed gives
 * the same model on the same backend.
 */
export async function fit(table: Table, spec: ModelSpec, options: FitOptions): Promise<Model> {
  if (!isLearnerName(spec.learner)) {
    throw new TrainingError(
      'invalid-params',
      `Unknown learner “${spec.learner}”. Choose one of: ${Object.keys(LEARNERS).join(', ')}.`,
      'learner',
    );
  }
  const learner = LEARNERS[spec.learner];
  const targetColumn = table.column(spec.target);
  const task = spec.task ?? detectTask(targetColumn);
  if (!learner.tasks.includes(task)) {
    throw new TrainingError('invalid-params', `${learner.label} does not do ${task}.`, 'learner');
  }
  const features = spec.features ?? table.names.filter((name) => name !== spec.target);
  if (features.includes(spec.target)) {
    throw new TrainingError(
      'invalid-params',
      `The target “${spec.target}” cannot also be a feature.`,
      spec.target,
    );
  }
  if (!features.length) {
    throw new TrainingError('invalid-input', 'There are no feature columns besides the target.');
  }
  const rows = labelledRows(targetColumn);
  if (!rows.length) {
    throw new TrainingError(
      'invalid-input',
      `Every row's target “${spec.target}” is missing.`,
      spec.target,
    );
  }
  const labelled = rows.length === table.rowCount ? table : table.take(rows);
  const target = buildTarget(labelled.column(spec.target), task);
  const { pipeline, matrix } = await FeaturePipeline.fitTransform(labelled.select(features), {
    rng: options.rng,
    target,
    keepMissing: learner.handlesMissing,
    scale: spec.featurization?.scale ?? WANTS_SCALING.has(spec.learner),
    columns: spec.featurization?.columns,
    maxOneHot: spec.featurization?.maxOneHot,
    signal: options.signal,
  });
  const sampleWeight = spec.classWeight === 'balanced' ? balancedWeights(target) : undefined;
  const estimator = await learner.fit(
    matrix,
    target,
    (spec.params ?? {}) as Record<string, unknown>,
    {
      rng: options.rng,
      signal: options.signal,
      onProgress: options.onProgress,
      sampleWeight,
      ...(options.histogramHelpers ? { histogramHelpers: options.histogramHelpers } : {}),
    },
  );
  return new Model(
    spec,
    task,
    target.task === 'classification' ? target.classes : null,
    features,
    labelled.rowCount,
    pipeline,
    estimator,
  );
}
