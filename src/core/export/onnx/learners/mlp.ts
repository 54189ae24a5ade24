import { TensorType } from '../proto';
import type { GraphBuilder } from '../graph';
import { add, argmaxRows, cast, mul, softmaxRows, squeeze } from '../ops';
import { unsupported } from '../unsupported';
import type { LearnerContext, LearnerOutputs } from './types';

interface MlpJSON {
  readonly features: number;
  readonly activation: string;
  readonly layers: readonly {
    readonly inputs: number;
    readonly outputs: number;
    readonly weights: readonly number[];
    readonly bias: readonly number[];
  }[];
  readonly targetMean: number;
  readonly targetScale: number;
}

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** GELU's tanh form in the lab's order of operations. */
function gelu(g: GraphBuilder, z: string): string {
  const c = (value: number) => g.scalar(value);
  const cubic = mul(g, mul(g, mul(g, c(0.044715), z), z), z);
  const inner = mul(g, c(GELU_SCALE), add(g, z, cubic));
  return mul(g, mul(g, c(0.5), z), add(g, c(1), g.op('Tanh', [inner])));
}

function activate(g: GraphBuilder, x: string, activation: string, part: string): string {
  switch (activation) {
    case 'relu':
      return g.op('Relu', [x]);
    case 'tanh':
      return g.op('Tanh', [x]);
    case 'gelu':
      return gelu(g, x);
    default:
      throw unsupported(part, `the activation “${activation}” has no ONNX form here`);
  }
}

/**
 * The network's dense layers as MatMul + Add in double (batch norm is already folded into the
 * saved weights), the activation after each hidden layer, then the lab's softmax or the target's
 * un-standardization.
 */
export function mlpGraph(context: LearnerContext): LearnerOutputs {
  const { g, estimator, features, featureCount, part, task } = context;
  const json = estimator.toJSON() as unknown as MlpJSON;
  if (json.features !== featureCount) {
    throw unsupported(
      part,
      `it reads ${json.features} features but the pipeline makes ${featureCount}`,
    );
  }
  let h = cast(g, features, TensorType.DOUBLE);
  json.layers.forEach((layer, index) => {
    const weights = g.doubles(layer.weights, [layer.inputs, layer.outputs], 'weights');
    h = add(g, g.op('MatMul', [h, weights]), g.doubles(layer.bias, [layer.outputs], 'bias'));
    if (index < json.layers.length - 1) h = activate(g, h, json.activation, part);
  });
  if (task === 'regression') {
    const value = add(g, mul(g, h, g.scalar(json.targetScale)), g.scalar(json.targetMean));
    return { value: squeeze(g, value, [1]) };
  }
  return { labels: argmaxRows(g, h), proba: softmaxRows(g, h) };
}
