/**
 * The network on tfjs, with its backward pass written out by hand. All trainable parameters live
 * in one flat vector, so that the optimiser updates them with a dozen whole-vector ops instead of
 * a dozen per weight matrix, and the explicit gradients skip the autograd tape. On small batches
 * every tfjs op costs more in dispatch than in arithmetic, so the op count is what sets the speed.
 */
import { tf } from '../../backend/tfjs';
import { uniformArray, type Random } from '../../random';
import type { Activation } from './network';

type Tensor = tf.Tensor;
type Tensor2D = tf.Tensor2D;

export const BATCH_NORM_EPSILON = 1e-3;
const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

interface Span {
  readonly offset: number;
  readonly size: number;
}

export interface LayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: Span;
  readonly bias: Span;
  /** Batch norm's scale and shift, on hidden layers when enabled. */
  readonly gamma?: Span;
  readonly beta?: Span;
}

export interface Layout {
  readonly layers: readonly LayerLayout[];
  readonly size: number;
}

export function createLayout(widths: readonly number[], batchNorm: boolean): Layout {
  let offset = 0;
  const span = (size: number): Span => {
    const out = { offset, size };
    offset += size;
    return out;
  };
  const layers: LayerLayout[] = [];
  for (let l = 1; l < widths.length; l++) {
    const inputs = widths[l - 1] as number;
    const outputs = widths[l] as number;
    const hidden = l < widths.length - 1;
    layers.push({
      inputs,
      outputs,
      weights: span(inputs * outputs),
      bias: span(outputs),
      ...(batchNorm && hidden ? { gamma: span(outputs), beta: span(outputs) } : {}),
    });
  }
  return { layers, size: offset };
}

/** Glorot-uniform weights and biases as scikit-learn draws them; batch norm starts as identity. */
export function initialParameters(layout: Layout, rng: Random): Float32Array {
  const theta = new Float32Array(layout.size);
  for (const layer of layout.layers) {
    const bound = Math.sqrt(6 / (layer.inputs + layer.outputs));
    theta.set(uniformArray(rng, layer.weights.size, -bound, bound), layer.weights.offset);
    theta.set(uniformArray(rng, layer.bias.size, -bound, bound), layer.bias.offset);
    if (layer.gamma) theta.fill(1, layer.gamma.offset, layer.gamma.offset + layer.gamma.size);
  }
  return theta;
}

/** 1 where the L2 penalty applies (weight matrices), 0 for biases and batch-norm parameters. */
export function decayMask(layout: Layout): Float32Array {
  const mask = new Float32Array(layout.size);
  for (const { weights } of layout.layers)
    mask.fill(1, weights.offset, weights.offset + weights.size);
  return mask;
}

export interface LayerView {
  readonly weights: Tensor2D;
  readonly bias: Tensor;
  readonly gamma?: Tensor;
  readonly beta?: Tensor;
}

/** Views of each layer's parameters inside the flat vector (call inside a tidy). */
export function unpack(theta: Tensor, layout: Layout): LayerView[] {
  const take = ({ offset, size }: Span) => tf.slice(theta, [offset], [size]);
  return layout.layers.map((layer) => ({
    weights: tf.reshape(take(layer.weights), [layer.inputs, layer.outputs]) as Tensor2D,
    bias: take(layer.bias),
    ...(layer.gamma && layer.beta ? { gamma: take(layer.gamma), beta: take(layer.beta) } : {}),
  }));
}

/** Batch-norm running statistics, one pair per hidden layer that has batch norm. */
export interface Moments {
  readonly mean: Tensor;
  readonly variance: Tensor;
}

function activate(u: Tensor, activation: Activation): { a: Tensor; slope: (da: Tensor) => Tensor } {
  switch (activation) {
    case 'relu': {
      const a = tf.relu(u);
      return { a, slope: (da) => tf.mul(da, tf.step(u)) };
    }
    case 'tanh': {
      const a = tf.tanh(u);
      return { a, slope: (da) => tf.mul(da, tf.sub(1, tf.square(a))) };
    }
    case 'gelu': {
      const t = tf.tanh(tf.mul(GELU_SCALE, tf.add(u, tf.mul(GELU_CUBIC, tf.pow(u, 3)))));
      const a = tf.mul(tf.mul(0.5, u), tf.add(1, t));
      const derivative = () =>
        tf.add(
          tf.mul(0.5, tf.add(1, t)),
          tf.mul(
            tf.mul(tf.mul(0.5, u), tf.sub(1, tf.square(t))),
            tf.mul(GELU_SCALE, tf.add(1, tf.mul(3 * GELU_CUBIC, tf.square(u)))),
          ),
        );
      return { a, slope: (da) => tf.mul(da, derivative()) };
    }
  }
}

/** Inference: batch norm from its running statistics, no dropout. Returns the output layer. */
export function inferenceForward(
  views: readonly LayerView[],
  moments: readonly (Moments | undefined)[],
  activation: Activation,
  x: Tensor,
): Tensor {
  let h = x as Tensor2D;
  const last = views.length - 1;
  views.forEach((view, index) => {
    const norm = moments[index];
    const fuseRelu = index < last && activation === 'relu' && !view.gamma;
    let z: Tensor = tf.fused.matMul({
      a: h,
      b: view.weights,
      bias: view.bias,
      activation: fuseRelu ? 'relu' : 'linear',
    });
    if (index < last && !fuseRelu) {
      if (view.gamma && view.beta && norm) {
        z = tf.batchNorm(z, norm.mean, norm.variance, view.beta, view.gamma, BATCH_NORM_EPSILON);
      }
      z = activate(z, activation).a;
    }
    h = z as Tensor2D;
  });
  return h;
}

/** Per-row losses `rows × 1`: softmax cross-entropy, or squared error on the standardised target. */
export function rowLosses(classification: boolean, output: Tensor, y: Tensor): Tensor {
  if (classification) return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(output)), 1, true));
  return tf.square(tf.sub(output, y));
}

/**
 * tfjs-wasm sends products with a transposed operand to a slow generic loop, while an explicit
 * transpose followed by a plain product takes XNNPACK's fast path: together three to four times
 * faster there. Elsewhere (WebGPU, WebGL, CPU) the transposed product is native.
 */
export interface Products {
  /** aᵀ·b */
  readonly transposedLeft: (a: Tensor, b: Tensor) => Tensor;
  /** a·bᵀ */
  readonly transposedRight: (a: Tensor, b: Tensor) => Tensor;
}

export function products(explicitTranspose: boolean): Products {
  if (explicitTranspose) {
    return {
      transposedLeft: (a, b) => tf.matMul(tf.transpose(a), b),
      transposedRight: (a, b) => tf.matMul(a, tf.transpose(b)),
    };
  }
  return {
    transposedLeft: (a, b) => tf.matMul(a, b, true, false),
    transposedRight: (a, b) => tf.matMul(a, b, false, true),
  };
}

export interface BatchInputs {
  readonly x: Tensor;
  readonly y: Tensor;
  /** Row weights `rows × 1` (mean 1 over the training rows); absent when all are 1. */
  readonly weights?: Tensor;
  readonly rows: number;
  /** Per hidden layer: a mask already scaled by 1/(1 − rate), or undefined for no dropout. */
  readonly dropoutMasks?: readonly (Tensor | undefined)[];
}

export interface LossAndGradient {
  /** Σ weight × loss over the batch (the mean is this over `rows`), without the L2 term. */
  readonly lossSum: Tensor;
  /** d(mean weighted loss)/dθ, in the flat layout, without the L2 term. */
  readonly gradient: Tensor;
  /** Batch statistics of each batch-norm layer, for the running averages. */
  readonly batchMoments: readonly (Moments | undefined)[];
}

interface HiddenCache {
  readonly input: Tensor;
  readonly normalised?: Tensor;
  readonly inverseStd?: Tensor;
  readonly slope: (da: Tensor) => Tensor;
  readonly mask?: Tensor;
}

/** One training forward pass and its backward pass (call inside a tidy). */
export function lossAndGradient(
  views: readonly LayerView[],
  activation: Activation,
  classification: boolean,
  batch: BatchInputs,
  product: Products,
): LossAndGradient {
  const last = views.length - 1;
  const caches: HiddenCache[] = [];
  const batchMoments: (Moments | undefined)[] = [];
  let h = batch.x as Tensor2D;
  for (let index = 0; index < last; index++) {
    const view = views[index] as LayerView;
    const z = tf.fused.matMul({ a: h, b: view.weights, bias: view.bias });
    let u = z;
    let normalised: Tensor | undefined;
    let inverseStd: Tensor | undefined;
    if (view.gamma && view.beta) {
      const { mean, variance } = tf.moments(z, 0);
      batchMoments.push({ mean, variance });
      inverseStd = tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON));
      normalised = tf.mul(tf.sub(z, mean), inverseStd);
      u = tf.add(tf.mul(normalised, view.gamma), view.beta);
    } else {
      batchMoments.push(undefined);
    }
    const { a, slope } = activate(u, activation);
    const mask = batch.dropoutMasks?.[index];
    caches.push({
      input: h,
      slope,
      ...(normalised ? { normalised } : {}),
      ...(inverseStd ? { inverseStd } : {}),
      ...(mask ? { mask } : {}),
    });
    h = (mask ? tf.mul(a, mask) : a) as Tensor2D;
  }
  const outputView = views[last] as LayerView;
  const output = tf.fused.matMul({ a: h, b: outputView.weights, bias: outputView.bias });
  const weighted = (t: Tensor) => (batch.weights ? tf.mul(t, batch.weights) : t);
  let lossSum: Tensor;
  let delta: Tensor;
  if (classification) {
    const logProba = tf.logSoftmax(output);
    lossSum = tf.neg(tf.sum(weighted(tf.mul(batch.y, logProba))));
    delta = weighted(tf.mul(tf.sub(tf.exp(logProba), batch.y), 1 / batch.rows));
  } else {
    const residual = tf.sub(output, batch.y);
    lossSum = tf.sum(weighted(tf.square(residual)));
    delta = weighted(tf.mul(residual, 2 / batch.rows));
  }

  // Per layer, in the flat layout's order: weights, bias, then batch norm's gamma and beta.
  const gradients: Tensor[][] = views.map(() => []);
  gradients[last] = [product.transposedLeft(h, delta), tf.sum(delta, 0)];
  let upstream = product.transposedRight(delta, outputView.weights);
  for (let index = last - 1; index >= 0; index--) {
    const view = views[index] as LayerView;
    const cache = caches[index] as HiddenCache;
    const du = cache.slope(cache.mask ? tf.mul(upstream, cache.mask) : upstream);
    let dz = du;
    let normGradients: Tensor[] = [];
    if (view.gamma && cache.normalised && cache.inverseStd) {
      // Batch norm's backward pass: dz = (dn − mean(dn) − n·mean(dn·n)) / σ, with n normalised.
      const dNormalised = tf.mul(du, view.gamma);
      const meanOfD = tf.mean(dNormalised, 0);
      const meanOfDTimesN = tf.mean(tf.mul(dNormalised, cache.normalised), 0);
      dz = tf.mul(
        tf.sub(tf.sub(dNormalised, meanOfD), tf.mul(cache.normalised, meanOfDTimesN)),
        cache.inverseStd,
      );
      normGradients = [tf.sum(tf.mul(du, cache.normalised), 0), tf.sum(du, 0)];
    }
    gradients[index] = [product.transposedLeft(cache.input, dz), tf.sum(dz, 0), ...normGradients];
    if (index > 0) upstream = product.transposedRight(dz, view.weights);
  }
  const flat = gradients.flatMap((layer) => layer.map((g) => tf.reshape(g, [-1])));
  return { lossSum, gradient: tf.concat(flat), batchMoments };
}
