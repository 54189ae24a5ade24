import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import {
  extraTrees,
  forest,
  forestTrees,
  isForestEstimator,
  type ForestEstimator,
  type ForestParams,
} from '../../../../src/core/learners/forest';
import { fromRows, matrix, takeRows } from '../../../../src/core/learners/matrix';
import type {
  ClassificationTarget,
  Estimator,
  FitContext,
  Learner,
  Matrix,
  RegressionTarget,
  Target,
} from '../../../../src/core/learners/types';
import { randomNormal, seededRandom } from '../../../../src/core/random';

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

interface FixtureCase {
  dataset: string;
  learner: 'forest' | 'extratrees';
  params: Partial<ForestParams>;
  meanScore: number;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/sklearn/forest.json', import.meta.url), 'utf8'),
) as { datasets: FixtureDataset[]; cases: FixtureCase[] };

const learners: Record<string, Learner<ForestParams>> = { forest, extratrees: extraTrees };

function targetOf(data: FixtureDataset, rows: readonly number[]): Target {
  if (data.task === 'regression') {
    return { task: 'regression', y: Float64Array.from(rows, (row) => data.y[row] as number) };
  }
  const classCount = Math.max(...data.y) + 1;
  return {
    task: 'classification',
    classes: Array.from({ length: classCount }, (_, c) => `class ${c}`),
    y: Int32Array.from(rows, (row) => data.y[row] as number),
  };
}

function split(name: string) {
  const data = fixture.datasets.find((dataset) => dataset.name === name);
  if (!data) throw new Error(`No ${name} in the forest fixture.`);
  const x = matrix(data.rows, data.cols, data.x);
  return {
    data,
    xTrain: takeRows(x, data.train),
    xTest: takeRows(x, data.test),
    yTrain: targetOf(data, data.train),
    yTest: targetOf(data, data.test),
  };
}

function score(estimator: Estimator, x: Matrix, target: Target): number {
  const predicted = estimator.predict(x);
  if (target.task === 'classification') {
    let correct = 0;
    target.y.forEach((label, i) => {
      if (predicted[i] === label) correct++;
    });
    return correct / target.y.length;
  }
  const mean = target.y.reduce((sum, value) => sum + value, 0) / target.y.length;
  let residual = 0;
  let total = 0;
  target.y.forEach((value, i) => {
    residual += (value - (predicted[i] as number)) ** 2;
    total += (value - mean) ** 2;
  });
  return 1 - residual / total;
}

const context = (seed: number, extra: Partial<FitContext> = {}): FitContext => ({
  rng: seededRandom(seed),
  ...extra,
});

/** y depends on feature 0 only; features 1–3 are noise. */
function signalAndNoise(rows: number, seed: number) {
  const random = seededRandom(seed);
  const data = new Float32Array(rows * 4);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < 4; f++) data[i * 4 + f] = randomNormal(random);
    y[i] = (data[i * 4] as number) > 0.3 ? 1 : 0;
  }
  const target: ClassificationTarget = { task: 'classification', classes: ['no', 'yes'], y };
  return { x: matrix(rows, 4, data), target };
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

describe('random forest and extra trees against scikit-learn', () => {
  for (const testCase of fixture.cases) {
    const { dataset, learner, params, meanScore } = testCase;
    it(`${learner} on ${dataset} ${JSON.stringify(params)} scores like scikit-learn`, async () => {
      const { data, xTrain, xTest, yTrain, yTest } = split(dataset);
      let total = 0;
      const seeds = 5;
      for (let seed = 0; seed < seeds; seed++) {
        const estimator = await (learners[learner] as Learner<ForestParams>).fit(
          xTrain,
          yTrain,
          params,
          context(seed),
        );
        total += score(estimator, xTest, yTest);
      }
      const tolerance = data.task === 'classification' ? 0.02 : 0.03;
      expect(Math.abs(total / seeds - meanScore)).toBeLessThanOrEqual(tolerance + 1e-9);
    });
  }
});

describe.each([
  ['forest', forest],
  ['extratrees', extraTrees],
] as const)('%s', (name, learner) => {
  it('describes itself and every hyperparameter', () => {
    expect(learner.name).toBe(name);
    expect(learner.handlesMissing).toBe(false);
    expect(learner.tasks).toEqual(['classification', 'regression']);
    for (const param of learner.params) {
      expect(param.help.length).toBeGreaterThan(20);
      if (param.kind === 'int' || param.kind === 'float') {
        expect(param.min).toBeLessThanOrEqual(param.default as number);
        expect(param.max).toBeGreaterThanOrEqual(param.default as number);
      }
    }
    const bootstrap = learner.params.find((param) => param.name === 'bootstrap');
    expect(bootstrap?.default).toBe(name === 'forest');
  });

  it('is deterministic for a seed and varies with it', async () => {
    const { xTrain, yTrain } = split('wine');
    const params = { n_estimators: 10 };
    const first = await learner.fit(xTrain, yTrain, params, context(3));
    const again = await learner.fit(xTrain, yTrain, params, context(3));
    const other = await learner.fit(xTrain, yTrain, params, context(4));
    expect(again.toJSON()).toEqual(first.toJSON());
    expect(other.toJSON()).not.toEqual(first.toJSON());
  });

  it('round-trips through JSON exactly', async () => {
    for (const dataset of ['iris', 'diabetes']) {
      const { xTrain, yTrain, xTest } = split(dataset);
      const estimator = await learner.fit(xTrain, yTrain, { n_estimators: 15 }, context(1));
      const json = JSON.parse(JSON.stringify(estimator.toJSON()));
      const restored = learner.fromJSON(json);
      expect(restored.toJSON()).toEqual(estimator.toJSON());
      expect(restored.predict(xTest)).toEqual(estimator.predict(xTest));
      if (estimator.predictProba) {
        expect(restored.predictProba?.(xTest)).toEqual(estimator.predictProba(xTest));
      } else {
        expect(restored.predictProba).toBeUndefined();
      }
    }
  });

  it('averages leaf class shares into probabilities and predicts their argmax', async () => {
    const { xTrain, yTrain, xTest } = split('iris');
    const estimator = await learner.fit(xTrain, yTrain, { n_estimators: 20 }, context(2));
    const proba = estimator.predictProba?.(xTest) as Float64Array;
    const predicted = estimator.predict(xTest);
    for (let r = 0; r < xTest.rows; r++) {
      const row = Array.from(proba.subarray(r * 3, r * 3 + 3));
      expect(row.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
      expect(predicted[r]).toBe(row.indexOf(Math.max(...row)));
    }
  });

  it('exposes trees whose walk reproduces the predictions', async () => {
    const { xTrain, yTrain, xTest } = split('breast_cancer');
    const estimator = await learner.fit(xTrain, yTrain, { n_estimators: 7 }, context(5));
    expect(isForestEstimator(estimator)).toBe(true);
    const trees = forestTrees(estimator);
    expect(trees).toHaveLength(7);
    const proba = estimator.predictProba?.(xTest) as Float64Array;
    for (let r = 0; r < xTest.rows; r++) {
      let first = 0;
      let second = 0;
      for (const tree of trees) {
        let node = 0;
        while ((tree.feature[node] as number) >= 0) {
          const value = xTest.data[r * xTest.cols + (tree.feature[node] as number)] as number;
          node = value <= (tree.threshold[node] as number) ? tree.left[node]! : tree.right[node]!;
        }
        const offset = tree.valueOffset[node] as number;
        first += tree.values[offset] as number;
        second += tree.values[offset + 1] as number;
      }
      expect(proba[r * 2]).toBeCloseTo(first / 7, 12);
      expect(proba[r * 2 + 1]).toBeCloseTo(second / 7, 12);
    }
    for (const tree of trees) {
      expect(Array.from(tree.threshold)).toEqual(Array.from(tree.threshold, Math.fround));
      tree.feature.forEach((feature, node) => {
        if (feature >= 0) {
          expect(tree.left[node]).toBeGreaterThan(node);
          expect(tree.right[node]).toBeGreaterThan(node);
        }
      });
    }
    expect(() => forestTrees({ ...estimator, learner: 'knn' } as Estimator)).toThrow(TrainingError);
  });

  it('ranks the informative feature first in the importances', async () => {
    const { x, target } = signalAndNoise(400, 11);
    const estimator = (await learner.fit(
      x,
      target,
      { n_estimators: 30 },
      context(6),
    )) as ForestEstimator;
    const importances = Array.from(estimator.featureImportances());
    expect(importances.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
    expect(importances.indexOf(Math.max(...importances))).toBe(0);
    expect(importances[0]).toBeGreaterThan(0.5);
  });

  it('fits the training rows exactly when unconstrained', async () => {
    // Wine has fewer than 255 distinct values per feature and no conflicting duplicate rows.
    const { xTrain, yTrain } = split('wine');
    const estimator = await learner.fit(
      xTrain,
      yTrain,
      { n_estimators: 1, bootstrap: false, max_features: 1 },
      context(7),
    );
    expect(score(estimator, xTrain, yTrain)).toBe(1);
    const { x, target } = signalAndNoise(2000, 12);
    const single = await learner.fit(x, target, { n_estimators: 1, bootstrap: false }, context(8));
    expect(score(single, x, target)).toBe(1);
  });

  it('limits depth and leaf size', async () => {
    const { xTrain, yTrain } = split('breast_cancer');
    const estimator = await learner.fit(
      xTrain,
      yTrain,
      { n_estimators: 5, max_depth: 3, min_samples_leaf: 10 },
      context(9),
    );
    for (const tree of forestTrees(estimator)) {
      const depth = new Int32Array(tree.feature.length);
      tree.feature.forEach((feature, node) => {
        if (feature < 0) return;
        depth[tree.left[node]!] = depth[node]! + 1;
        depth[tree.right[node]!] = depth[node]! + 1;
      });
      expect(Math.max(...depth)).toBeLessThanOrEqual(3);
    }
  });

  it('predicts a constant target exactly', async () => {
    const x = fromRows([[1], [2], [3], [4], [5], [6]]);
    const target: RegressionTarget = { task: 'regression', y: new Float64Array(6).fill(2.5) };
    const estimator = await learner.fit(x, target, { n_estimators: 4 }, context(1));
    expect(Array.from(estimator.predict(x))).toEqual([2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
    expect(estimator.predictProba).toBeUndefined();
    expect(Array.from((estimator as ForestEstimator).featureImportances())).toEqual([0]);
  });

  it('honours sample weights: a zero-weight class is never predicted', async () => {
    const { xTrain, yTrain, xTest } = split('iris');
    const y = (yTrain as ClassificationTarget).y;
    const sampleWeight = Float64Array.from(y, (label) => (label === 2 ? 0 : 1));
    const estimator = await learner.fit(
      xTrain,
      yTrain,
      { n_estimators: 10 },
      context(3, { sampleWeight }),
    );
    expect(Array.from(estimator.predict(xTest))).not.toContain(2);
    const proba = estimator.predictProba?.(xTest) as Float64Array;
    for (let r = 0; r < xTest.rows; r++) expect(proba[r * 3 + 2]).toBe(0);
  });

  it('balanced class weights raise recall of a rare class', async () => {
    const random = seededRandom(21);
    const rows = 600;
    const data = new Float32Array(rows * 2);
    const y = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      y[i] = i % 12 === 0 ? 1 : 0;
      data[i * 2] = randomNormal(random) + (y[i] === 1 ? 1.2 : 0);
      data[i * 2 + 1] = randomNormal(random);
    }
    const x = matrix(rows, 2, data);
    const target: ClassificationTarget = { task: 'classification', classes: ['common', 'rare'], y };
    const recall = (estimator: Estimator) => {
      const proba = estimator.predictProba?.(x) as Float64Array;
      let found = 0;
      y.forEach((label, i) => {
        if (label === 1 && (proba[i * 2 + 1] as number) > 0.5) found++;
      });
      return found;
    };
    const params = { n_estimators: 20, min_samples_leaf: 20 };
    const plain = await learner.fit(x, target, params, context(1));
    const balanced = await learner.fit(
      x,
      target,
      { ...params, class_weight: 'balanced' },
      context(1),
    );
    expect(recall(balanced)).toBeGreaterThan(recall(plain));
  });

  it('reports progress per tree and stops when cancelled', async () => {
    const { xTrain, yTrain } = split('iris');
    const steps: number[] = [];
    await learner.fit(
      xTrain,
      yTrain,
      { n_estimators: 6 },
      context(1, {
        onProgress: ({ step, total, metrics }) => {
          steps.push(step);
          expect(total).toBe(6);
          expect(metrics).toEqual({});
        },
      }),
    );
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);

    const controller = new AbortController();
    const seen: number[] = [];
    const cancelled = await rejection(
      learner.fit(
        xTrain,
        yTrain,
        { n_estimators: 50 },
        context(1, {
          signal: controller.signal,
          onProgress: ({ step }) => {
            seen.push(step);
            if (step === 3) controller.abort();
          },
        }),
      ),
    );
    expect(cancelled.kind).toBe('cancelled');
    expect(seen).toEqual([1, 2, 3]);

    const aborted = new AbortController();
    aborted.abort();
    const early = await rejection(
      learner.fit(xTrain, yTrain, {}, context(1, { signal: aborted.signal })),
    );
    expect(early.kind).toBe('cancelled');
  });

  it('yields to the event loop so that a timer can cancel it', async () => {
    const { x, target } = signalAndNoise(3000, 13);
    const controller = new AbortController();
    let steps = 0;
    setTimeout(() => controller.abort(), 0);
    const error = await rejection(
      learner.fit(
        x,
        target,
        { n_estimators: 1000, max_depth: 4 },
        context(1, { signal: controller.signal, onProgress: () => steps++ }),
      ),
    );
    expect(error.kind).toBe('cancelled');
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(1000);
  });

  it('computes an out-of-bag score when bootstrapping', async () => {
    const { xTrain, yTrain, xTest, yTest } = split('breast_cancer');
    const oob: number[] = [];
    const estimator = (await learner.fit(
      xTrain,
      yTrain,
      { n_estimators: 30, bootstrap: true, oob_score: true },
      context(2, {
        onProgress: ({ metrics }) => {
          if (metrics.oob !== undefined) oob.push(metrics.oob);
        },
      }),
    )) as ForestEstimator;
    expect(oob).toHaveLength(30);
    expect(estimator.oobScore).toBe(oob[29]);
    expect(Math.abs((estimator.oobScore as number) - score(estimator, xTest, yTest))).toBeLessThan(
      0.05,
    );
    const regression = split('diabetes');
    const regressor = (await learner.fit(
      regression.xTrain,
      regression.yTrain,
      { n_estimators: 30, bootstrap: true, oob_score: true },
      context(2),
    )) as ForestEstimator;
    expect(regressor.oobScore).toBeGreaterThan(0.2);
    expect(regressor.oobScore).toBeLessThan(0.6);
    const restored = learner.fromJSON(JSON.parse(JSON.stringify(regressor.toJSON())));
    expect((restored as ForestEstimator).oobScore).toBe(regressor.oobScore);
  });

  it('rejects unusable data with a typed error', async () => {
    const target: ClassificationTarget = {
      task: 'classification',
      classes: ['a', 'b'],
      y: Int32Array.from([0, 1, 0]),
    };
    const x = fromRows([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    const empty = await rejection(
      learner.fit(matrix(0, 3), { ...target, y: new Int32Array(0) }, {}, context(1)),
    );
    expect(empty.kind).toBe('invalid-input');
    expect((await rejection(learner.fit(matrix(3, 0), target, {}, context(1)))).kind).toBe(
      'invalid-input',
    );
    const missing = fromRows([
      [1, 2, 3],
      [4, 5, NaN],
      [7, 8, 9],
    ]);
    const nonFinite = await rejection(learner.fit(missing, target, {}, context(1)));
    expect(nonFinite.kind).toBe('non-finite');
    expect(nonFinite.where).toBe('column 2');
    const infinite = fromRows([
      [1, Infinity, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect((await rejection(learner.fit(infinite, target, {}, context(1)))).where).toBe('column 1');
    const single = await rejection(
      learner.fit(x, { ...target, y: Int32Array.from([1, 1, 1]) }, {}, context(1)),
    );
    expect(single.kind).toBe('single-class');
    const outOfRange = await rejection(
      learner.fit(x, { ...target, y: Int32Array.from([0, 2, 1]) }, {}, context(1)),
    );
    expect(outOfRange.kind).toBe('invalid-input');
    const shortTarget = await rejection(
      learner.fit(x, { ...target, y: Int32Array.from([0, 1]) }, {}, context(1)),
    );
    expect(shortTarget.kind).toBe('invalid-input');
    const badWeights = await rejection(
      learner.fit(x, target, {}, context(1, { sampleWeight: Float64Array.from([1, -1, 1]) })),
    );
    expect(badWeights.where).toBe('sampleWeight');
  });

  it('names the parameter at fault', async () => {
    const { xTrain, yTrain } = split('iris');
    const bad: [string, Partial<ForestParams>][] = [
      ['n_estimators', { n_estimators: 0 }],
      ['n_estimators', { n_estimators: 2.5 }],
      ['max_depth', { max_depth: -1 }],
      ['min_samples_split', { min_samples_split: 1 }],
      ['min_samples_leaf', { min_samples_leaf: 0 }],
      ['max_features', { max_features: 1.5 }],
      ['max_features', { max_features: 0 }],
      ['max_features', { max_features: 'half' as 'sqrt' }],
      ['criterion', { criterion: 'mse' as 'gini' }],
      ['max_samples', { max_samples: 0 }],
      ['class_weight', { class_weight: 'heavy' as 'balanced' }],
      ['bootstrap', { bootstrap: 'yes' as unknown as boolean }],
      ['oob_score', { oob_score: true, bootstrap: false }],
    ];
    for (const [name, params] of bad) {
      const error = await rejection(learner.fit(xTrain, yTrain, params, context(1)));
      expect(error.kind, name).toBe('invalid-params');
      expect(error.where).toBe(name);
    }
  });

  it('refuses damaged JSON and a matrix of the wrong width', async () => {
    const { xTrain, yTrain } = split('iris');
    const estimator = await learner.fit(xTrain, yTrain, { n_estimators: 3 }, context(1));
    const json = estimator.toJSON();
    expect(() => learner.fromJSON({ ...json, learner: 'knn' })).toThrow(TrainingError);
    expect(() => learner.fromJSON({ ...json, format: 99 })).toThrow(TrainingError);
    const left = [...(json.left as number[])];
    left[0] = 0;
    expect(() => learner.fromJSON({ ...json, left })).toThrow(/outside the tree/);
    const feature = [...(json.feature as number[])];
    feature[0] = 9;
    expect(() => learner.fromJSON({ ...json, feature })).toThrow(TrainingError);
    expect(() => learner.fromJSON({ ...json, values: [1, 2] })).toThrow(TrainingError);
    expect(() => estimator.predict(matrix(2, 3))).toThrow(TrainingError);
    expect(() => estimator.predict(fromRows([[1, 2, NaN, 4]]))).toThrow(
      /impute it before predicting/,
    );
  });
});
