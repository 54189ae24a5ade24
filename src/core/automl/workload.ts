import type { Split } from '../evaluation';
import type { Target } from '../learners/types';
import { METRICS, type MetricName } from '../metrics/registry';
import { Table, type Column } from '../table';
import { FeatureStore } from './features';
import type { Prepared } from './setup';
import type { TrialContext } from './trial';
import type { ValidationPlan } from './types';
import type { EvaluationPlan } from './validation';

/**
 * What a worker needs to run any trial of one search, as structured-cloneable data: the feature
 * and target columns, the folds and the seed. It is sent once per worker; each trial after it is
 * a small `TrialSpec`. Featurizing from it gives the same matrices as the search's own store, so
 * a trial scores the same wherever it runs.
 */
export interface TrialWorkload {
  readonly columns: readonly Column[];
  readonly features: readonly string[];
  readonly target: Target;
  readonly folds: readonly Split[];
  /** Columns of the validation table, when one scores every trial. */
  readonly external: readonly Column[] | null;
  readonly validation: ValidationPlan;
  readonly y: Int32Array | Float64Array;
  readonly offsets: Int32Array;
  readonly requestedFolds: number;
  readonly metric: MetricName;
  readonly classes: number;
  readonly seed: number;
  readonly classWeight: boolean;
  readonly anyMissing: boolean;
}

export function trialWorkload(prepared: Prepared): TrialWorkload {
  const { plan, table, setup } = prepared;
  const features = setup.features;
  return {
    columns: features.map((name) => table.column(name)),
    features,
    target: prepared.target,
    folds: plan.folds,
    external: plan.external ? features.map((name) => plan.external?.column(name) as Column) : null,
    validation: plan.description,
    y: plan.y,
    offsets: plan.offsets,
    requestedFolds: plan.requestedFolds,
    metric: prepared.metric.name,
    classes: prepared.shape.classes,
    seed: prepared.seed,
    classWeight: setup.classWeight,
    anyMissing: prepared.store.anyMissing,
  };
}

/** The context that runs a workload's trials, on this thread's clock. */
export function trialContextOf(workload: TrialWorkload, now: () => number): TrialContext {
  const plan: EvaluationPlan = {
    description: workload.validation,
    folds: workload.folds,
    external: workload.external ? new Table(workload.external) : null,
    y: workload.y,
    offsets: workload.offsets,
    requestedFolds: workload.requestedFolds,
    repeats: workload.validation.repeats,
  };
  const store = new FeatureStore(
    new Table(workload.columns),
    workload.features,
    workload.target,
    plan,
    workload.seed,
    workload.classWeight,
    workload.anyMissing,
  );
  return {
    store,
    plan,
    metric: METRICS[workload.metric],
    classes: workload.classes,
    seed: workload.seed,
    now,
  };
}
