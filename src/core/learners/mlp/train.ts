import { loadTfjs, tf } from '../../backend/tfjs';
import { checkCancelled, TrainingError, yieldToEventLoop } from '../../errors/training-error';
import { assertFiniteFeatures, assertTarget, rowWeights, shuffle, tfSeed } from '../tf-training';
import type { FitContext, Matrix, Target } from '../types';
import {
  BATCH_NORM_EPSILON,
  createLayout,
  decayMask,
  inferenceForward,
  initialParameters,
  lossAndGradient,
  products,
  rowLosses,
  unpack,
  type Layout,
  type Moments,
} from './backprop';
import { prepareData, type RowSet } from './data';
import { MlpModel, type DenseLayer } from './network';
import type { MlpConfig } from './params';

type Tensor = tf.Tensor;
type Variable = tf.Variable;

const BATCH_NORM_MOMENTUM = 0.9;
const ADAM_EPSILON = 1e-8;
/** Batches between two yields to the event loop (across epochs), so cancellation gets through. */
const YIELD_EVERY_BATCHES = 8;

interface DeviceRows {
  readonly rows: number;
  readonly x: Tensor;
  readonly y: Tensor;
  readonly weights: Tensor;
  readonly labels?: Tensor;
}

function upload(set: RowSet, features: number, outputs: number): DeviceRows {
  return {
    rows: set.rows,
    x: tf.tensor2d(set.x, [set.rows, features]),
    y: tf.tensor2d(set.y, [set.rows, outputs]),
    weights: tf.tensor2d(set.weights, [set.rows, 1]),
    ...(set.labels ? { labels: tf.tensor1d(set.labels, 'int32') } : {}),
  };
}

function rowTensors(rows: DeviceRows | undefined): Tensor[] {
  if (!rows) return [];
  return [rows.x, rows.y, rows.weights, ...(rows.labels ? [rows.labels] : [])];
}

/** A variable holding `initial`, which it takes over (tf.variable copies, so the original goes). */
function variableFrom(initial: Tensor, trainable = false): Variable {
  const variable = tf.variable(initial, trainable);
  initial.dispose();
  return variable;
}

interface RunningMoments {
  readonly mean: Variable;
  readonly variance: Variable;
}

/** Builds inference layers from the flat parameters, folding batch norm into the weights. */
function foldLayers(
  layout: Layout,
  theta: Float32Array,
  moments: readonly ({ mean: Float32Array; variance: Float32Array } | undefined)[],
): DenseLayer[] {
  return layout.layers.map((layer, index) => {
    const { inputs, outputs } = layer;
    const part = ({ offset, size }: { offset: number; size: number }) =>
      theta.slice(offset, offset + size);
    const weights = part(layer.weights);
    const bias = part(layer.bias);
    const norm = moments[index];
    if (!layer.gamma || !layer.beta || !norm) return { inputs, outputs, weights, bias };
    const gamma = part(layer.gamma);
    const beta = part(layer.beta);
    for (let j = 0; j < outputs; j++) {
      const scale =
        (gamma[j] as number) / Math.sqrt((norm.variance[j] as number) + BATCH_NORM_EPSILON);
      bias[j] = ((bias[j] as number) - (norm.mean[j] as number)) * scale + (beta[j] as number);
      for (let k = 0; k < inputs; k++) {
        weights[k * outputs + j] = (weights[k * outputs + j] as number) * scale;
      }
    }
    return { inputs, outputs, weights, bias };
  });
}

function balancedFactors(counts: Int32Array | undefined, rows: number): Float64Array | undefined {
  if (!counts) return undefined;
  const present = counts.filter((count) => count > 0).length;
  return Float64Array.from(counts, (count) => (count > 0 ? rows / (present * count) : 0));
}

export async function fitMlp(
  x: Matrix,
  target: Target,
  config: MlpConfig,
  context: FitContext,
): Promise<MlpModel> {
  await loadTfjs();
  assertFiniteFeatures(x, 'A neural network');
  const counts = assertTarget(x, target);
  const classification = target.task === 'classification';
  const classWeight = classification ? config.class_weight : 'none';
  const weights = rowWeights(target, counts, classWeight, context.sampleWeight);
  const classFactor = classWeight === 'balanced' ? balancedFactors(counts, x.rows) : undefined;
  const data = prepareData(
    x,
    target,
    weights,
    classFactor,
    config.early_stopping ? config.validation_fraction : undefined,
    context,
  );
  const { outputs } = data;
  const widths = [x.cols, ...config.hidden_layers, outputs];
  const layout = createLayout(widths, config.batch_norm);
  const hiddenCount = widths.length - 2;
  const monitorValidation = config.early_stopping && data.validation !== undefined;
  const { activation, alpha, beta1, beta2, dropout } = config;

  await tf.ready();
  const owned: Tensor[] = [];
  const own = <T extends Tensor>(tensor: T): T => {
    owned.push(tensor);
    return tensor;
  };
  /** Tensors of the current epoch, disposed at its end or when training fails. */
  const live: Tensor[] = [];
  // The best weights so far stay on the device: copying there is cheap, reading back is not.
  let best: Tensor[] = [];
  try {
    const theta = own(variableFrom(tf.tensor1d(initialParameters(layout, context.rng)), true));
    const firstMoment = own(variableFrom(tf.zeros([layout.size])));
    const secondMoment = own(variableFrom(tf.zeros([layout.size])));
    const decay = own(tf.tensor1d(decayMask(layout)));
    const running: (RunningMoments | undefined)[] = layout.layers
      .slice(0, hiddenCount)
      .map((layer) =>
        layer.gamma
          ? {
              mean: own(variableFrom(tf.zeros([layer.outputs]))),
              variance: own(variableFrom(tf.ones([layer.outputs]))),
            }
          : undefined,
      );
    const train = upload(data.train, x.cols, outputs);
    owned.push(...rowTensors(train));
    const validation = data.validation ? upload(data.validation, x.cols, outputs) : undefined;
    owned.push(...rowTensors(validation));
    const batchSize = Math.min(config.batch_size, train.rows);
    const product = products(tf.getBackend() === 'wasm');
    const uniformWeights = data.train.weights.every((w) => w === 1);
    let updates = 0;

    const dropoutMasks = (rows: number) =>
      layout.layers.slice(0, hiddenCount).map((layer) => {
        const uniform = tf.randomUniform(
          [rows, layer.outputs],
          0,
          1,
          'float32',
          tfSeed(context.rng),
        );
        return tf.mul(tf.step(tf.sub(uniform, dropout)), 1 / (1 - dropout));
      });

    /** One Adam step on a batch; returns the batch's summed weighted loss. */
    const trainBatch = (rows: Tensor, batchRows: number): Tensor => {
      updates += 1;
      const firstCorrection = 1 - beta1 ** updates;
      const secondCorrection = 1 - beta2 ** updates;
      // Adam's bias corrections folded into the step size and epsilon (as tf.train.adam computes).
      const stepSize = (config.learning_rate * Math.sqrt(secondCorrection)) / firstCorrection;
      const epsilon = ADAM_EPSILON * Math.sqrt(secondCorrection);
      return tf.tidy(() => {
        const views = unpack(theta, layout);
        const result = lossAndGradient(
          views,
          activation,
          classification,
          {
            x: tf.gather(train.x, rows),
            y: tf.gather(train.y, rows),
            ...(uniformWeights ? {} : { weights: tf.gather(train.weights, rows) }),
            rows: batchRows,
            ...(dropout > 0 ? { dropoutMasks: dropoutMasks(batchRows) } : {}),
          },
          product,
        );
        let gradient = result.gradient;
        if (alpha > 0) gradient = tf.add(gradient, tf.mul(tf.mul(theta, decay), alpha / batchRows));
        const m = tf.add(tf.mul(firstMoment, beta1), tf.mul(gradient, 1 - beta1));
        const v = tf.add(tf.mul(secondMoment, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        theta.assign(tf.sub(theta, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon)), stepSize)));
        firstMoment.assign(m);
        secondMoment.assign(v);
        result.batchMoments.forEach((batch, index) => {
          const stats = running[index];
          if (!batch || !stats) return;
          const keep = BATCH_NORM_MOMENTUM;
          stats.mean.assign(tf.add(tf.mul(stats.mean, keep), tf.mul(batch.mean, 1 - keep)));
          stats.variance.assign(
            tf.add(tf.mul(stats.variance, keep), tf.mul(batch.variance, 1 - keep)),
          );
        });
        return result.lossSum;
      });
    };

    const evaluate = async (set: DeviceRows) => {
      const packed = tf.tidy(() => {
        const moments: (Moments | undefined)[] = running;
        const output = inferenceForward(unpack(theta, layout), moments, activation, set.x);
        const losses = rowLosses(classification, output, set.y);
        const loss = tf.div(tf.sum(tf.mul(losses, set.weights)), set.rows);
        const accuracy = set.labels
          ? tf.mean(tf.cast(tf.equal(tf.argMax(output, 1), set.labels), 'float32'))
          : tf.scalar(0);
        return tf.stack([loss, accuracy]);
      });
      const [loss, accuracy] = Array.from(await packed.data());
      packed.dispose();
      return { loss: loss as number, accuracy: accuracy as number };
    };

    const snapshot = () => [
      theta,
      ...running.flatMap((stats) => (stats ? [stats.mean, stats.variance] : [])),
    ];

    let bestLoss = Infinity;
    let bestEpoch = 0;
    let stale = 0;
    let epoch = 0;
    let batchesSinceYield = 0;
    const order = Int32Array.from({ length: train.rows }, (_, i) => i);
    while (epoch < config.max_iter) {
      epoch += 1;
      shuffle(order, context.rng);
      const orderTensor = tf.tensor1d(order, 'int32');
      live.push(orderTensor);
      const batchLosses: Tensor[] = [];
      for (let start = 0; start < train.rows; start += batchSize) {
        checkCancelled(context.signal);
        const batchRows = Math.min(batchSize, train.rows - start);
        const rows = tf.slice(orderTensor, [start], [batchRows]);
        live.push(rows);
        const batchLoss = trainBatch(rows, batchRows);
        live.push(batchLoss);
        batchLosses.push(batchLoss);
        batchesSinceYield += 1;
        if (batchesSinceYield === YIELD_EVERY_BATCHES) {
          batchesSinceYield = 0;
          await yieldToEventLoop();
        }
      }
      const total = tf.addN(batchLosses);
      live.push(total);
      const loss = (await total.data())[0] as number;
      tf.dispose(live.splice(0));
      const epochLoss = loss / train.rows;
      if (!Number.isFinite(epochLoss)) {
        throw new TrainingError(
          'non-finite',
          `The loss became ${Number.isNaN(epochLoss) ? 'NaN' : 'infinite'} in epoch ${epoch}: ` +
            'lower the learning rate or scale the features.',
          'learning_rate',
        );
      }
      const metrics: Record<string, number> = { loss: epochLoss };
      if (validation) {
        const scored = await evaluate(validation);
        metrics.val_loss = scored.loss;
        if (classification) metrics.val_accuracy = scored.accuracy;
      }
      const monitored = monitorValidation ? (metrics.val_loss as number) : epochLoss;
      stale = monitored > bestLoss - config.tol ? stale + 1 : 0;
      if (monitored < bestLoss) {
        bestLoss = monitored;
        bestEpoch = epoch;
        if (monitorValidation) {
          tf.dispose(best);
          best = snapshot().map((tensor) => tf.clone(tensor));
        }
      }
      context.onProgress?.({ step: epoch, total: config.max_iter, metrics });
      checkCancelled(context.signal);
      if (stale >= config.n_iter_no_change) break;
    }
    const kept = await Promise.all(
      (best.length > 0 ? best : snapshot()).map(async (tensor) =>
        Float32Array.from((await tensor.data()) as Float32Array),
      ),
    );
    let at = 1;
    const moments = running.map((stats) =>
      stats
        ? { mean: kept[at++] as Float32Array, variance: kept[at++] as Float32Array }
        : undefined,
    );
    return new MlpModel({
      task: target.task,
      features: x.cols,
      activation,
      layers: foldLayers(layout, kept[0] as Float32Array, moments),
      ...(target.task === 'classification' ? { classes: target.classes } : {}),
      targetMean: data.targetMean,
      targetScale: data.targetScale,
      epochs: epoch,
      bestEpoch: monitorValidation ? bestEpoch : epoch,
    });
  } finally {
    tf.dispose(live);
    tf.dispose(best);
    tf.dispose(owned);
  }
}
