import { LEARNER_CATALOG } from '../catalog';
import type { Learner } from '../types';
import { mlpFromJSON } from './network';
import { resolveMlpParams, type MlpParams } from './params';
import { fitMlp } from './train';

export { MlpModel, mlpFromJSON, type DenseLayer, type MlpState, type Activation } from './network';
export { MLP_DEFAULTS, MLP_PARAMS, type MlpParams } from './params';

/**
 * A multilayer perceptron trained with Adam on tfjs (softmax cross-entropy for classes, squared
 * error on the standardised target for regression), with optional batch norm and dropout, weight
 * decay, class weights and early stopping. The fitted network predicts in plain JS.
 */
export const mlp: Learner<MlpParams> = {
  ...LEARNER_CATALOG.mlp,
  fit: async (x, target, params, context) => fitMlp(x, target, resolveMlpParams(params), context),
  fromJSON: mlpFromJSON,
};
