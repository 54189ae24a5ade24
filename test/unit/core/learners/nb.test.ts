import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { fromRows, matrix, takeRows } from '../../../../src/core/learners/matrix';
import { nb, type NbEstimator, type NbParams } from '../../../../src/core/learners/nb';
import type {
  ClassificationTarget,
  FitContext,
  Matrix,
  RegressionTarget,
} from '../../../../src/core/learners/types';
import { seededRandom } from '../../../../src/core/random';

interface FixtureDataset {
  name: string;
  rows: number;
  cols: number;
  x: number[];
  y: number[];
}

interface NbCase {
  params: Partial<NbParams>;
  weighted: boolean;
  labels: number[];
  proba: number[];
}

interface GaussianCase extends NbCase {
  dataset: string;
  train: number[];
  test: number[];
}

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/sklearn/${name}`, import.meta.url), 'utf8'));
const { datasets } = read('forest.json') as { datasets: FixtureDataset[] };
const fixture = read('nb.json') as {
  gaussian: GaussianCase[];
  digits: FixtureDataset & { train: number[]; test: number[] };
  multinomial: NbCase[];
};

const context = (extra: Partial<FitContext> = {}): FitContext => ({
  rng: seededRandom(1),
  ...extra,
});

function classification(y: readonly number[], rows: readonly number[]): ClassificationTarget {
  return {
    task: 'classification',
    classes: Array.from({ length: Math.max(...y) + 1 }, (_, c) => `class ${c}`),
    y: Int32Array.from(rows, (row) => y[row] as number),
  };
}

/** The fixture's uneven weights: 1, 2 or 3 by row index. */
const weightsFor = (rows: number) => Float64Array.from({ length: rows }, (_, i) => (i % 3) + 1);

async function expectSklearn(
  data: FixtureDataset,
  train: number[],
  test: number[],
  testCase: NbCase,
) {
  const x = matrix(data.rows, data.cols, data.x);
  const xTest = takeRows(x, test);
  const estimator = await nb.fit(
    takeRows(x, train),
    classification(data.y, train),
    testCase.params,
    context(testCase.weighted ? { sampleWeight: weightsFor(train.length) } : {}),
  );
  expect(Array.from(estimator.predict(xTest))).toEqual(testCase.labels);
  const proba = estimator.predictProba?.(xTest) as Float64Array;
  expect(proba).toHaveLength(testCase.proba.length);
  let worst = 0;
  testCase.proba.forEach((expected, i) => {
    worst = Math.max(worst, Math.abs((proba[i] as number) - expected));
  });
  expect(worst).toBeLessThan(1e-6);
  return estimator;
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

describe('naive Bayes against scikit-learn', () => {
  for (const testCase of fixture.gaussian) {
    const label = `${testCase.dataset} ${JSON.stringify(testCase.params)}${testCase.weighted ? ' weighted' : ''}`;
    it(`Gaussian on ${label}`, async () => {
      const data = datasets.find((dataset) => dataset.name === testCase.dataset) as FixtureDataset;
      await expectSklearn(data, testCase.train, testCase.test, testCase);
    });
  }

  for (const testCase of fixture.multinomial) {
    const label = `${JSON.stringify(testCase.params)}${testCase.weighted ? ' weighted' : ''}`;
    it(`multinomial on digit pixel counts ${label}`, async () => {
      const { digits } = fixture;
      await expectSklearn(digits, digits.train, digits.test, testCase);
    });
  }
});

describe('naive Bayes', () => {
  const iris = datasets.find((dataset) => dataset.name === 'iris') as FixtureDataset;
  const irisX = matrix(iris.rows, iris.cols, iris.x);
  const irisY = classification(
    iris.y,
    iris.y.map((_, i) => i),
  );

  it('describes every hyperparameter and only classifies', () => {
    expect(nb.name).toBe('nb');
    expect(nb.tasks).toEqual(['classification']);
    expect(nb.handlesMissing).toBe(false);
    expect(nb.params.map((param) => param.name)).toEqual(['variant', 'var_smoothing', 'alpha']);
  });

  it('stays finite far from the training data thanks to log-sum-exp', async () => {
    const estimator = (await nb.fit(irisX, irisY, {}, context())) as NbEstimator;
    const far = fromRows([[1e4, -1e4, 1e4, 1e4]]);
    const logLikelihood = estimator.logLikelihood(far);
    expect(Math.max(...logLikelihood)).toBeLessThan(-1e6);
    const proba = Array.from(estimator.predictProba?.(far) as Float64Array);
    expect(proba.every(Number.isFinite)).toBe(true);
    expect(proba.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
  });

  it('round-trips through JSON exactly', async () => {
    for (const params of [{}, { variant: 'multinomial' as const, alpha: 0.5 }]) {
      const estimator = await nb.fit(irisX, irisY, params, context());
      const restored = nb.fromJSON(JSON.parse(JSON.stringify(estimator.toJSON())));
      expect(restored.toJSON()).toEqual(estimator.toJSON());
      expect(restored.predictProba?.(irisX)).toEqual(estimator.predictProba?.(irisX));
      expect(restored.predict(irisX)).toEqual(estimator.predict(irisX));
    }
    const json = (await nb.fit(irisX, irisY, {}, context())).toJSON();
    expect(() => nb.fromJSON({ ...json, variant: 'bernoulli' })).toThrow(TrainingError);
    expect(() => nb.fromJSON({ ...json, mean: [1] })).toThrow(TrainingError);
    expect(() => nb.fromJSON({ ...json, learner: 'knn' })).toThrow(TrainingError);
    expect(() => nb.fromJSON(json).predict(fromRows([[1, 2, Infinity, 4]]))).toThrow(/impute/);
  });

  it('never predicts a class with no training rows', async () => {
    const x = fromRows([[0], [1], [5], [6]]);
    const target: ClassificationTarget = {
      task: 'classification',
      classes: ['low', 'unused', 'high'],
      y: Int32Array.from([0, 0, 2, 2]),
    };
    for (const variant of ['gaussian', 'multinomial'] as const) {
      const estimator = await nb.fit(x, target, { variant }, context());
      const proba = estimator.predictProba?.(fromRows([[0.5], [5.5]])) as Float64Array;
      expect(proba[1]).toBe(0);
      expect(proba[4]).toBe(0);
      expect(Array.from(estimator.predict(fromRows([[0.5], [5.5]])))).not.toContain(1);
    }
  });

  it('is deterministic, reports progress and honours cancellation', async () => {
    const steps: number[] = [];
    const first = await nb.fit(
      irisX,
      irisY,
      {},
      context({ onProgress: ({ step }) => steps.push(step) }),
    );
    expect(steps).toEqual([1]);
    expect((await nb.fit(irisX, irisY, {}, context())).toJSON()).toEqual(first.toJSON());
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(nb.fit(irisX, irisY, {}, context({ signal: controller.signal })));
    expect(error.kind).toBe('cancelled');
  });

  it('rejects unusable data and parameters with typed errors', async () => {
    const negative = fromRows([
      [1, 2],
      [3, -1],
      [0, 0],
    ]);
    const target: ClassificationTarget = {
      task: 'classification',
      classes: ['a', 'b'],
      y: Int32Array.from([0, 1, 0]),
    };
    const counts = await rejection(nb.fit(negative, target, { variant: 'multinomial' }, context()));
    expect([counts.kind, counts.where]).toEqual(['invalid-input', 'column 1']);
    await expect(nb.fit(negative, target, {}, context())).resolves.toBeDefined();
    const regression: RegressionTarget = { task: 'regression', y: Float64Array.from([1, 2, 3]) };
    expect((await rejection(nb.fit(negative, regression, {}, context()))).where).toBe('task');
    const constant = fromRows([[1], [1], [1]]);
    expect((await rejection(nb.fit(constant, target, {}, context()))).kind).toBe('invalid-input');
    const missing: Matrix = fromRows([[NaN], [1], [2]]);
    const nonFinite = await rejection(nb.fit(missing, target, {}, context()));
    expect([nonFinite.kind, nonFinite.where]).toEqual(['non-finite', 'column 0']);
    const single = await rejection(
      nb.fit(negative, { ...target, y: Int32Array.from([0, 0, 0]) }, {}, context()),
    );
    expect(single.kind).toBe('single-class');
    expect(
      (await rejection(nb.fit(matrix(0, 2), { ...target, y: new Int32Array(0) }, {}, context())))
        .kind,
    ).toBe('invalid-input');
    const bad: [string, Partial<NbParams>][] = [
      ['variant', { variant: 'bernoulli' as 'gaussian' }],
      ['var_smoothing', { var_smoothing: -1 }],
      ['alpha', { alpha: -0.5 }],
    ];
    for (const [name, params] of bad) {
      const error = await rejection(nb.fit(negative, target, params, context()));
      expect([error.kind, error.where]).toEqual(['invalid-params', name]);
    }
  });
});
