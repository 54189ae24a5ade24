import { loadTfjs, tf } from '../../backend/tfjs';
import { TrainingError } from '../../errors/training-error';
import { assertFiniteFeatures, assertTarget, rowWeights } from '../tf-training';
import type { FitContext, Matrix, RegressionTarget, Target } from '../types';
import { directSolveApplies, solveDirect } from './direct';
import { LinearModel } from './model';
import { fista, lbfgs, type OptimizeOptions, type SmoothObjective } from './optimize';
import type { LinearParams } from './params';

type Loss = 'squared' | 'logistic' | 'softmax';

/**
 * A typical curvature p(1 − p) of the logistic loss averaged over the rows of a fitted model: well
 * below its maximum ¼, since most rows end up confidently classified.
 */
const LOGISTIC_CURVATURE = 0.05;

/** The normalised data term, its labels and the fitted classes, before any penalty. */
interface Problem {
  readonly loss: Loss;
  readonly outputs: number;
  /** Row-major `rows × outputs`: the (scaled) target, 0/1 labels or one-hot rows. */
  readonly y: Float32Array;
  /** Regression: the target is divided by this so the optimiser sees values near 1. */
  readonly yScale: number;
  readonly labels?: Int32Array;
  readonly classes?: readonly string[];
  /** Starting intercepts (class log-priors, or the target's mean), which speed convergence. */
  readonly intercepts: Float64Array;
}

/**
 * Solving on rescaled, centred columns is an exact change of variables, not a change of model:
 * with w = v/s and b = b̃ − Σ μ·w, the penalty on w becomes a per-column penalty on v. Dividing
 * by s = √(variance + λ₂/curvature) rather than the standard deviation alone evens out the
 * diagonal of the Hessian, data term and ridge term together, so that unscaled columns (whose
 * ridge curvature λ₂/sd² can dwarf the data's) converge as quickly as scaled ones.
 */
interface Standardised {
  readonly means: Float64Array;
  readonly scales: Float64Array;
}

function standardise(
  x: Matrix,
  weights: Float64Array,
  center: boolean,
  ridgeVariance: number,
): Standardised {
  const { rows, cols, data } = x;
  const means = new Float64Array(cols);
  const scales = new Float64Array(cols);
  if (center) {
    for (let i = 0; i < rows; i++) {
      const w = weights[i] as number;
      for (let j = 0; j < cols; j++) {
        means[j] = (means[j] as number) + w * (data[i * cols + j] as number);
      }
    }
  }
  for (let i = 0; i < rows; i++) {
    const w = weights[i] as number;
    for (let j = 0; j < cols; j++) {
      const d = (data[i * cols + j] as number) - (means[j] as number);
      scales[j] = (scales[j] as number) + w * d * d;
    }
  }
  for (let j = 0; j < cols; j++) {
    const scale = Math.sqrt((scales[j] as number) + ridgeVariance);
    scales[j] = scale > 0 && Number.isFinite(scale) ? scale : 1;
  }
  return { means, scales };
}

/** Row-major `rows × (cols + 1)`: the rescaled columns, then a column of ones (the intercept). */
function designMatrix(x: Matrix, { means, scales }: Standardised, center: boolean): Float32Array {
  const { rows, cols, data } = x;
  const width = cols + 1;
  const design = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      design[i * width + j] =
        ((data[i * cols + j] as number) - (means[j] as number)) / (scales[j] as number);
    }
    design[i * width + cols] = center ? 1 : 0;
  }
  return design;
}

function describeProblem(target: Target, weights: Float64Array, fitIntercept: boolean): Problem {
  const n = target.y.length;
  if (target.task === 'regression') {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (weights[i] as number) * (target.y[i] as number);
    let spread = 0;
    for (let i = 0; i < n; i++) {
      const centred = (target.y[i] as number) - (fitIntercept ? mean : 0);
      spread += (weights[i] as number) * centred * centred;
    }
    const yScale = spread > 0 ? Math.sqrt(spread) : 1;
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) y[i] = (target.y[i] as number) / yScale;
    const intercepts = Float64Array.of(fitIntercept ? mean / yScale : 0);
    return { loss: 'squared', outputs: 1, y, yScale, intercepts };
  }
  const priors = new Float64Array(target.classes.length);
  for (let i = 0; i < n; i++) {
    const label = target.y[i] as number;
    priors[label] = (priors[label] as number) + (weights[i] as number);
  }
  const present: number[] = [];
  priors.forEach((prior, label) => {
    if (prior > 0) present.push(label);
  });
  const labels = Int32Array.from(present);
  const classes = target.classes;
  if (labels.length === 2) {
    const positive = labels[1] as number;
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) y[i] = target.y[i] === positive ? 1 : 0;
    const p = priors[positive] as number;
    const intercepts = Float64Array.of(fitIntercept ? Math.log(p / (1 - p)) : 0);
    return { loss: 'logistic', outputs: 1, y, yScale: 1, labels, classes, intercepts };
  }
  const outputs = labels.length;
  const column = new Int32Array(classes.length).fill(-1);
  labels.forEach((label, k) => (column[label] = k));
  const y = new Float32Array(n * outputs);
  for (let i = 0; i < n; i++) y[i * outputs + (column[target.y[i] as number] as number)] = 1;
  const intercepts = new Float64Array(outputs);
  if (fitIntercept) {
    labels.forEach((label, k) => (intercepts[k] = Math.log(priors[label] as number)));
  }
  return { loss: 'softmax', outputs, y, yScale: 1, labels, classes, intercepts };
}

/** λ₁ and λ₂ of ½·λ₂‖w‖² + λ₁‖w‖₁ beside the weighted-mean data term (weights summing to 1). */
function penaltyStrengths(target: Target, params: LinearParams, weightSum: number) {
  const { penalty, C, alpha } = params;
  const l1Share = penalty === 'l1' ? 1 : penalty === 'elasticnet' ? params.l1_ratio : 0;
  if (penalty === 'none') return { l1: 0, l2: 0 };
  if (target.task === 'classification') {
    const strength = 1 / (C * weightSum);
    return { l1: strength * l1Share, l2: strength * (1 - l1Share) };
  }
  // Ridge's ‖y − Xw‖² + alpha‖w‖², divided by 2n, puts alpha/n on ½‖w‖².
  if (penalty === 'l2') return { l1: 0, l2: alpha / weightSum };
  return { l1: alpha * l1Share, l2: alpha * (1 - l1Share) };
}

/**
 * The data term on tfjs. θ is the row-major `(cols + 1) × outputs` matrix of coefficients over
 * intercepts, so one product with the design matrix gives the scores and one transposed product
 * gives the whole gradient. The ridge term is added in float64 on the JS side.
 */
function tensorObjective(
  problem: Problem,
  designRows: Float32Array,
  rows: number,
  cols: number,
  unitWeights: Float64Array,
  ridge: Float64Array,
): SmoothObjective & { dispose(): void } {
  const { outputs, loss } = problem;
  const width = cols + 1;
  const size = width * outputs;
  const design = tf.tensor2d(designRows, [rows, width]);
  // tfjs-wasm runs products with a transposed operand on a slow generic loop; a transposed copy
  // of the (fixed) design matrix keeps the gradient's product on XNNPACK's fast path.
  const designTransposed = tf.getBackend() === 'wasm' ? tf.transpose(design) : undefined;
  const labels = tf.tensor2d(problem.y, [rows, outputs]);
  const rowWeight = tf.tensor2d(Float32Array.from(unitWeights), [rows, 1]);
  const packed = new Float32Array(size);

  const evaluatePacked = (theta: Float64Array) =>
    tf.tidy(() => {
      packed.set(theta);
      const z = tf.matMul(design, tf.tensor2d(packed, [width, outputs]));
      let perRow: ReturnType<typeof tf.sub>;
      let slope: ReturnType<typeof tf.sub>;
      if (loss === 'squared') {
        slope = tf.sub(z, labels);
        perRow = tf.mul(0.5, tf.square(slope));
      } else if (loss === 'logistic') {
        perRow = tf.sub(tf.softplus(z), tf.mul(labels, z));
        slope = tf.sub(tf.sigmoid(z), labels);
      } else {
        const logProba = tf.logSoftmax(z);
        perRow = tf.neg(tf.sum(tf.mul(labels, logProba), 1, true));
        slope = tf.sub(tf.exp(logProba), labels);
      }
      const value = tf.reshape(tf.sum(tf.mul(perRow, rowWeight)), [1]);
      const weightedSlope = tf.mul(slope, rowWeight);
      const gradient = designTransposed
        ? tf.matMul(designTransposed, weightedSlope)
        : tf.matMul(design, weightedSlope, true, false);
      return tf.concat([value, tf.reshape(gradient, [-1])]);
    });

  return {
    async evaluate(theta, gradient) {
      const result = evaluatePacked(theta);
      const values = await result.data();
      result.dispose();
      let value = values[0] as number;
      for (let i = 0; i < size; i++) {
        const t = theta[i] as number;
        const r = ridge[i] as number;
        value += 0.5 * r * t * t;
        gradient[i] = (values[1 + i] as number) + r * t;
      }
      return value;
    },
    dispose() {
      design.dispose();
      designTransposed?.dispose();
      labels.dispose();
      rowWeight.dispose();
    },
  };
}

export async function fitLinear(
  x: Matrix,
  target: Target,
  params: LinearParams,
  context: FitContext,
): Promise<LinearModel> {
  assertFiniteFeatures(x, 'A linear model');
  const counts = assertTarget(x, target);
  const classWeight = target.task === 'classification' ? params.class_weight : 'none';
  const weights = rowWeights(target, counts, classWeight, context.sampleWeight);
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const unit = weights.map((w) => w / weightSum);
  const { rows, cols } = x;
  const fitIntercept = params.fit_intercept;
  const strengths = penaltyStrengths(target, params, weightSum);
  const curvature = target.task === 'regression' ? 1 : LOGISTIC_CURVATURE;
  const scaled = standardise(x, unit, fitIntercept, strengths.l2 / curvature);
  const problem = describeProblem(target, unit, fitIntercept);
  const { outputs, yScale } = problem;
  const coefficients = cols * outputs;
  const ridge = new Float64Array(coefficients + outputs);
  const lasso = new Float64Array(coefficients + outputs);
  for (let j = 0; j < cols; j++) {
    const scale = scaled.scales[j] as number;
    for (let k = 0; k < outputs; k++) {
      ridge[j * outputs + k] = strengths.l2 / (scale * scale);
      lasso[j * outputs + k] = strengths.l1 / yScale / scale;
    }
  }
  if (problem.loss === 'squared' && strengths.l1 === 0 && directSolveApplies(rows, cols)) {
    const theta = solveDirect({
      x,
      y: (target as RegressionTarget).y,
      unit,
      means: scaled.means,
      scales: scaled.scales,
      ridge,
      yScale,
      fitIntercept,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    if (theta) {
      const model = toModel(target, problem, scaled, theta, cols, 1, true);
      const y = (target as RegressionTarget).y;
      const predictions = model.predict(x);
      let loss = 0;
      for (let i = 0; i < rows; i++) {
        const residual = (y[i] as number) - (predictions[i] as number);
        loss += 0.5 * (unit[i] as number) * residual * residual;
      }
      for (let j = 0; j < cols; j++) {
        const v = theta[j] as number;
        loss += 0.5 * (ridge[j] as number) * v * v * yScale * yScale;
      }
      context.onProgress?.({ step: 1, total: 1, metrics: { loss, converged: 1 } });
      return model;
    }
  }
  const start = new Float64Array(coefficients + outputs);
  start.set(problem.intercepts, coefficients);

  await loadTfjs();
  await tf.ready();
  const design = designMatrix(x, scaled, fitIntercept);
  const objective = tensorObjective(problem, design, rows, cols, unit, ridge);
  const valueScale = yScale * yScale;
  const options: OptimizeOptions = {
    maxIter: params.max_iter,
    tol: params.tol,
    signal: context.signal,
    onIteration: (step, value, last, converged) => {
      context.onProgress?.({
        step,
        total: params.max_iter,
        metrics: {
          loss: value * valueScale,
          ...(last ? { converged: converged ? 1 : 0 } : {}),
        },
      });
    },
  };
  let result;
  try {
    result =
      strengths.l1 > 0
        ? await fista(objective, start, lasso, options)
        : await lbfgs(objective, start, options);
  } finally {
    objective.dispose();
  }
  if (!Number.isFinite(result.value)) {
    throw new TrainingError(
      'non-finite',
      'The loss became NaN or infinite: scale the features or strengthen the regularisation.',
    );
  }
  return toModel(target, problem, scaled, result.theta, cols, result.iterations, result.converged);
}

/** Undoes the standardisation: w = yScale·v/s, b = yScale·(b̃ − Σ μ·v/s), in sklearn's layout. */
function toModel(
  target: Target,
  problem: Problem,
  scaled: Standardised,
  theta: Float64Array,
  cols: number,
  iterations: number,
  converged: boolean,
): LinearModel {
  const { outputs, yScale } = problem;
  const coef = new Float64Array(outputs * cols);
  const intercept = new Float64Array(outputs);
  for (let k = 0; k < outputs; k++) {
    let offset = theta[cols * outputs + k] as number;
    for (let j = 0; j < cols; j++) {
      const v = theta[j * outputs + k] as number;
      const w = v === 0 ? 0 : v / (scaled.scales[j] as number);
      coef[k * cols + j] = yScale * w;
      offset -= (scaled.means[j] as number) * w;
    }
    intercept[k] = yScale * offset;
  }
  return new LinearModel({
    task: target.task,
    features: cols,
    coef,
    intercept,
    ...(problem.labels && problem.classes
      ? { classes: problem.classes, labels: problem.labels }
      : {}),
    iterations,
    converged,
  });
}
