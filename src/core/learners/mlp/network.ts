import { TrainingError } from '../../errors/training-error';
import { assertColumns, assertFiniteFeatures, jsonField, numbersFromJSON } from '../tf-training';
import type { Estimator, EstimatorJSON, Matrix, Task } from '../types';

export const MLP_FORMAT = 1;

export type Activation = 'relu' | 'tanh' | 'gelu';

export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'gelu'];

/** A dense layer `outputs = inputs · weights + bias`, weights row-major `inputs × outputs`. */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/**
 * A trained network ready for inference: hidden layers (batch norm already folded into their
 * weights) followed by the activation, then a linear output layer giving class scores (softmax)
 * or the standardised target.
 */
export interface MlpState {
  readonly task: Task;
  readonly features: number;
  readonly activation: Activation;
  readonly layers: readonly DenseLayer[];
  readonly classes?: readonly string[];
  /** Regression: predictions are `output · targetScale + targetMean`. */
  readonly targetMean: number;
  readonly targetScale: number;
  /** Epochs trained, and the epoch whose weights were kept (early stopping keeps the best). */
  readonly epochs: number;
  readonly bestEpoch: number;
}

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** GELU in its tanh form (as in GPT-2), which tfjs and plain JS compute identically. */
export const gelu = (z: number) =>
  0.5 * z * (1 + Math.tanh(GELU_SCALE * (z + 0.044715 * z * z * z)));

function activate(values: Float64Array, length: number, activation: Activation): void {
  switch (activation) {
    case 'relu':
      for (let i = 0; i < length; i++) if ((values[i] as number) < 0) values[i] = 0;
      return;
    case 'tanh':
      for (let i = 0; i < length; i++) values[i] = Math.tanh(values[i] as number);
      return;
    case 'gelu':
      for (let i = 0; i < length; i++) values[i] = gelu(values[i] as number);
      return;
  }
}

/** out[r] = bias + in[r] · weights for `rows` rows; loops in the order that reads weights by row. */
function dense(input: ArrayLike<number>, rows: number, layer: DenseLayer, out: Float64Array): void {
  const { inputs, outputs, weights, bias } = layer;
  for (let r = 0; r < rows; r++) {
    const o = r * outputs;
    for (let j = 0; j < outputs; j++) out[o + j] = bias[j] as number;
    for (let k = 0; k < inputs; k++) {
      const value = input[r * inputs + k] as number;
      if (value === 0) continue;
      const w = k * outputs;
      for (let j = 0; j < outputs; j++) {
        out[o + j] = (out[o + j] as number) + value * (weights[w + j] as number);
      }
    }
  }
}

const BLOCK_ROWS = 256;

export class MlpModel implements Estimator {
  readonly learner = 'mlp' as const;
  readonly task: Task;
  readonly state: MlpState;

  constructor(state: MlpState) {
    this.task = state.task;
    this.state = state;
  }

  /** Raw outputs `rows × outputs`: class scores (logits) or the standardised target. */
  forward(x: Matrix): Float64Array {
    const { layers, features, activation } = this.state;
    assertColumns(x, features);
    assertFiniteFeatures(x, 'A neural network');
    const widest = Math.max(...layers.map((layer) => layer.outputs));
    const outputs = layers[layers.length - 1]?.outputs ?? 0;
    const result = new Float64Array(x.rows * outputs);
    let current = new Float64Array(BLOCK_ROWS * widest);
    let next = new Float64Array(BLOCK_ROWS * widest);
    for (let start = 0; start < x.rows; start += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, x.rows - start);
      let input: ArrayLike<number> = x.data.subarray(start * features, (start + rows) * features);
      layers.forEach((layer, index) => {
        dense(input, rows, layer, next);
        if (index < layers.length - 1) activate(next, rows * layer.outputs, activation);
        [current, next] = [next, current];
        input = current;
      });
      result.set(current.subarray(0, rows * outputs), start * outputs);
    }
    return result;
  }

  predict(x: Matrix): Float64Array {
    const raw = this.forward(x);
    if (this.task === 'regression') {
      const { targetMean, targetScale } = this.state;
      return raw.map((value) => value * targetScale + targetMean);
    }
    const classes = this.state.classes?.length ?? 0;
    const out = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) {
        if ((raw[i * classes + c] as number) > (raw[i * classes + best] as number)) best = c;
      }
      out[i] = best;
    }
    return out;
  }

  predictProba(x: Matrix): Float64Array {
    if (this.task !== 'classification') {
      throw new TrainingError('invalid-input', 'Probabilities exist only for classification.');
    }
    const scores = this.forward(x);
    const classes = this.state.classes?.length ?? 0;
    for (let i = 0; i < x.rows; i++) {
      const row = i * classes;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, scores[row + c] as number);
      let total = 0;
      for (let c = 0; c < classes; c++) {
        const e = Math.exp((scores[row + c] as number) - max);
        scores[row + c] = e;
        total += e;
      }
      for (let c = 0; c < classes; c++) scores[row + c] = (scores[row + c] as number) / total;
    }
    return scores;
  }

  toJSON(): EstimatorJSON {
    const { state } = this;
    return {
      learner: 'mlp',
      format: MLP_FORMAT,
      task: state.task,
      features: state.features,
      activation: state.activation,
      layers: state.layers.map((layer) => ({
        inputs: layer.inputs,
        outputs: layer.outputs,
        weights: Array.from(layer.weights),
        bias: Array.from(layer.bias),
      })),
      ...(state.classes ? { classes: [...state.classes] } : {}),
      targetMean: state.targetMean,
      targetScale: state.targetScale,
      epochs: state.epochs,
      bestEpoch: state.bestEpoch,
    };
  }
}

const malformed = (what: string) =>
  new TrainingError('invalid-input', `The saved neural network is malformed: ${what}.`);

const float32 = (length: number) => new Float32Array(length);

function layerFromJSON(value: unknown, inputs: number): DenseLayer {
  if (typeof value !== 'object' || value === null) throw malformed('a layer is not an object');
  const outputs = jsonField(value, 'outputs');
  if (jsonField(value, 'inputs') !== inputs || typeof outputs !== 'number' || outputs < 1) {
    throw malformed('layer sizes do not chain');
  }
  return {
    inputs,
    outputs,
    weights: numbersFromJSON(jsonField(value, 'weights'), 'weights', float32, inputs * outputs),
    bias: numbersFromJSON(jsonField(value, 'bias'), 'bias', float32, outputs),
  };
}

export function mlpFromJSON(json: EstimatorJSON): MlpModel {
  if (json.learner !== 'mlp' || json.format !== MLP_FORMAT) {
    throw new TrainingError(
      'invalid-input',
      `Expected a neural network in format ${MLP_FORMAT}, got ${json.learner} format ${json.format}.`,
    );
  }
  const task = jsonField(json, 'task');
  const features = jsonField(json, 'features');
  const activation = jsonField(json, 'activation');
  const layerValues = jsonField(json, 'layers');
  const numbers = ['targetMean', 'targetScale', 'epochs', 'bestEpoch'].map((field) =>
    jsonField(json, field),
  );
  if (task !== 'classification' && task !== 'regression') throw malformed('unknown task');
  if (typeof features !== 'number' || !Number.isInteger(features) || features < 1) {
    throw malformed('bad feature count');
  }
  if (!ACTIVATIONS.includes(activation as Activation)) throw malformed('unknown activation');
  if (!Array.isArray(layerValues) || layerValues.length === 0) throw malformed('no layers');
  if (!numbers.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw malformed('bad target scaling or epochs');
  }
  const layers: DenseLayer[] = [];
  let inputs = features;
  for (const value of layerValues) {
    const layer = layerFromJSON(value, inputs);
    layers.push(layer);
    inputs = layer.outputs;
  }
  const [targetMean, targetScale, epochs, bestEpoch] = numbers as number[];
  const common = {
    task: task as Task,
    features,
    activation: activation as Activation,
    layers,
    targetMean: targetMean as number,
    targetScale: targetScale as number,
    epochs: epochs as number,
    bestEpoch: bestEpoch as number,
  };
  if (task === 'regression') {
    if (inputs !== 1) throw malformed('a regression network has one output');
    return new MlpModel(common);
  }
  const classes = jsonField(json, 'classes');
  if (!Array.isArray(classes) || !classes.every((name) => typeof name === 'string')) {
    throw malformed('classes missing');
  }
  if (classes.length !== inputs) throw malformed('one output per class');
  return new MlpModel({ ...common, classes: classes as string[] });
}
