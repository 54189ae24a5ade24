import { LEARNERS } from '../learners/registry';
import { Model, type ModelSpec } from '../model/model';
import { seededRandom } from '../random';
import { featurizationOf } from './features';
import { deriveSeed } from './seeds';
import type { Prepared } from './setup';
import type { TrialRecord } from './types';

/**
 * Fits a trial's learner and configuration again on all training rows, featurization included,
 * as one saveable model.
 */
export async function refitTrial(
  prepared: Prepared,
  targetName: string,
  trial: TrialRecord,
  signal?: AbortSignal,
): Promise<Model> {
  const featurization = featurizationOf(trial.learner);
  const data = await prepared.store.full(featurization, signal);
  const estimator = await LEARNERS[trial.learner].fit(
    data.x,
    data.target,
    trial.params as Record<string, unknown>,
    {
      rng: seededRandom(deriveSeed(prepared.seed, 'refit', trial.id)),
      signal,
      sampleWeight: data.sampleWeight,
    },
  );
  const { setup } = prepared;
  const spec: ModelSpec = {
    target: targetName,
    learner: trial.learner,
    params: trial.params,
    task: setup.task,
    features: setup.features,
    ...(setup.classWeight ? { classWeight: 'balanced' as const } : {}),
    featurization: { scale: featurization.scale },
  };
  return new Model(
    spec,
    setup.task,
    data.target.task === 'classification' ? data.target.classes : null,
    setup.features,
    data.target.y.length,
    data.pipeline,
    estimator,
  );
}
