import { LEARNER_CATALOG } from '../catalog';
import type { Learner } from '../types';
import { fitForest } from './fit';
import { forestFromJSON } from './model';
import type { ForestParams } from './params';

export type { ForestParams, ForestCriterion, MaxFeatures } from './params';
export type { ForestEstimator } from './model';
export { forestTrees, isForestEstimator } from './model';
export type { TreeArrays } from './tree';

/** Random forest: bootstrapped trees, each split the best among a random subset of features. */
export const forest: Learner<ForestParams> = {
  ...LEARNER_CATALOG.forest,
  fit: (x, target, params, context) => fitForest('forest', x, target, params, context),
  fromJSON: (json) => forestFromJSON(json, 'forest'),
};

/** Extra trees: like a random forest, but each candidate split uses one random threshold. */
export const extraTrees: Learner<ForestParams> = {
  ...LEARNER_CATALOG.extratrees,
  fit: (x, target, params, context) => fitForest('extratrees', x, target, params, context),
  fromJSON: (json) => forestFromJSON(json, 'extratrees'),
};
