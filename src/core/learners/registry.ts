import { gbdt } from './gbdt';
import { extraTrees, forest } from './forest';
import { knn } from './knn';
import { nb } from './nb';
import { linear } from './linear';
import { mlp } from './mlp';
import type { Learner, LearnerName } from './types';

export const LEARNERS: Readonly<Record<LearnerName, Learner>> = {
  linear: linear as unknown as Learner,
  mlp: mlp as unknown as Learner,
  gbdt: gbdt as unknown as Learner,
  forest: forest as unknown as Learner,
  extratrees: extraTrees as unknown as Learner,
  knn: knn as unknown as Learner,
  nb: nb as unknown as Learner,
};

export const LEARNER_NAMES = Object.keys(LEARNERS) as LearnerName[];

export function isLearnerName(name: string): name is LearnerName {
  return Object.hasOwn(LEARNERS, name);
}

/** Learners whose features should be standardized: distances and gradients depend on scale. */
export const WANTS_SCALING: ReadonlySet<LearnerName> = new Set(['linear', 'mlp', 'knn']);
