import type { ParamInfo } from '../types';

export type KnnWeights = 'uniform' | 'distance';
export type KnnMetric = 'euclidean' | 'manhattan' | 'cosine';

export interface KnnParams {
  /** How many neighbours vote. */
  readonly k: number;
  readonly weights: KnnWeights;
  readonly metric: KnnMetric;
}

export const knnParamInfo: readonly ParamInfo[] = [
  {
    name: 'k',
    kind: 'int',
    default: 5,
    min: 1,
    max: 100,
    log: true,
    help: 'How many of the closest training rows vote on each prediction; the model stores every training row, so large training sets make large models.',
  },
  {
    name: 'weights',
    kind: 'choice',
    default: 'uniform',
    choices: ['uniform', 'distance'],
    help: 'Uniform gives every neighbour one vote; distance lets closer neighbours count more (by one over their distance).',
  },
  {
    name: 'metric',
    kind: 'choice',
    default: 'euclidean',
    choices: ['euclidean', 'manhattan', 'cosine'],
    help: 'How closeness is measured: straight-line distance, the sum of per-feature differences, or the angle between rows.',
  },
];
