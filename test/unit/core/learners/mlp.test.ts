import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../../../../src/core/backend/tfjs';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { fromRows, matrix } from '../../../../src/core/learners/matrix';
import { mlp, type MlpModel, type MlpParams } from '../../../../src/core/learners/mlp';
import {
  createLayout,
  initialParameters,
  lossAndGradient,
  products,
  unpack,
} from '../../../../src/core/learners/mlp/backprop';
import type {
  ClassificationTarget,
  Matrix,
  Target,
  TrainingProgress,
} from '../../../../src/core/learners/types';
import { normalArray, seededRandom } from '../../../../src/core/random';

interface Dataset {
  rows: number;
  cols: number;
  x: number[];
  y: number[];
}

interface Scores {
  scores: number[];
  mean: number;
}

interface Case {
  dataset: string;
  task: 'classification' | 'regression';
  train: number[];
  test: number[];
  default: Scores;
  early_stopping: Scores;
}

const read = <T>(name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../fixtures/sklearn/${name}`, import.meta.url), 'utf8'),
  ) as T;

const datasets = read<{ datasets: Record<string, Dataset> }>('linear.json').datasets;
const cases = read<{ cases: Case[] }>('mlp.json').cases;

/** Train and test rows, z-scored with the training rows' mean and standard deviation. */
function split(testCase: Case) {
  const { cols, x, y } = datasets[testCase.dataset] as Dataset;
  const raw = Float32Array.from(x);
  const mean = new Float64Array(cols);
  const variance = new Float64Array(cols);
  const n = testCase.train.length;
  for (const i of testCase.train) {
    for (let j = 0; j < cols; j++)
      mean[j] = (mean[j] as number) + (raw[i * cols + j] as number) / n;
  }
  for (const i of testCase.train) {
    for (let j = 0; j < cols; j++) {
      variance[j] =
        (variance[j] as number) + ((raw[i * cols + j] as number) - (mean[j] as number)) ** 2 / n;
    }
  }
  const rows = (indices: number[]): Matrix => {
    const out = new Float32Array(indices.length * cols);
    indices.forEach((row, k) => {
      for (let j = 0; j < cols; j++) {
        out[k * cols + j] =
          ((raw[row * cols + j] as number) - (mean[j] as number)) /
          Math.sqrt(variance[j] as number);
      }
    });
    return matrix(indices.length, cols, out);
  };
  const classes = [...new Set(y)].sort((a, b) => a - b).map(String);
  const target = (indices: number[]): Target =>
    testCase.task === 'classification'
      ? { task: 'classification', classes, y: Int32Array.from(indices, (i) => y[i] as number) }
      : { task: 'regression', y: Float64Array.from(indices, (i) => y[i] as number) };
  return {
    train: { x: rows(testCase.train), target: target(testCase.train) },
    test: { x: rows(testCase.test), target: target(testCase.test) },
  };
}

function score(target: Target, predicted: Float64Array): number {
  if (target.task === 'classification') {
    return target.y.filter((label, i) => label === predicted[i]).length / target.y.length;
  }
  const mean = target.y.reduce((sum, v) => sum + v, 0) / target.y.length;
  let total = 0;
  let residual = 0;
  target.y.forEach((v, i) => {
    total += (v - mean) ** 2;
    residual += (v - (predicted[i] as number)) ** 2;
  });
  return 1 - residual / total;
}

function fixtureCase(dataset: string): Case {
  const found = cases.find((c) => c.dataset === dataset);
  if (!found) throw new Error(`no fixture for ${dataset}`);
  return found;
}

const context = (seed = 0) => ({ rng: seededRandom(seed) });

/** Two overlapping Gaussian blobs, 90% of rows in class "common". */
function imbalanced(rows: number, seed: number): { x: Matrix; target: ClassificationTarget } {
  const rng = seededRandom(seed);
  const noise = normalArray(rng, rows * 2);
  const y = new Int32Array(rows);
  const data = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    const rare = i % 10 === 0 ? 1 : 0;
    y[i] = rare;
    data[i * 2] = (noise[i * 2] as number) + rare * 1.5;
    data[i * 2 + 1] = (noise[i * 2 + 1] as number) + rare * 1.5;
  }
  return {
    x: matrix(rows, 2, data),
    target: { task: 'classification', classes: ['common', 'rare'], y },
  };
}

// The WASM backend trains these small networks several times faster than the CPU one.
beforeAll(async () => {
  await useBackend('wasm');
});

describe('mlp against scikit-learn', () => {
  it.each(['iris', 'breast_cancer'])(
    '%s: test accuracy within 3 points of MLPClassifier',
    async (dataset) => {
      const testCase = fixtureCase(dataset);
      const { train, test } = split(testCase);
      const model = await mlp.fit(train.x, train.target, {}, context());
      expect(score(test.target, model.predict(test.x))).toBeGreaterThanOrEqual(
        testCase.default.mean - 0.03,
      );
    },
  );

  it('diabetes: test R² at least that of MLPRegressor with early stopping', async () => {
    const testCase = fixtureCase('diabetes');
    const { train, test } = split(testCase);
    const model = await mlp.fit(train.x, train.target, {}, context());
    const r2 = score(test.target, model.predict(test.x));
    expect(r2).toBeGreaterThan(testCase.early_stopping.mean - 0.05);
    expect(r2).toBeGreaterThan(testCase.default.mean);
  });
});

describe('mlp backward pass', () => {
  type Tensor = ReturnType<typeof tf.tensor>;
  const activations = ['relu', 'tanh', 'gelu'] as const;

  /** The same network written with plain tfjs ops, differentiated by tfjs autograd. */
  function referenceLoss(
    theta: Tensor,
    layout: ReturnType<typeof createLayout>,
    activation: (typeof activations)[number],
    classification: boolean,
    batch: { x: Tensor; y: Tensor; weights: Tensor; rows: number; masks: Tensor[] },
  ): Tensor {
    const views = unpack(theta, layout);
    let h = batch.x;
    views.forEach((view, index) => {
      let z = tf.add(tf.matMul(h, view.weights), view.bias);
      if (index < views.length - 1) {
        if (view.gamma && view.beta) {
          const { mean, variance } = tf.moments(z, 0);
          z = tf.batchNorm(z, mean, variance, view.beta, view.gamma, 1e-3);
        }
        if (activation === 'relu') z = tf.relu(z);
        if (activation === 'tanh') z = tf.tanh(z);
        if (activation === 'gelu') {
          const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(z, tf.mul(0.044715, tf.pow(z, 3))));
          z = tf.mul(tf.mul(0.5, z), tf.add(1, tf.tanh(inner)));
        }
        z = tf.mul(z, batch.masks[index] as Tensor);
      }
      h = z;
    });
    const perRow = classification
      ? tf.neg(tf.sum(tf.mul(batch.y, tf.logSoftmax(h)), 1, true))
      : tf.square(tf.sub(h, batch.y));
    return tf.div(tf.sum(tf.mul(perRow, batch.weights)), batch.rows);
  }

  it.each(
    activations.flatMap((activation) =>
      [false, true].flatMap((batchNorm) =>
        [true, false].map((classification) => [activation, batchNorm, classification] as const),
      ),
    ),
  )(
    '%s, batch norm %s, classification %s: matches autograd',
    (activation, batchNorm, classification) => {
      const rows = 6;
      const layout = createLayout([3, 5, 4, classification ? 3 : 1], batchNorm);
      const rng = seededRandom(9);
      tf.tidy(() => {
        const theta = tf.tensor1d(initialParameters(layout, rng));
        const x = tf.tensor2d(normalArray(rng, rows * 3), [rows, 3]);
        const y = classification
          ? tf.oneHot(tf.tensor1d([0, 1, 2, 2, 1, 0], 'int32'), 3).toFloat()
          : tf.tensor2d(normalArray(rng, rows), [rows, 1]);
        const weights = tf.tensor2d([1, 2, 0.5, 1, 1, 0.5], [rows, 1]);
        const masks = [5, 4].map((width) =>
          tf.tensor2d(
            Float32Array.from({ length: rows * width }, (_, i) => (i % 4 === 0 ? 0 : 1.25)),
            [rows, width],
          ),
        );
        const batch = { x, y, weights, rows, masks };
        const expected = tf.grad((t: Tensor) =>
          referenceLoss(t, layout, activation, classification, batch),
        )(theta);
        for (const explicitTranspose of [false, true]) {
          const result = lossAndGradient(
            unpack(theta, layout),
            activation,
            classification,
            { x, y, weights, rows, dropoutMasks: masks },
            products(explicitTranspose),
          );
          const difference = tf.max(tf.abs(tf.sub(result.gradient, expected))).dataSync()[0];
          expect(difference).toBeLessThan(1e-5);
          const loss = referenceLoss(theta, layout, activation, classification, batch);
          expect(result.lossSum.dataSync()[0]).toBeCloseTo(
            (loss.dataSync()[0] as number) * rows,
            5,
          );
        }
      });
    },
  );
});

describe('mlp', () => {
  const cancer = () => split(fixtureCase('breast_cancer'));

  it('stops early on validation loss and keeps the best epoch', async () => {
    const { train, test } = cancer();
    const progress: TrainingProgress[] = [];
    const model = (await mlp.fit(
      train.x,
      train.target,
      { n_iter_no_change: 5, max_iter: 300 },
      { ...context(), onProgress: (p) => progress.push(p) },
    )) as MlpModel;
    const { epochs, bestEpoch } = model.state;
    expect(epochs).toBeLessThan(300);
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
    expect(epochs - bestEpoch).toBeLessThanOrEqual(5);
    const losses = progress.map((p) => p.metrics.val_loss as number);
    expect(Math.min(...losses)).toBe(losses[bestEpoch - 1]);
    // Training ends five epochs after the last improvement by more than tol (1e-4).
    let lowest = Infinity;
    let lastImprovement = 0;
    losses.forEach((loss, i) => {
      if (loss <= lowest - 1e-4) lastImprovement = i + 1;
      lowest = Math.min(lowest, loss);
    });
    expect(epochs - lastImprovement).toBe(5);
    expect(progress.every((p) => p.metrics.val_accuracy !== undefined)).toBe(true);
    expect(score(test.target, model.predict(test.x))).toBeGreaterThan(0.9);
  });

  it("monitors the caller's validation set, whose loss matches the plain-JS prediction", async () => {
    const { train, test } = cancer();
    const progress: TrainingProgress[] = [];
    const model = (await mlp.fit(
      train.x,
      train.target,
      { batch_norm: true, activation: 'gelu', dropout: 0.2, n_iter_no_change: 3 },
      {
        ...context(3),
        validation: test,
        onProgress: (p) => progress.push(p),
      },
    )) as MlpModel;
    const best = progress[model.state.bestEpoch - 1]?.metrics ?? {};
    const proba = model.predictProba(test.x);
    const labels = (test.target as ClassificationTarget).y;
    let loss = 0;
    labels.forEach((label, i) => (loss -= Math.log(proba[i * 2 + label] as number)));
    expect(loss / labels.length).toBeCloseTo(best.val_loss as number, 4);
    expect(score(test.target, model.predict(test.x))).toBeCloseTo(best.val_accuracy as number, 6);
  });

  it('balanced class weights shift predictions toward the rare class', async () => {
    const { x, target } = imbalanced(400, 5);
    const params: Partial<MlpParams> = { hidden_layers: [16], max_iter: 30, early_stopping: false };
    const plain = await mlp.fit(x, target, params, context());
    const balanced = await mlp.fit(x, target, { ...params, class_weight: 'balanced' }, context());
    const rare = (model: typeof plain) => model.predict(x).filter((label) => label === 1).length;
    expect(rare(balanced)).toBeGreaterThan(2 * rare(plain));
    expect(rare(balanced)).toBeGreaterThan(40);
  });

  it('learns a regression target on its own scale', async () => {
    const rows = 300;
    const rng = seededRandom(2);
    const inputs = normalArray(rng, rows);
    const y = Float64Array.from(inputs, (v) => 1000 + 50 * v * v);
    const x = matrix(rows, 1, inputs);
    const model = await mlp.fit(
      x,
      { task: 'regression', y },
      { hidden_layers: '32', learning_rate: 0.01, max_iter: 60 },
      context(),
    );
    const predicted = model.predict(fromRows([[0], [2]]));
    expect(predicted[0]).toBeCloseTo(1000, -1);
    expect(predicted[1]).toBeCloseTo(1200, -1.5);
  });

  it('can be cancelled between two batches of an epoch, leaving no tensors', async () => {
    const { train } = cancer();
    const before = tf.memory().numTensors;
    let reads = 0;
    const signal = {
      get aborted() {
        reads += 1;
        return reads > 2;
      },
    } as AbortSignal;
    const progress: TrainingProgress[] = [];
    const fit = mlp.fit(
      train.x,
      train.target,
      { batch_size: 32 },
      { ...context(), signal, onProgress: (p) => progress.push(p) },
    );
    await expect(fit).rejects.toMatchObject({ name: 'TrainingError', kind: 'cancelled' });
    expect(reads).toBe(3);
    expect(progress).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails with non-finite when the loss blows up, and leaves no tensors', async () => {
    const { train } = cancer();
    const before = tf.memory().numTensors;
    const error = await mlp
      .fit(train.x, train.target, { learning_rate: 1e12, max_iter: 5 }, context())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as TrainingError).kind).toBe('non-finite');
    expect((error as TrainingError).message).toContain('lower the learning rate');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains alike on the CPU and WASM backends', async () => {
    const { x, target } = imbalanced(100, 3);
    const params: Partial<MlpParams> = { hidden_layers: [8], max_iter: 3, batch_size: 25 };
    const onWasm = await mlp.fit(x, target, params, context(1));
    await useBackend('cpu');
    try {
      const onCpu = await mlp.fit(x, target, params, context(1));
      const a = onWasm.predictProba?.(x) ?? new Float64Array();
      const b = onCpu.predictProba?.(x) ?? new Float64Array();
      let largest = 0;
      a.forEach((value, i) => (largest = Math.max(largest, Math.abs(value - (b[i] as number)))));
      expect(largest).toBeLessThan(1e-4);
    } finally {
      await useBackend('wasm');
    }
  });

  it('is deterministic for a seed and round-trips through JSON exactly', async () => {
    const { x, target } = imbalanced(120, 1);
    const params: Partial<MlpParams> = {
      hidden_layers: [8, 8],
      batch_norm: true,
      dropout: 0.1,
      activation: 'tanh',
      max_iter: 8,
      batch_size: 32,
    };
    const before = tf.memory().numTensors;
    const first = await mlp.fit(x, target, params, context(4));
    expect(tf.memory().numTensors).toBe(before);
    const again = await mlp.fit(x, target, params, context(4));
    const other = await mlp.fit(x, target, params, context(5));
    expect(again.toJSON()).toEqual(first.toJSON());
    expect(other.toJSON()).not.toEqual(first.toJSON());
    const restored = mlp.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
    expect(restored.toJSON()).toEqual(first.toJSON());
    expect(restored.predictProba?.(x)).toEqual(first.predictProba?.(x));
  });

  it('names the column holding a missing value and refuses bad input', async () => {
    const x = fromRows([
      [1, Number.NaN],
      [2, 3],
    ]);
    const two: Target = { task: 'classification', classes: ['a', 'b'], y: Int32Array.from([0, 1]) };
    await expect(mlp.fit(x, two, {}, context())).rejects.toMatchObject({
      kind: 'invalid-input',
      where: 'column 1',
    });
    const clean = fromRows([[1], [2]]);
    const one: Target = { task: 'classification', classes: ['a', 'b'], y: new Int32Array(2) };
    await expect(mlp.fit(clean, one, {}, context())).rejects.toMatchObject({
      kind: 'single-class',
    });
    const invalid = [
      { hidden_layers: 'wide' },
      { hidden_layers: [0] },
      { dropout: 1 },
      { activation: 'sigmoid' },
      { learning_rate: 0 },
      { batch_size: 0 },
      { epochs: 10 },
    ] as unknown as Partial<MlpParams>[];
    for (const params of invalid) {
      const error = await mlp.fit(clean, two, params, context()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrainingError);
      expect((error as TrainingError).kind).toBe('invalid-params');
      expect((error as TrainingError).where).toBe(Object.keys(params)[0]);
    }
  });

  it('describes its parameters', () => {
    for (const param of mlp.params) {
      expect(param.help.length).toBeGreaterThan(10);
      if (param.kind === 'choice') expect(param.choices).toContain(param.default);
      if (param.kind === 'int' || param.kind === 'float') {
        expect(param.min).toBeLessThanOrEqual(param.default as number);
        expect(param.max).toBeGreaterThanOrEqual(param.default as number);
      }
    }
    expect(mlp.handlesMissing).toBe(false);
  });
});
