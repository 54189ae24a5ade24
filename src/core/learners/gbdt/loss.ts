/**
 * The three objectives. Raw predictions, gradients and hessians are class-major: class `k` of row
 * `i` lives at `k * rows + i`, so the trees of class `k` read one contiguous block.
 */
export interface Objective {
  /** Trees per boosting round: 1, or the number of classes for softmax. */
  readonly treesPerIteration: number;
  /** Whether every hessian is 1, so histograms can count rows instead of summing hessians. */
  readonly constantHessian: boolean;
  /** The best constant raw prediction per tree slot (mean, log-odds, or log class priors). */
  baseline(): Float64Array;
  /**
   * Fills `gradients` and `hessians` from `raw`; returns the current weighted mean loss when
   * `withLoss` is set (it costs a logarithm per row), else NaN.
   */
  gradients(
    raw: Float64Array,
    gradients: Float32Array,
    hessians: Float32Array,
    withLoss: boolean,
  ): number;
  /** The weighted mean loss of `raw` (same layout) without touching any gradient. */
  loss(raw: Float64Array): number;
}

const PROBABILITY_FLOOR = 1e-15;

function weightTotal(weights: Float64Array | undefined, rows: number) {
  if (!weights) return rows;
  let total = 0;
  for (let i = 0; i < rows; i++) total += weights[i] as number;
  return total;
}

/** Mean squared error; its gradient is `raw - y` and its hessian 1 (times the row weight). */
export function squaredError(y: Float64Array, weights?: Float64Array): Objective {
  const rows = y.length;
  const total = weightTotal(weights, rows);
  return {
    treesPerIteration: 1,
    constantHessian: !weights,
    baseline() {
      let sum = 0;
      if (weights) for (let i = 0; i < rows; i++) sum += (weights[i] as number) * (y[i] as number);
      else for (let i = 0; i < rows; i++) sum += y[i] as number;
      return Float64Array.of(sum / total);
    },
    gradients(raw, gradients, hessians) {
      let sum = 0;
      if (weights) {
        for (let i = 0; i < rows; i++) {
          const w = weights[i] as number;
          const residual = (raw[i] as number) - (y[i] as number);
          gradients[i] = w * residual;
          hessians[i] = w;
          sum += w * residual * residual;
        }
      } else {
        for (let i = 0; i < rows; i++) {
          const residual = (raw[i] as number) - (y[i] as number);
          gradients[i] = residual;
          sum += residual * residual;
        }
      }
      return sum / total;
    },
    loss(raw) {
      let sum = 0;
      for (let i = 0; i < rows; i++) {
        const residual = (raw[i] as number) - (y[i] as number);
        sum += (weights ? (weights[i] as number) : 1) * residual * residual;
      }
      return sum / total;
    },
  };
}

/** Binary log-loss on the log-odds of class 1. */
export function binaryLogLoss(y: Int32Array, weights?: Float64Array): Objective {
  const rows = y.length;
  const total = weightTotal(weights, rows);
  const loss = (raw: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < rows; i++) {
      const z = raw[i] as number;
      const rowLoss = (z > 0 ? z : 0) + Math.log1p(Math.exp(-Math.abs(z))) - (y[i] as number) * z;
      sum += weights ? (weights[i] as number) * rowLoss : rowLoss;
    }
    return sum / total;
  };
  return {
    treesPerIteration: 1,
    constantHessian: false,
    baseline() {
      let positive = 0;
      for (let i = 0; i < rows; i++)
        if (y[i] === 1) positive += weights ? (weights[i] as number) : 1;
      const p = Math.min(1 - PROBABILITY_FLOOR, Math.max(PROBABILITY_FLOOR, positive / total));
      return Float64Array.of(Math.log(p / (1 - p)));
    },
    gradients(raw, gradients, hessians, withLoss) {
      let sum = 0;
      for (let i = 0; i < rows; i++) {
        const z = raw[i] as number;
        const label = y[i] as number;
        const e = Math.exp(-Math.abs(z));
        const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
        const w = weights ? (weights[i] as number) : 1;
        gradients[i] = w * (p - label);
        hessians[i] = w * p * (1 - p);
        if (withLoss) sum += w * ((z > 0 ? z : 0) + Math.log1p(e) - label * z);
      }
      return withLoss ? sum / total : NaN;
    },
    loss,
  };
}

/** Softmax cross-entropy with one raw score per class. */
export function multinomialLogLoss(
  y: Int32Array,
  classes: number,
  weights?: Float64Array,
): Objective {
  const rows = y.length;
  const total = weightTotal(weights, rows);
  const probabilities = new Float64Array(classes);

  /** Softmax of row `i` into `probabilities`; returns the row's loss when `withLoss` is set. */
  const softmax = (raw: Float64Array, i: number, withLoss: boolean) => {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, raw[k * rows + i] as number);
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const e = Math.exp((raw[k * rows + i] as number) - max);
      probabilities[k] = e;
      sum += e;
    }
    for (let k = 0; k < classes; k++) probabilities[k] = (probabilities[k] as number) / sum;
    return withLoss ? max + Math.log(sum) - (raw[(y[i] as number) * rows + i] as number) : 0;
  };

  return {
    treesPerIteration: classes,
    constantHessian: false,
    baseline() {
      const prior = new Float64Array(classes);
      for (let i = 0; i < rows; i++) {
        const label = y[i] as number;
        prior[label] = (prior[label] as number) + (weights ? (weights[i] as number) : 1);
      }
      return prior.map((count) => Math.log(Math.max(PROBABILITY_FLOOR, count / total)));
    },
    gradients(raw, gradients, hessians, withLoss) {
      let sum = 0;
      for (let i = 0; i < rows; i++) {
        const rowLoss = softmax(raw, i, withLoss);
        const label = y[i] as number;
        const w = weights ? (weights[i] as number) : 1;
        for (let k = 0; k < classes; k++) {
          const p = probabilities[k] as number;
          gradients[k * rows + i] = w * (p - (k === label ? 1 : 0));
          hessians[k * rows + i] = w * p * (1 - p);
        }
        sum += w * rowLoss;
      }
      return withLoss ? sum / total : NaN;
    },
    loss(raw) {
      let sum = 0;
      for (let i = 0; i < rows; i++) {
        sum += (weights ? (weights[i] as number) : 1) * softmax(raw, i, true);
      }
      return sum / total;
    },
  };
}
