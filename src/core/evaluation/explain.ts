import { checkCancelled, TrainingError, yieldToEventLoop } from '../errors/training-error';
import { getMetric, type MetricName, type MetricSpec } from '../metrics/registry';
import type { Predictor } from '../model/model';
import { buildTarget, labelledRows } from '../model/target';
import type { Random } from '../random';
import {
  isNumberColumn,
  Table,
  takeColumn,
  type Column,
  type NumberColumn,
  type StringColumn,
} from '../table';
import { permutationImportance } from './permutation-importance';

/** Importance of one raw input column: how much the score worsens when its values are shuffled. */
export interface ColumnImportance {
  readonly feature: string;
  readonly mean: number;
  readonly std: number;
}

/** The average prediction as one raw column sweeps a grid, every other column left as it is. */
export interface ColumnDependence {
  readonly feature: string;
  readonly kind: 'numeric' | 'categorical';
  /** Numbers for numeric columns, category names for categorical ones. */
  readonly grid: readonly (number | string)[];
  /** The outputs averaged: `value` for regressors, one per class for classifiers. */
  readonly outputs: readonly string[];
  /** `average[g][o]`: the mean of output `o` with the column set to `grid[g]`. */
  readonly average: readonly (readonly number[])[];
}

export interface Explanation {
  readonly metric: MetricName;
  readonly baseline: number;
  /** Every input column, most important first. */
  readonly importance: readonly ColumnImportance[];
  /** For the most important columns (those with variation), in the same order. */
  readonly dependence: readonly ColumnDependence[];
  /** Rows the explanation was computed on. */
  readonly rows: number;
}

export interface ExplainOptions {
  readonly rng: Random;
  /** The score shuffles are measured with; accuracy or R² by default. */
  readonly metric?: MetricName;
  /** Shuffles per column; defaults to 3. */
  readonly repeats?: number;
  /** Explain at most this many rows, drawn at random; defaults to 2000. */
  readonly maxRows?: number;
  /** Partial dependence for this many top columns; defaults to 4. */
  readonly topDependence?: number;
  /** Grid points for numeric columns; defaults to 20. */
  readonly gridResolution?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

function sampleRows(rows: number, limit: number, rng: Random): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  if (rows <= limit) return order;
  for (let i = 0; i < limit; i++) {
    const j = i + Math.floor(rng() * (rows - i));
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  return order.slice(0, limit).sort();
}

function quantileGrid(column: NumberColumn, resolution: number): number[] {
  const values = Float64Array.from(column.values.filter((value) => !Number.isNaN(value))).sort();
  const distinct: number[] = [];
  for (const value of values) if (distinct[distinct.length - 1] !== value) distinct.push(value);
  if (distinct.length <= resolution) return distinct;
  const grid: number[] = [];
  for (let k = 0; k < resolution; k++) {
    // From the 5th to the 95th percentile, as scikit-learn's default.
    const position = (0.05 + (0.9 * k) / (resolution - 1)) * (values.length - 1);
    const below = Math.floor(position);
    const low = values[below] as number;
    const high = values[Math.min(below + 1, values.length - 1)] as number;
    const value = low + (position - below) * (high - low);
    if (grid[grid.length - 1] !== value) grid.push(value);
  }
  return grid;
}

function categoryGrid(column: StringColumn, limit: number): string[] {
  const counts = new Int32Array(column.dictionary.length);
  for (const code of column.codes) if (code >= 0) counts[code] = (counts[code] as number) + 1;
  return column.dictionary
    .map((name, code) => ({ name, count: counts[code] as number }))
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.count - a.count)
    .slice(0, limit)
    .map((entry) => entry.name);
}

function constantColumn(column: Column, value: number | string, rows: number): Column {
  if (isNumberColumn(column)) {
    return {
      name: column.name,
      type: column.type,
      values: new Float64Array(rows).fill(value as number),
    };
  }
  let code = column.dictionary.indexOf(value as string);
  const dictionary = code < 0 ? [...column.dictionary, value as string] : column.dictionary;
  if (code < 0) code = dictionary.length - 1;
  return {
    name: column.name,
    type: column.type,
    codes: new Int32Array(rows).fill(code),
    dictionary,
  };
}

/**
 * Model-agnostic explanations on raw input columns, for any fitted model (an ensemble too):
 * permutation importance of each column and partial dependence for the most important ones.
 * `table` must hold the target; rows without a target are left out.
 */
export async function explainPredictor(
  predictor: Predictor,
  table: Table,
  options: ExplainOptions,
): Promise<Explanation> {
  const { rng, signal } = options;
  if (!table.has(predictor.target)) {
    throw new TrainingError(
      'invalid-input',
      `The data has no target column “${predictor.target}”.`,
      predictor.target,
    );
  }
  const labelled = labelledRows(table.column(predictor.target));
  if (!labelled.length) {
    throw new TrainingError(
      'invalid-input',
      `Every row's target “${predictor.target}” is missing.`,
    );
  }
  const chosen = Array.from(
    sampleRows(labelled.length, options.maxRows ?? 2000, rng),
    (i) => labelled[i] as number,
  );
  const sample = table.take(chosen);
  const features = predictor.features;
  const inputs = sample.select(features);
  const rows = sample.rowCount;
  const metric: MetricSpec = getMetric(
    options.metric ?? (predictor.task === 'classification' ? 'accuracy' : 'r2'),
  );
  const classes = predictor.classes ?? undefined;
  const target = buildTarget(sample.column(predictor.target), predictor.task, classes);

  // Each matrix cell holds a row index, exact in float32: shuffling a column of the matrix
  // shuffles which row that column's value is taken from, whatever the column's type.
  const cols = features.length;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = i;
  const columnRows = new Int32Array(rows);
  const predict = (x: { data: Float32Array }) => {
    const columns = inputs.columns.map((column, j) => {
      let same = true;
      for (let i = 0; i < rows; i++) {
        const row = x.data[i * cols + j] as number;
        columnRows[i] = row;
        if (row !== i) same = false;
      }
      return same ? column : takeColumn(column, columnRows);
    });
    const raw = predictor.predictRaw(new Table(columns));
    if (metric.needsProba) {
      if (!raw.proba) {
        throw new TrainingError('invalid-params', `${metric.label} needs class probabilities.`);
      }
      return raw.proba;
    }
    return raw.predicted;
  };
  const total = cols + Math.min(options.topDependence ?? 4, cols);
  const result = await permutationImportance(predict, { rows, cols, data }, target.y, metric, {
    repeats: options.repeats ?? 3,
    rng,
    signal,
    ...(target.task === 'classification' ? { nClasses: target.classes.length } : {}),
    onProgress: (done) => options.onProgress?.(done, total),
  });
  const importance = features
    .map((feature, j) => ({
      feature,
      mean: result.importancesMean[j] as number,
      std: result.importancesStd[j] as number,
    }))
    .sort((a, b) => b.mean - a.mean);

  const outputs = predictor.task === 'classification' ? [...(classes ?? [])] : ['value'];
  const dependence: ColumnDependence[] = [];
  const resolution = options.gridResolution ?? 20;
  for (const { feature } of importance) {
    if (dependence.length >= (options.topDependence ?? 4)) break;
    checkCancelled(signal);
    const column = inputs.column(feature);
    // An image's partial dependence would sweep one picture over every row: it says nothing.
    if (column.type === 'image') continue;
    const grid = isNumberColumn(column)
      ? quantileGrid(column, resolution)
      : categoryGrid(column, resolution);
    if (grid.length < 2) continue;
    const average: number[][] = [];
    for (const value of grid) {
      const swept = inputs.withColumn(constantColumn(column, value, rows));
      const raw = predictor.predictRaw(swept);
      const values = predictor.task === 'classification' ? raw.proba : raw.predicted;
      const width = outputs.length;
      const sums = new Array<number>(width).fill(0);
      if (values) {
        for (let i = 0; i < rows; i++)
          for (let o = 0; o < width; o++)
            sums[o] = (sums[o] as number) + (values[i * width + o] as number);
      }
      average.push(sums.map((sum) => sum / rows));
    }
    dependence.push({
      feature,
      kind: isNumberColumn(column) ? 'numeric' : 'categorical',
      grid,
      outputs,
      average,
    });
    options.onProgress?.(cols + dependence.length, total);
    await yieldToEventLoop();
  }
  return { metric: metric.name, baseline: result.baseline, importance, dependence, rows };
}
