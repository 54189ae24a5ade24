import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gbdt, gbdtTrees, type GbdtParams } from '../../../../src/core/learners/gbdt';
import { binMatrix, binThresholds, codeAt } from '../../../../src/core/learners/gbdt/binning';
import { takeRows } from '../../../../src/core/learners/matrix';
import type { Matrix, Target } from '../../../../src/core/learners/types';
import { randomNormal, seededRandom } from '../../../../src/core/random';

interface GbdtFixture {
  readonly task: 'classification' | 'regression';
  readonly rows: number;
  readonly cols: number;
  readonly x: number[];
  readonly y: number[];
  readonly classes?: string[];
  readonly train: number[];
  readonly test: number[];
  readonly sklearn: { accuracy?: number; r2?: number; predictions: number[] };
  readonly missing?: { feature: number; rows: number[]; sklearn: { accuracy: number } };
}

function loadFixture(name: string): GbdtFixture {
  const url = new URL(`../../../fixtures/sklearn/gbdt-${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as GbdtFixture;
}

function matrixOf(fixture: GbdtFixture): Matrix {
  return { rows: fixture.rows, cols: fixture.cols, data: Float32Array.from(fixture.x) };
}

function targetOf(fixture: GbdtFixture, rows: readonly number[]): Target {
  if (fixture.task === 'regression') {
    return { task: 'regression', y: Float64Array.from(rows, (row) => fixture.y[row] as number) };
  }
  return {
    task: 'classification',
    classes: fixture.classes ?? [],
    y: Int32Array.from(rows, (row) => fixture.y[row] as number),
  };
}

/** The fixture's fixed train/test split of `x` (the fixture's own matrix by default). */
function splitOf(fixture: GbdtFixture, x: Matrix = matrixOf(fixture)) {
  return {
    train: { x: takeRows(x, fixture.train), target: targetOf(fixture, fixture.train) },
    test: { x: takeRows(x, fixture.test), target: targetOf(fixture, fixture.test) },
  };
}

function accuracy(predicted: Float64Array, target: Target): number {
  let correct = 0;
  predicted.forEach((value, i) => (correct += value === target.y[i] ? 1 : 0));
  return correct / predicted.length;
}

function r2(predicted: Float64Array, target: Target): number {
  const y = target.y;
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += (y[i] as number) / y.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    residual += ((y[i] as number) - (predicted[i] as number)) ** 2;
    total += ((y[i] as number) - mean) ** 2;
  }
  return 1 - residual / total;
}

/** scikit-learn's parameters in the fixtures; early stopping is off there too. */
const sklearnParams: Partial<GbdtParams> = {
  max_iter: 100,
  learning_rate: 0.1,
  max_leaf_nodes: 31,
  min_samples_leaf: 20,
  early_stopping: 'off',
};

const fitOn = (x: Matrix, target: Target, params: Partial<GbdtParams> = sklearnParams, seed = 0) =>
  gbdt.fit(x, target, params, { rng: seededRandom(seed) });

describe('gbdt against scikit-learn HistGradientBoosting', () => {
  it('matches multiclass accuracy on iris', async () => {
    const fixture = loadFixture('iris');
    const { train, test } = splitOf(fixture);
    const model = await fitOn(train.x, train.target);
    const score = accuracy(model.predict(test.x), test.target);
    expect(Math.abs(score - (fixture.sklearn.accuracy as number))).toBeLessThanOrEqual(0.02);
    const probabilities = model.predictProba?.(test.x) as Float64Array;
    expect(probabilities).toHaveLength(test.x.rows * 3);
    for (let r = 0; r < test.x.rows; r++) {
      const row = probabilities.subarray(3 * r, 3 * r + 3);
      expect(row.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 12);
    }
  });

  it('matches binary accuracy on breast cancer', async () => {
    const fixture = loadFixture('breast_cancer');
    const { train, test } = splitOf(fixture);
    const model = await fitOn(train.x, train.target);
    const predicted = model.predict(test.x);
    expect(
      Math.abs(accuracy(predicted, test.target) - (fixture.sklearn.accuracy as number)),
    ).toBeLessThanOrEqual(0.02);
    const agreement = accuracy(predicted, {
      task: 'classification',
      classes: [],
      y: Int32Array.from(fixture.sklearn.predictions),
    });
    expect(agreement).toBeGreaterThanOrEqual(0.97);
  });

  it('matches R² on diabetes', async () => {
    const fixture = loadFixture('diabetes');
    const { train, test } = splitOf(fixture);
    const model = await fitOn(train.x, train.target);
    const score = r2(model.predict(test.x), test.target);
    expect(Math.abs(score - (fixture.sklearn.r2 as number))).toBeLessThanOrEqual(0.03);
    expect(model.predictProba).toBeUndefined();
  });
});

describe('gbdt missing values', () => {
  it('stays as accurate as scikit-learn with 20% of a feature blanked', async () => {
    const fixture = loadFixture('breast_cancer');
    const missing = fixture.missing as NonNullable<typeof fixture.missing>;
    const x = matrixOf(fixture);
    for (const row of missing.rows) x.data[row * x.cols + missing.feature] = NaN;
    const { train, test } = splitOf(fixture, x);
    const model = await fitOn(train.x, train.target);
    const score = accuracy(model.predict(test.x), test.target);
    const majority = Math.max(
      ...[0, 1].map((c) => test.target.y.filter((label) => label === c).length / test.x.rows),
    );
    expect(score).toBeGreaterThan(majority + 0.2);
    expect(Math.abs(score - missing.sklearn.accuracy)).toBeLessThanOrEqual(0.02);
  });

  it('learns which side missing values belong on', async () => {
    // Missing values of feature 0 mean class 1, however the present values are spread.
    const random = seededRandom(5);
    const rows = 2000;
    const data = new Float32Array(rows * 2);
    const y = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const value = randomNormal(random);
      const isMissing = random() < 0.3;
      data[2 * r] = isMissing ? NaN : value;
      data[2 * r + 1] = randomNormal(random);
      y[r] = isMissing || value > 1 ? 1 : 0;
    }
    const x = { rows, cols: 2, data };
    const model = await fitOn(x, { task: 'classification', classes: ['no', 'yes'], y });
    const trained = accuracy(model.predict(x), { task: 'classification', classes: [], y });
    expect(trained).toBeGreaterThan(0.99);
    const probe = { rows: 2, cols: 2, data: Float32Array.of(NaN, 0, -0.5, 0) };
    expect(Array.from(model.predict(probe))).toEqual([1, 0]);
  });

  it('sends missing values down the larger side when training had none', async () => {
    const random = seededRandom(8);
    const rows = 500;
    const data = Float32Array.from({ length: rows }, () => randomNormal(random) + 1);
    const y = Float64Array.from(data, (v) => (v > 0 ? 1 : -1));
    const model = await fitOn({ rows, cols: 1, data }, { task: 'regression', y });
    const [missing, typical] = model.predict({ rows: 2, cols: 1, data: Float32Array.of(NaN, 3) });
    expect(missing).toBeCloseTo(typical as number, 12);
  });
});

describe('gbdt binning', () => {
  it('uses midpoints between distinct values when they fit', () => {
    expect(Array.from(binThresholds(Float32Array.of(1, 1, 2, 4, 4), 255))).toEqual([1.5, 3]);
  });

  it('gives every value the number of thresholds below it, and NaN the missing bin', () => {
    const random = seededRandom(12);
    const rows = 3000;
    const cols = 5;
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      data[r * cols] = randomNormal(random) * 1e-30;
      data[r * cols + 1] = Math.round(randomNormal(random) * 3);
      data[r * cols + 2] = random() < 0.1 ? NaN : randomNormal(random) * 1e6;
      data[r * cols + 3] = r % 7 === 0 ? -0 : r % 2 ? 0 : 1;
      data[r * cols + 4] = Math.exp(randomNormal(random) * 10);
    }
    const binned = binMatrix({ rows, cols, data }, 255, seededRandom(1));
    for (let f = 0; f < cols; f++) {
      const thresholds = binned.thresholds[f] as Float64Array;
      expect(binned.missingBin[f]).toBe(thresholds.length + 1);
      for (let r = 0; r < rows; r++) {
        const value = data[r * cols + f] as number;
        const expected = Number.isNaN(value)
          ? thresholds.length + 1
          : thresholds.filter((t) => t < value).length;
        expect(codeAt(binned, f, r)).toBe(expected);
      }
    }
    expect(Array.from(binned.hasMissing)).toEqual([0, 0, 1, 0, 0]);
  });

  it('finds quantiles on a seeded sample of large columns', () => {
    const random = seededRandom(13);
    const rows = 250_000;
    const data = Float32Array.from({ length: rows }, () => randomNormal(random));
    const x = { rows, cols: 1, data };
    const a = binMatrix(x, 255, seededRandom(1));
    const b = binMatrix(x, 255, seededRandom(1));
    const c = binMatrix(x, 255, seededRandom(2));
    expect(a.thresholds[0]).toEqual(b.thresholds[0]);
    expect(a.thresholds[0]).not.toEqual(c.thresholds[0]);
    expect(a.thresholds[0]).toHaveLength(254);
    const counts = new Array<number>(255).fill(0);
    for (let r = 0; r < rows; r++) counts[codeAt(a, 0, r)]! += 1;
    expect(Math.max(...counts) / Math.min(...counts)).toBeLessThan(1.3);
  });

  it('uses midpoint quantiles when there are more distinct values than bins', () => {
    const sorted = Float32Array.from({ length: 101 }, (_, i) => i);
    expect(Array.from(binThresholds(sorted, 4))).toEqual([25, 50, 75]);
  });
});

describe('gbdt trees export', () => {
  it('lists each tree and reproduces predictions when walked by hand', async () => {
    const fixture = loadFixture('iris');
    const { train, test } = splitOf(fixture);
    const model = await fitOn(train.x, train.target, { ...sklearnParams, max_iter: 5 });
    const dump = gbdtTrees(model);
    expect(dump.link).toBe('softmax');
    expect(dump.treesPerIteration).toBe(3);
    expect(dump.trees).toHaveLength(15);
    const raw = new Float64Array(test.x.rows * 3);
    for (let r = 0; r < test.x.rows; r++) {
      for (let k = 0; k < 3; k++) raw[r * 3 + k] = dump.baseline[k] as number;
      for (const tree of dump.trees) {
        let node = 0;
        while ((tree.feature[node] as number) >= 0) {
          const value = test.x.data[r * test.x.cols + (tree.feature[node] as number)] as number;
          const goLeft = Number.isNaN(value)
            ? tree.missingLeft[node] === 1
            : value <= (tree.threshold[node] as number);
          node = (goLeft ? tree.left[node] : tree.right[node]) as number;
        }
        const slot = r * 3 + tree.classIndex;
        raw[slot] = (raw[slot] as number) + (tree.value[node] as number);
      }
    }
    const predicted = model.predict(test.x);
    for (let r = 0; r < test.x.rows; r++) {
      const row = Array.from(raw.subarray(3 * r, 3 * r + 3));
      expect(predicted[r]).toBe(row.indexOf(Math.max(...row)));
    }
  });
});
