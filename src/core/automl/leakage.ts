import type { Target } from '../learners/types';
import { balancedAccuracy } from '../metrics/classification';
import { r2Score, spearman } from '../metrics/regression';
import { shuffleInPlace, range } from '../evaluation/split';
import type { Random } from '../random';
import { isNumberColumn, type Column } from '../table';

/** Rows a leakage check looks at; beyond this a seeded sample is as telling. */
const MAX_ROWS = 20_000;
const NUMBER_BINS = 64;
/** A number column whose rank correlation with a numeric target is this close to ±1. */
const RANK_LEAK = 0.995;
/** Below this many rows a perfect single-feature score is too likely to be luck. */
export const MIN_LEAKAGE_ROWS = 50;

/** Bin of each row: quantile bins of numbers (fitted on `fitRows`), categories for text. */
function binRows(column: Column, rows: Int32Array, fitRows: Int32Array): Int32Array {
  const bins = new Int32Array(rows.length);
  if (!isNumberColumn(column)) {
    for (let i = 0; i < rows.length; i++) bins[i] = column.codes[rows[i] as number] as number;
    return bins;
  }
  const present: number[] = [];
  for (const row of fitRows) {
    const value = column.values[row] as number;
    if (Number.isFinite(value)) present.push(value);
  }
  const sorted = Float64Array.from(present).sort();
  const edges: number[] = [];
  for (let b = 1; b < NUMBER_BINS; b++) {
    const edge = sorted[Math.floor((b * sorted.length) / NUMBER_BINS)];
    if (edge !== undefined && edge !== edges[edges.length - 1]) edges.push(edge);
  }
  for (let i = 0; i < rows.length; i++) {
    const value = column.values[rows[i] as number] as number;
    if (!Number.isFinite(value)) {
      bins[i] = -1;
      continue;
    }
    let low = 0;
    let high = edges.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (value >= (edges[mid] as number)) low = mid + 1;
      else high = mid;
    }
    bins[i] = low;
  }
  return bins;
}

/**
 * How well one column alone predicts the target: a lookup table from the column's bins (numbers)
 * or categories to the majority class or mean target, learned on one half of the rows and scored
 * on the other (balanced accuracy, or R²). Scoring on unseen rows keeps ID-like columns, which
 * any lookup fits perfectly, from looking predictive. For a numeric target, a number column that
 * ranks the rows almost exactly as the target does scores its absolute Spearman correlation.
 */
export function singleColumnScore(column: Column, target: Target, rng: Random): number {
  const total = target.y.length;
  const order = shuffleInPlace(range(total), rng);
  const used = order.subarray(0, Math.min(total, MAX_ROWS));
  const half = used.length >> 1;
  const fitRows = used.subarray(0, half);
  const testRows = used.subarray(half);
  const fitBins = binRows(column, fitRows, fitRows);
  const testBins = binRows(column, testRows, fitRows);
  const key = (bin: number) => bin + 1;
  if (target.task === 'classification') {
    const k = target.classes.length;
    const counts = new Map<number, Float64Array>();
    const overall = new Float64Array(k);
    fitRows.forEach((row, i) => {
      const label = target.y[row] as number;
      const bin = key(fitBins[i] as number);
      let perBin = counts.get(bin);
      if (!perBin) counts.set(bin, (perBin = new Float64Array(k)));
      perBin[label] = (perBin[label] as number) + 1;
      overall[label] = (overall[label] as number) + 1;
    });
    const majority = (tally: Float64Array) => tally.indexOf(Math.max(...tally));
    const fallback = majority(overall);
    const predicted = new Float64Array(testRows.length);
    const truth = new Float64Array(testRows.length);
    testRows.forEach((row, i) => {
      const tally = counts.get(key(testBins[i] as number));
      predicted[i] = tally ? majority(tally) : fallback;
      truth[i] = target.y[row] as number;
    });
    return balancedAccuracy(truth, predicted);
  }
  const sums = new Map<number, [number, number]>();
  let overall = 0;
  fitRows.forEach((row, i) => {
    const value = target.y[row] as number;
    const bin = key(fitBins[i] as number);
    const sum = sums.get(bin) ?? [0, 0];
    sum[0] += value;
    sum[1] += 1;
    sums.set(bin, sum);
    overall += value;
  });
  // A monotone copy of the target (rescaled, shifted, logged) ranks the rows as the target does.
  if (isNumberColumn(column)) {
    const x: number[] = [];
    const y: number[] = [];
    for (const row of used) {
      const value = column.values[row] as number;
      if (!Number.isFinite(value)) continue;
      x.push(value);
      y.push(target.y[row] as number);
    }
    const rank = x.length > 2 ? Math.abs(spearman(y, x)) : 0;
    if (rank >= RANK_LEAK) return rank;
  }
  const mean = overall / Math.max(1, fitRows.length);
  const predicted = new Float64Array(testRows.length);
  const truth = new Float64Array(testRows.length);
  testRows.forEach((row, i) => {
    const sum = sums.get(key(testBins[i] as number));
    predicted[i] = sum ? sum[0] / sum[1] : mean;
    truth[i] = target.y[row] as number;
  });
  return r2Score(truth, predicted);
}
