import type { LearnerName } from '../../../learners/types';
import { unsupported } from '../unsupported';
import { forestGraph, gbdtGraph } from './trees';
import { knnGraph } from './knn';
import { linearGraph } from './linear';
import { mlpGraph } from './mlp';
import { nbGraph } from './nb';
import type { LearnerContext, LearnerOutputs } from './types';

export type { LearnerContext, LearnerOutputs } from './types';

const LEARNER_GRAPHS: Readonly<Record<LearnerName, (context: LearnerContext) => LearnerOutputs>> = {
  linear: linearGraph,
  mlp: mlpGraph,
  gbdt: gbdtGraph,
  forest: forestGraph,
  extratrees: forestGraph,
  knn: knnGraph,
  nb: nbGraph,
};

/** The learner's predictions from the feature matrix, as ONNX nodes. */
export function learnerGraph(context: LearnerContext): LearnerOutputs {
  const build = LEARNER_GRAPHS[context.estimator.learner];
  if (!build) {
    throw unsupported(
      context.part,
      `the learner “${String(context.estimator.learner)}” has no ONNX form`,
    );
  }
  const outputs = build(context);
  const complete = context.task === 'regression' ? outputs.value : outputs.labels && outputs.proba;
  if (!complete) throw unsupported(context.part, `it gives no ${context.task} outputs`);
  return outputs;
}
