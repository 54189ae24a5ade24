import type { Learner } from '../types';
import { mlpFromJSON } from './network';
import { MLP_PARAMS, resolveMlpParams, type MlpParams } from './params';
import { fitMlp } from './train';

export { MlpModel, mlpFromJSON, type DenseLayer, type MlpState, type Activation } from './network';
export { MLP_DEFAULTS, MLP_PARAMS, type MlpParams } from './params';

/**
 * A multilayer perceptron trained with Adam on tfjs (softmax cross-entropy for classes, squared
 * error on the standardised target for regression), with optional batch norm and dropout, weight
 * decay, class weights and early stopping. The fitted network predicts in plain JS.
 */
export const mlp: Learner<MlpParams> = {
  name: 'mlp',
  label: 'Neural network (MLP)',
  tasks: ['classification', 'regression'],
  handlesMissing: false,
  params: MLP_PARAMS,
  fit: async (x, target, params, context) => fitMlp(x, target, resolveMlpParams(params), context),
  fromJSON: mlpFromJSON,
};
