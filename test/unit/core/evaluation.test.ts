import { describe, expect, it } from 'vitest';
import {
  crossValidate,
  kFold,
  partialDependence,
  permutationImportance,
  type Split,
} from '../../../src/core/evaluation';
import { TrainingError } from '../../../src/core/errors/training-error';
import { matrix } from '../../../src/core/learners/matrix';
import type { Matrix } from '../../../src/core/learners/types';
import { METRICS } from '../../../src/core/metrics';
import { normalArray, seededRandom } from '../../../src/core/random';

/** Rows of three standard-normal features. */
function features(seed: number, rows: number): Matrix {
  return matrix(rows, 3, normalArray(seededRandom(seed), rows * 3));
}

const column = (x: Matrix, feature: number) =>
  Float64Array.from({ length: x.rows }, (_, i) => x.data[i * x.cols + feature] as number);

const linear = (x: Matrix) =>
  Float64Array.from(
    { length: x.rows },
    (_, i) => 3 * (x.data[i * 3] as number) + 0.05 * (x.data[i * 3 + 1] as number),
  );

describe('crossValidate', () => {
  it('runs every fold in order and summarises each metric', async () => {
    const splits = kFold(20, { folds: 4 });
    const progress: number[] = [];
    const seen: Split[] = [];
    const result = await crossValidate(
      (split, { fold, folds }) => {
        seen.push(split);
        expect(folds).toBe(4);
        return { fold, constant: 1 };
      },
      splits,
      { onProgress: ({ fold }) => progress.push(fold) },
    );
    expect(seen).toEqual(splits);
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(result.folds.map((scores) => scores.fold)).toEqual([0, 1, 2, 3]);
    expect(result.mean).toEqual({ fold: 1.5, constant: 1 });
    expect(result.std.fold).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(result.std.constant).toBe(0);
  });

  it('keeps a metric missing from a fold visible as NaN', async () => {
    const result = await crossValidate(
      async (_, { fold }): Promise<Record<string, number>> =>
        fold === 0 ? { a: 1, b: 2 } : { a: 3 },
      kFold(4, { folds: 2 }),
    );
    expect(result.mean.a).toBe(2);
    expect(result.mean.b).toBeNaN();
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const run = crossValidate(
      (_, { fold }) => {
        if (fold === 1) controller.abort();
        return { a: fold };
      },
      kFold(10, { folds: 5 }),
      { signal: controller.signal },
    );
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

describe('permutationImportance', () => {
  it('finds the informative feature and gives ~0 to noise', async () => {
    const x = features(1, 400);
    const before = Float32Array.from(x.data);
    const noise = normalArray(seededRandom(2), 400, 0, 0.1);
    const y = Float64Array.from(column(x, 0), (value, i) => 3 * value + (noise[i] as number));
    const result = await permutationImportance(linear, x, y, 'r2', {
      repeats: 5,
      rng: seededRandom(3),
    });
    expect(result.metric).toBe('r2');
    expect(result.baseline).toBeGreaterThan(0.99);
    expect(result.importancesMean[0]).toBeGreaterThan(1.5);
    expect(Math.abs(result.importancesMean[1] as number)).toBeLessThan(0.01);
    expect(result.importancesMean[2]).toBe(0);
    expect(result.importancesStd[2]).toBe(0);
    expect(result.importances).toHaveLength(15);
    expect(x.data).toEqual(before);

    const rmse = await permutationImportance(linear, x, y, METRICS.rmse, { rng: seededRandom(3) });
    expect(rmse.importancesMean[0]).toBeGreaterThan(2);
    expect(rmse.importancesMean[2]).toBe(0);
  });

  it('is reproducible by seed and restores each column before the next', async () => {
    const x = features(4, 100);
    const y = column(x, 0);
    const columnSums: number[][] = [];
    const predict = (m: Matrix) => {
      columnSums.push([0, 1, 2].map((f) => column(m, f).reduce((sum, v) => sum + v, 0)));
      return linear(m);
    };
    const first = await permutationImportance(predict, x, y, 'mae', {
      repeats: 3,
      rng: seededRandom(7),
    });
    const second = await permutationImportance(linear, x, y, 'mae', {
      repeats: 3,
      rng: seededRandom(7),
    });
    expect(second.importances).toEqual(first.importances);
    const baseline = columnSums[0] as number[];
    for (const sums of columnSums) {
      for (let f = 0; f < 3; f++) expect(sums[f]).toBeCloseTo(baseline[f] as number, 3);
    }
    for (let k = 0; k < columnSums.length; k++) {
      const shuffledFeature = Math.floor((k - 1) / 3);
      const sums = columnSums[k] as number[];
      for (let f = 0; f < 3; f++) {
        if (f !== shuffledFeature) expect(sums[f]).toBe(baseline[f]);
      }
    }
  });

  it('scores probabilities for metrics that need them', async () => {
    const x = features(5, 300);
    const y = Int32Array.from(column(x, 2), (value) => (value > 0 ? 1 : 0));
    const predictProba = (m: Matrix) => {
      const out = new Float64Array(m.rows * 2);
      for (let i = 0; i < m.rows; i++) {
        const p = 1 / (1 + Math.exp(-4 * (m.data[i * 3 + 2] as number)));
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
      }
      return out;
    };
    const result = await permutationImportance(predictProba, x, y, 'roc_auc', {
      rng: seededRandom(1),
    });
    expect(result.baseline).toBe(1);
    expect(result.importancesMean[2]).toBeGreaterThan(0.4);
    expect(result.importancesMean[0]).toBe(0);
    const loss = await permutationImportance(predictProba, x, y, 'log_loss', {
      rng: seededRandom(1),
    });
    expect(loss.importancesMean[2]).toBeGreaterThan(0.5);
  });

  it('checks its input and stops when cancelled', async () => {
    const x = features(6, 10);
    await expect(
      permutationImportance(linear, x, new Float64Array(9), 'r2', { rng: seededRandom(1) }),
    ).rejects.toThrow('y has 9 values but x has 10 rows.');
    await expect(
      permutationImportance(linear, x, new Float64Array(10), 'nope' as 'r2', {
        rng: seededRandom(1),
      }),
    ).rejects.toThrow(/Unknown metric “nope”/);
    const controller = new AbortController();
    controller.abort();
    await expect(
      permutationImportance(linear, x, new Float64Array(10), 'r2', {
        rng: seededRandom(1),
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(TrainingError);
  });
});

describe('partialDependence', () => {
  const affine = (m: Matrix) =>
    Float64Array.from(
      { length: m.rows },
      (_, i) => 2 * (m.data[i * 3] as number) - (m.data[i * 3 + 1] as number) + 5,
    );

  it('is linear with the right slope for a linear model', async () => {
    const x = features(8, 500);
    const meanOther = column(x, 1).reduce((sum, v) => sum + v, 0) / 500;
    const result = await partialDependence(affine, x, 0, { gridResolution: 15 });
    expect(result.outputs).toBe(1);
    expect(result.grid).toHaveLength(15);
    for (let g = 0; g < result.grid.length; g++) {
      const value = result.grid[g] as number;
      if (g > 0) expect(value).toBeGreaterThan(result.grid[g - 1] as number);
      expect(result.average[g]).toBeCloseTo(2 * value - meanOther + 5, 5);
    }
    const sorted = column(x, 0).sort();
    expect(result.grid[0]).toBeCloseTo(sorted[Math.round(0.05 * 499)] as number, 1);
    expect(result.grid[14]).toBeCloseTo(sorted[Math.round(0.95 * 499)] as number, 1);
  });

  it('uses every value of a feature with few of them, and averages each output', async () => {
    const x = features(9, 60);
    for (let i = 0; i < 60; i++) x.data[i * 3 + 2] = i % 3;
    const proba = (m: Matrix) => {
      const out = new Float64Array(m.rows * 2);
      for (let i = 0; i < m.rows; i++) {
        const p = (m.data[i * 3 + 2] as number) / 2;
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
      }
      return out;
    };
    const result = await partialDependence(proba, x, 2, { maxRows: 20 });
    expect(Array.from(result.grid)).toEqual([0, 1, 2]);
    expect(result.outputs).toBe(2);
    expect(Array.from(result.average)).toEqual([1, 0, 0.5, 0.5, 0, 1]);
  });

  it('refuses a feature it cannot vary', async () => {
    const x = matrix(3, 1, [NaN, NaN, NaN]);
    await expect(partialDependence(affine, x, 0)).rejects.toThrow(/no values to vary/);
    await expect(partialDependence(affine, x, 4)).rejects.toThrow(/not a column index/);
  });
});
