import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../../../../src/core/backend/tfjs';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { linear, type LinearModel, type LinearParams } from '../../../../src/core/learners/linear';
import { choleskySolve } from '../../../../src/core/learners/linear/direct';
import { fista, lbfgs, type SmoothObjective } from '../../../../src/core/learners/linear/optimize';
import { fromRows, matrix } from '../../../../src/core/learners/matrix';
import type { Matrix, Target, TrainingProgress } from '../../../../src/core/learners/types';
import { seededRandom } from '../../../../src/core/random';

interface Dataset {
  rows: number;
  cols: number;
  x: number[];
  y: number[];
}

interface Case {
  name: string;
  dataset: string;
  standardise: boolean;
  weighted: boolean;
  params: Partial<LinearParams>;
  coef: number[];
  intercept: number[];
  proba?: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/sklearn/linear.json', import.meta.url), 'utf8'),
) as { datasets: Record<string, Dataset>; cases: Case[] };

function features(name: string, standardise: boolean): Matrix {
  const { rows, cols, x } = fixture.datasets[name] as Dataset;
  const raw = matrix(rows, cols, x);
  if (!standardise) return raw;
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += raw.data[i * cols + j] as number;
    mean /= rows;
    let variance = 0;
    for (let i = 0; i < rows; i++) variance += ((raw.data[i * cols + j] as number) - mean) ** 2;
    const std = Math.sqrt(variance / rows);
    for (let i = 0; i < rows; i++)
      out[i * cols + j] = ((raw.data[i * cols + j] as number) - mean) / std;
  }
  return { rows, cols, data: out };
}

function target(name: string): Target {
  const { y } = fixture.datasets[name] as Dataset;
  if (name === 'diabetes') return { task: 'regression', y: Float64Array.from(y) };
  const classes = [...new Set(y)].sort((a, b) => a - b).map(String);
  return { task: 'classification', classes, y: Int32Array.from(y) };
}

const sampleWeights = (n: number) => Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));

const context = (seed = 1) => ({ rng: seededRandom(seed) });

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] as number));
  return max;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  }
  return max;
}

async function fitCase(testCase: Case) {
  const x = features(testCase.dataset, testCase.standardise);
  const progress: TrainingProgress[] = [];
  const model = (await linear.fit(x, target(testCase.dataset), testCase.params, {
    rng: seededRandom(1),
    onProgress: (p) => progress.push(p),
    ...(testCase.weighted ? { sampleWeight: sampleWeights(x.rows) } : {}),
  })) as LinearModel;
  return { x, model, progress };
}

function fixtureCase(name: string): Case {
  const found = fixture.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no fixture case ${name}`);
  return found;
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('linear learner against scikit-learn', () => {
  const probabilityCases = fixture.cases.filter((c) => c.proba);
  it.each(probabilityCases.map((c) => [c.name, c] as const))(
    '%s: probabilities within 1e-3 of LogisticRegression',
    async (_, testCase) => {
      const { x, model, progress } = await fitCase(testCase);
      expect(model.converged).toBe(true);
      expect(progress.at(-1)?.metrics.converged).toBe(1);
      expect(maxDifference(model.predictProba(x), testCase.proba ?? [])).toBeLessThan(1e-3);
      const scale = maxAbs(testCase.coef);
      expect(maxDifference(model.coef, testCase.coef) / scale).toBeLessThan(1e-2);
      if (testCase.params.penalty === 'l1') {
        const zeros = testCase.coef.map((c) => Math.abs(c) < 1e-8);
        expect(Array.from(model.coef, (c) => c === 0)).toEqual(zeros);
      }
    },
  );

  const regressionCases = fixture.cases.filter((c) => !c.proba);
  it.each(regressionCases.map((c) => [c.name, c] as const))(
    '%s: coefficients within 1e-3 relative',
    async (_, testCase) => {
      const { model } = await fitCase(testCase);
      expect(model.converged).toBe(true);
      const scale = maxAbs(testCase.coef);
      expect(maxDifference(model.coef, testCase.coef) / scale).toBeLessThan(1e-3);
      expect(
        Math.abs((model.intercept[0] as number) - (testCase.intercept[0] as number)),
      ).toBeLessThan(1e-3 * Math.max(1, Math.abs(testCase.intercept[0] as number)));
      if (testCase.params.penalty === 'l1' || testCase.params.penalty === 'elasticnet') {
        const zeros = testCase.coef.map((c) => c === 0);
        expect(Array.from(model.coef, (c) => c === 0)).toEqual(zeros);
      }
    },
  );
});

describe('exact least squares', () => {
  const exactCases = fixture.cases.filter(
    (c) => !c.proba && (c.params.penalty === 'l2' || c.params.penalty === 'none'),
  );
  it.each(exactCases.map((c) => [c.name, c] as const))(
    '%s: solved in one step, coefficients within 1e-6 relative of scikit-learn',
    async (_, testCase) => {
      const { model, progress } = await fitCase(testCase);
      expect(progress).toHaveLength(1);
      expect(model.iterations).toBe(1);
      const scale = maxAbs(testCase.coef);
      expect(maxDifference(model.coef, testCase.coef) / scale).toBeLessThan(1e-6);
      expect(
        Math.abs((model.intercept[0] as number) - (testCase.intercept[0] as number)),
      ).toBeLessThan(1e-6 * Math.max(1, Math.abs(testCase.intercept[0] as number)));
    },
  );

  it('solves a small system exactly', () => {
    // [[4, 2], [2, 3]]·v = [2, 1] has v = [0.5, 0].
    const v = choleskySolve(Float64Array.of(4, 2, 0, 3), Float64Array.of(2, 1), 2);
    expect(Array.from(v ?? [])).toEqual([0.5, 0]);
    expect(choleskySolve(Float64Array.of(1, 1, 0, 1), Float64Array.of(1, 1), 2)).toBeUndefined();
  });

  it('leaves collinear columns without a penalty to the iterative solver', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i % 7, 2 * (i % 7), (i * 5) % 11]);
    const x = fromRows(rows);
    const y: Target = {
      task: 'regression',
      y: Float64Array.from(rows, ([a, , c]) => 3 * (a as number) - (c as number) + 1),
    };
    const model = (await linear.fit(x, y, { penalty: 'none' }, context())) as LinearModel;
    expect(model.iterations).toBeGreaterThan(1);
    const predictions = model.predict(x);
    expect(maxDifference(predictions, y.y)).toBeLessThan(1e-3);
  });

  it('stops when cancelled', async () => {
    const x = features('diabetes', true);
    const controller = new AbortController();
    controller.abort();
    await expect(
      linear.fit(x, target('diabetes'), {}, { ...context(), signal: controller.signal }),
    ).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

describe('optimisers', () => {
  const rosenbrock: SmoothObjective = {
    evaluate(theta, gradient) {
      const [a, b] = theta as unknown as [number, number];
      gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      gradient[1] = 200 * (b - a * a);
      return Promise.resolve((1 - a) ** 2 + 100 * (b - a * a) ** 2);
    },
  };

  it('L-BFGS finds the minimum of the Rosenbrock function', async () => {
    const result = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 200, tol: 1e-8 });
    expect(result.converged).toBe(true);
    expect(result.theta[0]).toBeCloseTo(1, 6);
    expect(result.theta[1]).toBeCloseTo(1, 6);
  });

  it('FISTA soft-thresholds a separable lasso exactly', async () => {
    // ½‖θ − c‖² + Σ λᵢ|θᵢ| is solved by soft-thresholding c by λ.
    const centre = Float64Array.of(3, -0.5, 0.2, -2, 0);
    const l1 = Float64Array.of(1, 1, 0.1, 0, 1);
    const quadratic: SmoothObjective = {
      evaluate(theta, gradient) {
        let value = 0;
        theta.forEach((t, i) => {
          gradient[i] = t - (centre[i] as number);
          value += 0.5 * (t - (centre[i] as number)) ** 2;
        });
        return Promise.resolve(value);
      },
    };
    const result = await fista(quadratic, new Float64Array(5), l1, { maxIter: 100, tol: 1e-10 });
    expect(result.converged).toBe(true);
    expect(Array.from(result.theta, (t) => Number(t.toFixed(9)))).toEqual([2, 0, 0.1, -2, 0]);
    expect(result.theta[1]).toBe(0);
    expect(result.theta[4]).toBe(0);
  });
});

describe('linear learner', () => {
  const iris = () => ({ x: features('iris', true), target: target('iris') });

  it('reports every iteration and whether it converged, without failing when it did not', async () => {
    const { x, target: y } = iris();
    const progress: TrainingProgress[] = [];
    const model = (await linear.fit(
      x,
      y,
      { max_iter: 3 },
      {
        ...context(),
        onProgress: (p) => progress.push(p),
      },
    )) as LinearModel;
    expect(model.converged).toBe(false);
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(progress.every((p) => p.total === 3)).toBe(true);
    expect(progress.at(-1)?.metrics.converged).toBe(0);
    expect(progress[0]?.metrics.converged).toBeUndefined();
    const losses = progress.map((p) => p.metrics.loss as number);
    expect(losses[2]).toBeLessThan(losses[0] as number);
  });

  it('leaves no tensors behind, also when cancelled', async () => {
    const { x, target: y } = iris();
    const before = tf.memory().numTensors;
    await linear.fit(x, y, { penalty: 'elasticnet', l1_ratio: 0.3, C: 0.5 }, context());
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    const cancelled = linear.fit(
      x,
      y,
      {},
      {
        ...context(),
        signal: controller.signal,
        onProgress: (p) => {
          if (p.step === 2) controller.abort();
        },
      },
    );
    await expect(cancelled).rejects.toMatchObject({ name: 'TrainingError', kind: 'cancelled' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic and round-trips through JSON exactly', async () => {
    const { x, target: y } = iris();
    const first = await linear.fit(x, y, { penalty: 'l1', C: 0.5 }, context(1));
    const second = await linear.fit(x, y, { penalty: 'l1', C: 0.5 }, context(2));
    expect(second.toJSON()).toEqual(first.toJSON());
    const json = JSON.parse(JSON.stringify(first.toJSON())) as ReturnType<typeof first.toJSON>;
    const restored = linear.fromJSON(json);
    expect(restored.toJSON()).toEqual(first.toJSON());
    expect(restored.predictProba?.(x)).toEqual(first.predictProba?.(x));
    expect(restored.predict(x)).toEqual(first.predict(x));

    const diabetes = features('diabetes', false);
    const ridge = await linear.fit(diabetes, target('diabetes'), {}, context());
    const ridgeBack = linear.fromJSON(JSON.parse(JSON.stringify(ridge.toJSON())));
    expect(ridgeBack.predict(diabetes)).toEqual(ridge.predict(diabetes));
  });

  it('gives classes without training rows probability zero', async () => {
    const x = fromRows([[0], [1], [2], [3], [4], [5]]);
    const y: Target = {
      task: 'classification',
      classes: ['low', 'unused', 'high'],
      y: Int32Array.from([0, 0, 0, 2, 2, 2]),
    };
    const model = await linear.fit(x, y, { C: 100 }, context());
    const proba = model.predictProba?.(fromRows([[0], [5]])) ?? new Float64Array();
    expect(proba[1]).toBe(0);
    expect(proba[4]).toBe(0);
    expect(proba[0]).toBeGreaterThan(0.9);
    expect(proba[5]).toBeGreaterThan(0.9);
    expect(Array.from(model.predict(fromRows([[0], [5]])))).toEqual([0, 2]);
  });

  it('names the column holding a missing value', async () => {
    const x = fromRows([
      [1, 2, 3],
      [4, 5, Number.NaN],
    ]);
    const y: Target = { task: 'regression', y: Float64Array.from([1, 2]) };
    await expect(linear.fit(x, y, {}, context())).rejects.toMatchObject({
      kind: 'invalid-input',
      where: 'column 2',
    });
  });

  it('refuses a single class and invalid parameters', async () => {
    const x = fromRows([[1], [2], [3]]);
    const oneClass: Target = { task: 'classification', classes: ['a', 'b'], y: new Int32Array(3) };
    await expect(linear.fit(x, oneClass, {}, context())).rejects.toMatchObject({
      kind: 'single-class',
    });
    const y: Target = { task: 'regression', y: Float64Array.from([1, 2, 3]) };
    const invalid = [
      { C: 0 },
      { alpha: -1 },
      { l1_ratio: 2 },
      { penalty: 'l3' },
      { max_iter: 2.5 },
      { fit_intercept: 'yes' },
      { learning_rate: 0.1 },
    ] as unknown as Partial<LinearParams>[];
    for (const params of invalid) {
      const error = await linear.fit(x, y, params, context()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrainingError);
      expect((error as TrainingError).kind).toBe('invalid-params');
      expect((error as TrainingError).where).toBe(Object.keys(params)[0]);
    }
  });

  it('trains the same model on the WASM backend', async () => {
    const testCase = fixtureCase('breast_cancer-l2');
    const status = await useBackend('wasm');
    try {
      expect(status.available).toBe(true);
      const { x, model } = await fitCase(testCase);
      expect(maxDifference(model.predictProba(x), testCase.proba ?? [])).toBeLessThan(1e-3);
    } finally {
      await useBackend('cpu');
    }
  });

  it('describes its parameters', () => {
    for (const param of linear.params) {
      expect(param.help.length).toBeGreaterThan(10);
      if (param.kind === 'int' || param.kind === 'float') {
        expect(param.min).toBeLessThanOrEqual(param.default as number);
        expect(param.max).toBeGreaterThanOrEqual(param.default as number);
      }
    }
    expect(linear.handlesMissing).toBe(false);
  });
});
