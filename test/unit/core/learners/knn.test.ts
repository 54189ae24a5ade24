import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { knn, type KnnEstimator, type KnnParams } from '../../../../src/core/learners/knn';
import { fromRows, matrix, takeRows } from '../../../../src/core/learners/matrix';
import type {
  ClassificationTarget,
  FitContext,
  RegressionTarget,
  Target,
} from '../../../../src/core/learners/types';
import { normalArray, seededRandom } from '../../../../src/core/random';

interface FixtureDataset {
  name: string;
  task: 'classification' | 'regression';
  rows: number;
  cols: number;
  x: number[];
  y: number[];
  train: number[];
  test: number[];
}

interface KnnCase {
  dataset: string;
  params: KnnParams;
  train: number[];
  test: number[];
  labels?: number[];
  proba?: number[];
  values?: number[];
}

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/sklearn/${name}`, import.meta.url), 'utf8'));
const { datasets } = read('forest.json') as { datasets: FixtureDataset[] };
const { cases } = read('knn.json') as { cases: KnnCase[] };

const context = (extra: Partial<FitContext> = {}): FitContext => ({
  rng: seededRandom(1),
  ...extra,
});

function targetOf(data: FixtureDataset, rows: readonly number[]): Target {
  if (data.task === 'regression') {
    return { task: 'regression', y: Float64Array.from(rows, (row) => data.y[row] as number) };
  }
  return {
    task: 'classification',
    classes: Array.from({ length: Math.max(...data.y) + 1 }, (_, c) => `class ${c}`),
    y: Int32Array.from(rows, (row) => data.y[row] as number),
  };
}

function prepare(testCase: KnnCase) {
  const data = datasets.find((dataset) => dataset.name === testCase.dataset) as FixtureDataset;
  const x = matrix(data.rows, data.cols, data.x);
  return {
    xTrain: takeRows(x, testCase.train),
    xTest: takeRows(x, testCase.test),
    yTrain: targetOf(data, testCase.train),
  };
}

async function rejection(promise: Promise<unknown>): Promise<TrainingError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TrainingError);
    return error as TrainingError;
  }
  throw new Error('Expected the promise to reject.');
}

describe('k-nearest neighbours against scikit-learn', () => {
  for (const testCase of cases) {
    it(`${testCase.dataset} ${JSON.stringify(testCase.params)}`, async () => {
      const { xTrain, xTest, yTrain } = prepare(testCase);
      const estimator = await knn.fit(xTrain, yTrain, testCase.params, context());
      const predicted = Array.from(estimator.predict(xTest));
      if (testCase.labels) {
        expect(predicted).toEqual(testCase.labels);
        const proba = estimator.predictProba?.(xTest) as Float64Array;
        expect(proba).toHaveLength(testCase.proba?.length as number);
        testCase.proba?.forEach((expected, i) => {
          expect(Math.abs((proba[i] as number) - expected)).toBeLessThan(1e-6);
        });
      } else {
        testCase.values?.forEach((expected, i) => {
          expect(Math.abs((predicted[i] as number) - expected)).toBeLessThan(
            1e-6 * Math.max(1, Math.abs(expected)),
          );
        });
        expect(estimator.predictProba).toBeUndefined();
      }
    });
  }
});

describe('k-nearest neighbours', () => {
  it('describes every hyperparameter and warns about model size', () => {
    expect(knn.name).toBe('knn');
    expect(knn.handlesMissing).toBe(false);
    expect(knn.params.map((param) => param.name)).toEqual(['k', 'weights', 'metric']);
    expect(knn.params[0]?.help).toMatch(/large models/);
  });

  it('finds neighbours nearest first with ties going to the earlier row', async () => {
    const x = fromRows([[0], [2], [-2], [1], [-1], [5]]);
    const target: RegressionTarget = {
      task: 'regression',
      y: Float64Array.from([0, 1, 2, 3, 4, 5]),
    };
    const estimator = (await knn.fit(x, target, { k: 4 }, context())) as KnnEstimator;
    const found = estimator.neighbours(fromRows([[0]]));
    expect(Array.from(found.index)).toEqual([0, 3, 4, 1]);
    expect(Array.from(found.distance)).toEqual([0, 1, 1, 2]);
  });

  it('lets an exact match decide a distance-weighted prediction', async () => {
    const x = fromRows([[0], [1], [1], [3]]);
    const target: ClassificationTarget = {
      task: 'classification',
      classes: ['a', 'b'],
      y: Int32Array.from([0, 1, 1, 0]),
    };
    const estimator = await knn.fit(x, target, { k: 3, weights: 'distance' }, context());
    const proba = estimator.predictProba?.(fromRows([[0], [2]])) as Float64Array;
    expect(Array.from(proba.subarray(0, 2))).toEqual([1, 0]);
    expect(proba[2]).toBeCloseTo(1 / 3, 15);
    expect(proba[3]).toBeCloseTo(2 / 3, 15);
    expect(Array.from(estimator.predict(fromRows([[0], [2], [3.5]])))).toEqual([0, 1, 0]);
  });

  it('gives the same neighbours whatever rows are predicted together', async () => {
    const random = seededRandom(4);
    const x = matrix(700, 7, normalArray(random, 700 * 7));
    const y = Float64Array.from({ length: 700 }, (_, i) => i % 10);
    for (const metric of ['euclidean', 'manhattan', 'cosine'] as const) {
      const estimator = await knn.fit(x, { task: 'regression', y }, { k: 6, metric }, context());
      const queries = matrix(37, 7, normalArray(random, 37 * 7));
      const all = estimator.predict(queries);
      for (const row of [0, 5, 33, 36]) {
        expect(estimator.predict(takeRows(queries, [row]))[0]).toBe(all[row]);
      }
    }
  });

  it('round-trips through JSON exactly', async () => {
    const testCase = cases.find((c) => c.params.metric === 'cosine') as KnnCase;
    const { xTrain, xTest, yTrain } = prepare(testCase);
    const estimator = await knn.fit(xTrain, yTrain, testCase.params, context());
    const json = JSON.parse(JSON.stringify(estimator.toJSON()));
    const restored = knn.fromJSON(json);
    expect(restored.toJSON()).toEqual(estimator.toJSON());
    expect(restored.predict(xTest)).toEqual(estimator.predict(xTest));
    expect(restored.predictProba?.(xTest)).toEqual(estimator.predictProba?.(xTest));
    expect(() => knn.fromJSON({ ...json, k: json.rows + 1 })).toThrow(TrainingError);
    expect(() => knn.fromJSON({ ...json, x: [1, 2] })).toThrow(TrainingError);
    expect(() => knn.fromJSON({ ...json, y: json.y.map(() => 9) })).toThrow(/unknown class/);
    expect(() => knn.fromJSON({ ...json, metric: 'chebyshev' })).toThrow(TrainingError);
    expect(() => estimator.predict(matrix(1, 2))).toThrow(TrainingError);
    const gap = new Float32Array(xTest.cols).fill(1);
    gap[2] = NaN;
    expect(() => estimator.predict(matrix(1, xTest.cols, gap))).toThrow(/impute/);
  });

  it('is deterministic and keeps its own copy of the training rows', async () => {
    const x = fromRows([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    const target: RegressionTarget = { task: 'regression', y: Float64Array.from([0, 10, 20]) };
    const estimator = await knn.fit(x, target, { k: 1 }, context());
    x.data.fill(100);
    expect(Array.from(estimator.predict(fromRows([[2, 2]])))).toEqual([20]);
    const again = await knn.fit(x, target, { k: 1 }, context());
    expect((await knn.fit(x, target, { k: 1 }, context())).toJSON()).toEqual(again.toJSON());
  });

  it('reports progress once and honours cancellation', async () => {
    const x = fromRows([[0], [1]]);
    const target: ClassificationTarget = {
      task: 'classification',
      classes: ['a', 'b'],
      y: Int32Array.from([0, 1]),
    };
    const steps: number[] = [];
    await knn.fit(x, target, { k: 1 }, context({ onProgress: ({ step }) => steps.push(step) }));
    expect(steps).toEqual([1]);
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(knn.fit(x, target, {}, context({ signal: controller.signal })));
    expect(error.kind).toBe('cancelled');
  });

  it('rejects unusable data and parameters with typed errors', async () => {
    const x = fromRows([
      [0, 1],
      [1, NaN],
      [2, 3],
    ]);
    const target: ClassificationTarget = {
      task: 'classification',
      classes: ['a', 'b'],
      y: Int32Array.from([0, 1, 0]),
    };
    const nonFinite = await rejection(knn.fit(x, target, {}, context()));
    expect([nonFinite.kind, nonFinite.where]).toEqual(['non-finite', 'column 1']);
    const clean = fromRows([[0], [1], [2]]);
    expect(
      (await rejection(knn.fit(matrix(0, 1), { ...target, y: new Int32Array(0) }, {}, context())))
        .kind,
    ).toBe('invalid-input');
    expect((await rejection(knn.fit(matrix(3, 0), target, {}, context()))).kind).toBe(
      'invalid-input',
    );
    const single = await rejection(
      knn.fit(clean, { ...target, y: Int32Array.from([1, 1, 1]) }, { k: 1 }, context()),
    );
    expect(single.kind).toBe('single-class');
    const bad: [string, Partial<KnnParams>][] = [
      ['k', { k: 0 }],
      ['k', { k: 4 }],
      ['k', { k: 1.5 }],
      ['weights', { k: 1, weights: 'gaussian' as 'uniform' }],
      ['metric', { k: 1, metric: 'chebyshev' as 'cosine' }],
    ];
    for (const [name, params] of bad) {
      const error = await rejection(knn.fit(clean, target, params, context()));
      expect([error.kind, error.where]).toEqual(['invalid-params', name]);
    }
  });
});
