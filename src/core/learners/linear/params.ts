import { ParamReader, type ClassWeight } from '../tf-training';
import type { ParamInfo } from '../types';

export type Penalty = 'none' | 'l2' | 'l1' | 'elasticnet';

/**
 * Regularisation follows scikit-learn per task so that numbers can be compared with it:
 * classification uses LogisticRegression's C (smaller C, stronger penalty; the data term is
 * C·Σ loss), regression uses alpha as Ridge does for 'l2' (‖y − Xw‖² + alpha‖w‖²) and as
 * Lasso/ElasticNet do for 'l1' and 'elasticnet' (‖y − Xw‖²/(2n) + alpha·penalty).
 */
export interface LinearParams {
  penalty: Penalty;
  /** Classification: inverse regularisation strength. */
  C: number;
  /** Regression: regularisation strength. */
  alpha: number;
  /** The share of L1 in the 'elasticnet' penalty. */
  l1_ratio: number;
  fit_intercept: boolean;
  max_iter: number;
  /** Stop when the largest gradient entry (on standardised features) falls below this. */
  tol: number;
  class_weight: ClassWeight;
}

export const LINEAR_DEFAULTS: LinearParams = {
  penalty: 'l2',
  C: 1,
  alpha: 1,
  l1_ratio: 0.5,
  fit_intercept: true,
  max_iter: 1000,
  tol: 1e-6,
  class_weight: 'none',
};

export const PENALTIES: readonly Penalty[] = ['none', 'l2', 'l1', 'elasticnet'];

export const LINEAR_PARAMS: readonly ParamInfo[] = [
  {
    name: 'penalty',
    kind: 'choice',
    default: LINEAR_DEFAULTS.penalty,
    choices: PENALTIES,
    help: 'How large weights are discouraged: l2 shrinks them, l1 sets some exactly to zero, elasticnet mixes both.',
  },
  {
    name: 'C',
    kind: 'float',
    default: LINEAR_DEFAULTS.C,
    min: 1e-4,
    max: 1e4,
    log: true,
    help: 'Classification only: smaller values regularise more strongly (as in scikit-learn LogisticRegression).',
  },
  {
    name: 'alpha',
    kind: 'float',
    default: LINEAR_DEFAULTS.alpha,
    min: 1e-6,
    max: 1e3,
    log: true,
    help: 'Regression only: larger values regularise more strongly (as in scikit-learn Ridge, Lasso and ElasticNet).',
  },
  {
    name: 'l1_ratio',
    kind: 'float',
    default: LINEAR_DEFAULTS.l1_ratio,
    min: 0,
    max: 1,
    help: 'For elasticnet: the share of the penalty that is L1 (1 is pure l1, 0 is pure l2).',
  },
  {
    name: 'fit_intercept',
    kind: 'bool',
    default: LINEAR_DEFAULTS.fit_intercept,
    help: 'Whether to learn a constant offset, so that predictions need not pass through zero.',
  },
  {
    name: 'max_iter',
    kind: 'int',
    default: LINEAR_DEFAULTS.max_iter,
    min: 10,
    max: 10000,
    log: true,
    help: 'The most optimisation steps before training stops, converged or not.',
  },
  {
    name: 'tol',
    kind: 'float',
    default: LINEAR_DEFAULTS.tol,
    min: 1e-8,
    max: 1e-2,
    log: true,
    help: 'Training stops once the steepest slope of the loss is below this.',
  },
  {
    name: 'class_weight',
    kind: 'choice',
    default: LINEAR_DEFAULTS.class_weight,
    choices: ['none', 'balanced'],
    help: 'Classification only: balanced makes every class count equally, however rare it is.',
  },
];

export function resolveLinearParams(given: Partial<LinearParams>): LinearParams {
  const read = new ParamReader(given, LINEAR_DEFAULTS);
  return {
    penalty: read.choice('penalty', PENALTIES),
    C: read.positive('C'),
    alpha: read.number('alpha', 'a number ≥ 0', (v) => v >= 0),
    l1_ratio: read.number('l1_ratio', 'a number in [0, 1]', (v) => v >= 0 && v <= 1),
    fit_intercept: read.boolean('fit_intercept'),
    max_iter: read.integer('max_iter', 1),
    tol: read.number('tol', 'a number ≥ 0', (v) => v >= 0),
    class_weight: read.choice('class_weight', ['none', 'balanced'] as const),
  };
}
