import { LEARNER_CATALOG } from '../catalog';
import type { Learner } from '../types';
import { fitLinear } from './fit';
import { linearFromJSON } from './model';
import { resolveLinearParams, type LinearParams } from './params';

export { LinearModel, linearFromJSON, type LinearState } from './model';
export { LINEAR_DEFAULTS, LINEAR_PARAMS, type LinearParams, type Penalty } from './params';

/**
 * Linear and logistic regression (binary sigmoid, softmax for more classes) with none, l2, l1 or
 * elastic-net penalties. Trained full-batch on tfjs: L-BFGS for smooth penalties, FISTA with soft
 * thresholding when there is an L1 part, so that lasso solutions hold exact zeros.
 */
export const linear: Learner<LinearParams> = {
  ...LEARNER_CATALOG.linear,
  fit: async (x, target, params, context) =>
    fitLinear(x, target, resolveLinearParams(params), context),
  fromJSON: linearFromJSON,
};
