import { checkCancelled, TrainingError, yieldToEventLoop } from '../errors/training-error';
import { takeRows } from '../learners/matrix';
import type { Matrix } from '../learners/types';
import type { Predict } from './permutation-importance';

export interface PartialDependenceOptions {
  /** The most grid points; a feature with fewer distinct values uses them all. Defaults to 20. */
  readonly gridResolution?: number;
  /** The quantile levels the grid spans; defaults to [0.05, 0.95] like scikit-learn. */
  readonly percentiles?: readonly [number, number];
  /** Average over at most this many evenly spaced rows, to bound the cost on large data. */
  readonly maxRows?: number;
  readonly signal?: AbortSignal;
}

export interface PartialDependence {
  readonly feature: number;
  /** Increasing feature values (as stored in the Float32 matrix). */
  readonly grid: Float64Array;
  /** Row-major `grid × outputs`: the mean prediction (or class probability) at each grid value. */
  readonly average: Float64Array;
  /** 1 for predictions, the number of classes for probabilities. */
  readonly outputs: number;
}

/** numpy's default (linear) quantile of sorted values. */
function quantile(sorted: Float64Array, level: number) {
  const position = level * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  return low + (position - below) * ((sorted[above] as number) - low);
}

function featureGrid(
  x: Matrix,
  feature: number,
  resolution: number,
  levels: readonly [number, number],
) {
  const values: number[] = [];
  for (let i = 0; i < x.rows; i++) {
    const value = x.data[i * x.cols + feature] as number;
    if (!Number.isNaN(value)) values.push(value);
  }
  if (values.length === 0) {
    throw new TrainingError(
      'invalid-input',
      `Feature ${feature} has no values to vary (all missing).`,
      `feature ${feature}`,
    );
  }
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  for (const value of sorted) if (distinct[distinct.length - 1] !== value) distinct.push(value);
  if (distinct.length <= resolution) return Float64Array.from(distinct);
  const grid: number[] = [];
  const [from, to] = levels;
  for (let k = 0; k < resolution; k++) {
    const value = Math.fround(quantile(sorted, from + ((to - from) * k) / (resolution - 1)));
    if (grid[grid.length - 1] !== value) grid.push(value);
  }
  return Float64Array.from(grid);
}

function evenRows(rows: number, limit: number) {
  const indices = new Int32Array(limit);
  for (let k = 0; k < limit; k++) indices[k] = Math.round((k * (rows - 1)) / (limit - 1));
  return indices;
}

/**
 * The model's average response as one feature sweeps a grid of its quantiles with every other
 * feature left as it is (brute-force partial dependence, as scikit-learn's `method="brute"`).
 */
export async function partialDependence(
  predict: Predict,
  x: Matrix,
  feature: number,
  options: PartialDependenceOptions = {},
): Promise<PartialDependence> {
  if (!Number.isInteger(feature) || feature < 0 || feature >= x.cols) {
    throw new TrainingError(
      'invalid-params',
      `Feature ${feature} is not a column index in 0..${x.cols - 1}.`,
      'feature',
    );
  }
  const resolution = options.gridResolution ?? 20;
  if (!Number.isInteger(resolution) || resolution < 2) {
    throw new TrainingError(
      'invalid-params',
      `gridResolution must be a whole number of at least 2, got ${resolution}.`,
      'gridResolution',
    );
  }
  const levels = options.percentiles ?? [0.05, 0.95];
  if (!(levels[0] >= 0 && levels[0] < levels[1] && levels[1] <= 1)) {
    throw new TrainingError(
      'invalid-params',
      `percentiles must satisfy 0 ≤ low < high ≤ 1, got [${levels.join(', ')}].`,
      'percentiles',
    );
  }
  const grid = featureGrid(x, feature, resolution, levels);
  const limit = options.maxRows;
  const working =
    limit !== undefined && limit >= 2 && x.rows > limit
      ? takeRows(x, evenRows(x.rows, limit))
      : { rows: x.rows, cols: x.cols, data: new Float32Array(x.data) };
  const { rows, cols, data } = working;
  let outputs = 0;
  let average = new Float64Array(0);
  for (let g = 0; g < grid.length; g++) {
    checkCancelled(options.signal);
    const value = grid[g] as number;
    for (let i = 0; i < rows; i++) data[i * cols + feature] = value;
    const predictions = await predict(working);
    if (g === 0) {
      outputs = predictions.length / rows;
      average = new Float64Array(grid.length * outputs);
    }
    if (predictions.length !== rows * outputs || !Number.isInteger(outputs) || outputs < 1) {
      throw new TrainingError(
        'invalid-input',
        `The predictor returned ${predictions.length} values for ${rows} rows.`,
        'predict',
      );
    }
    for (let o = 0; o < outputs; o++) {
      let sum = 0;
      for (let i = 0; i < rows; i++) sum += predictions[i * outputs + o] as number;
      average[g * outputs + o] = sum / rows;
    }
    await yieldToEventLoop();
  }
  return { feature, grid, average, outputs };
}
