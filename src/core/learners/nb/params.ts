import type { ParamInfo } from '../types';

export type NbVariant = 'gaussian' | 'multinomial';

export interface NbParams {
  /** Gaussian for continuous features, multinomial for counts (word counts, pixel intensities). */
  readonly variant: NbVariant;
  /** Gaussian: fraction of the largest feature variance added to every variance, for stability. */
  readonly var_smoothing: number;
  /** Multinomial: pseudo-count added to every feature count (Laplace smoothing when 1). */
  readonly alpha: number;
}

/** scikit-learn's floor for alpha, so that a feature never seen in a class keeps a finite log-probability. */
export const MIN_ALPHA = 1e-10;

export const nbParamInfo: readonly ParamInfo[] = [
  {
    name: 'variant',
    kind: 'choice',
    default: 'gaussian',
    choices: ['gaussian', 'multinomial'],
    help: 'Gaussian models each feature as a bell curve per class; multinomial suits non-negative counts such as word or pixel counts.',
  },
  {
    name: 'var_smoothing',
    kind: 'float',
    default: 1e-9,
    min: 1e-12,
    max: 1,
    log: true,
    help: 'Gaussian only: adds this fraction of the largest feature variance to every variance, so near-constant features cannot dominate.',
  },
  {
    name: 'alpha',
    kind: 'float',
    default: 1,
    min: 1e-3,
    max: 10,
    log: true,
    help: 'Multinomial only: a pseudo-count added to every feature in every class, so unseen features do not rule a class out.',
  },
];
