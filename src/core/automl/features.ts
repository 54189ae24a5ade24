import { checkCancelled } from '../errors/training-error';
import { shuffleInPlace } from '../evaluation/split';
import { FeaturePipeline, type FittedPipeline } from '../features';
import { WANTS_SCALING } from '../learners/registry';
import type { LearnerName, Matrix, Target } from '../learners/types';
import { balancedWeights } from '../model/target';
import { seededRandom } from '../random';
import type { Table } from '../table';
import { MAX_ONE_HOT } from './guardrails';
import { deriveSeed } from './seeds';
import type { EvaluationPlan } from './validation';
import type { FeaturizationName } from './types';

export interface FeaturizationSpec {
  readonly name: FeaturizationName;
  readonly keepMissing: boolean;
  readonly scale: boolean;
}

/** Gradient-boosted trees route missing values natively; distance and gradient learners need scaling. */
export function featurizationOf(learner: LearnerName): FeaturizationSpec {
  if (learner === 'gbdt') return { name: 'native-missing', keepMissing: true, scale: false };
  if (WANTS_SCALING.has(learner)) return { name: 'standardized', keepMissing: false, scale: true };
  return { name: 'imputed', keepMissing: false, scale: false };
}

/** One fold's features at one fidelity, ready for any learner that shares the featurization. */
export interface FoldData {
  readonly x: Matrix;
  readonly target: Target;
  readonly sampleWeight?: Float64Array;
  readonly test: Matrix;
}

export interface FullData {
  readonly pipeline: FittedPipeline;
  readonly x: Matrix;
  readonly target: Target;
  readonly sampleWeight?: Float64Array;
}

export function takeTarget(target: Target, rows: ArrayLike<number>): Target {
  if (target.task === 'classification') {
    return {
      task: 'classification',
      classes: target.classes,
      y: Int32Array.from(rows, (row) => target.y[row] as number),
    };
  }
  return { task: 'regression', y: Float64Array.from(rows, (row) => target.y[row] as number) };
}

/**
 * The first `size` rows of a seeded order that keeps every class's share (and at least one row of
 * each class), so that a low-fidelity fit still sees every class. Growing `size` only adds rows.
 */
export function subsampleRows(
  rows: Int32Array,
  size: number,
  target: Target,
  seed: number,
): Int32Array {
  if (size >= rows.length) return rows;
  const order = shuffleInPlace(Int32Array.from(rows), seededRandom(seed));
  if (target.task !== 'classification') return order.subarray(0, size).slice().sort();
  const k = target.classes.length;
  const counts = new Float64Array(k);
  for (const row of order)
    counts[target.y[row] as number] = (counts[target.y[row] as number] as number) + 1;
  const quota = Float64Array.from(counts, (count) =>
    count > 0 ? Math.max(1, Math.round((count * size) / order.length)) : 0,
  );
  const taken = new Float64Array(k);
  const picked: number[] = [];
  for (const row of order) {
    const label = target.y[row] as number;
    if ((taken[label] as number) < (quota[label] as number)) {
      taken[label] = (taken[label] as number) + 1;
      picked.push(row);
    }
  }
  return Int32Array.from(picked).sort();
}

/**
 * Featurizes each fold once per featurization and fidelity and keeps the matrices, so that trials
 * of every learner sharing them (all tree learners, say) pay only for fitting. The pipeline of a
 * fold is fitted on that fold's training rows only, so validation rows never leak into it.
 */
export class FeatureStore {
  private readonly folds = new Map<string, FoldData>();
  private readonly fulls = new Map<string, FullData>();

  constructor(
    private readonly table: Table,
    private readonly features: readonly string[],
    private readonly target: Target,
    private readonly plan: EvaluationPlan,
    private readonly seed: number,
    private readonly classWeight: boolean,
    readonly anyMissing: boolean,
  ) {}

  /** Featurizations without missing values give the same matrices, so they share a cache entry. */
  private cacheName(spec: FeaturizationSpec): string {
    return `${spec.keepMissing && this.anyMissing ? 'missing' : 'filled'}|${spec.scale ? 'scaled' : 'raw'}`;
  }

  private options(spec: FeaturizationSpec, target: Target, seed: number, signal?: AbortSignal) {
    return {
      rng: seededRandom(seed),
      target,
      keepMissing: spec.keepMissing,
      scale: spec.scale,
      maxOneHot: MAX_ONE_HOT,
      signal,
    };
  }

  private weights(target: Target) {
    return this.classWeight ? balancedWeights(target) : undefined;
  }

  async fold(
    fold: number,
    spec: FeaturizationSpec,
    rows: number,
    signal?: AbortSignal,
  ): Promise<FoldData> {
    const key = `${fold}|${rows}|${this.cacheName(spec)}`;
    const cached = this.folds.get(key);
    if (cached) return cached;
    checkCancelled(signal);
    const split = this.plan.folds[fold] as EvaluationPlan['folds'][number];
    const trainRows = subsampleRows(
      split.train,
      rows,
      this.target,
      deriveSeed(this.seed, 'subsample', fold),
    );
    const target = takeTarget(this.target, trainRows);
    const train = this.table.take(trainRows).select(this.features);
    const { pipeline, matrix } = await FeaturePipeline.fitTransform(
      train,
      this.options(spec, target, deriveSeed(this.seed, 'featurize', fold), signal),
    );
    const source = this.plan.external ?? this.table;
    const test = pipeline.transform(source.take(split.test).select(this.features)).matrix;
    const data: FoldData = { x: matrix, target, sampleWeight: this.weights(target), test };
    this.folds.set(key, data);
    return data;
  }

  /** Features of all training rows, with the pipeline fitted on them, for the final refit. */
  async full(spec: FeaturizationSpec, signal?: AbortSignal): Promise<FullData> {
    const cached = this.fulls.get(spec.name);
    if (cached) return cached;
    const { pipeline, matrix } = await FeaturePipeline.fitTransform(
      this.table.select(this.features),
      this.options(spec, this.target, deriveSeed(this.seed, 'featurize', -1), signal),
    );
    const data: FullData = {
      pipeline,
      x: matrix,
      target: this.target,
      sampleWeight: this.weights(this.target),
    };
    this.fulls.set(spec.name, data);
    return data;
  }
}
