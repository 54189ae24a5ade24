import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { gbdt, type GbdtParams } from '../../../../src/core/learners/gbdt';
import { takeRows } from '../../../../src/core/learners/matrix';
import type {
  ClassificationTarget,
  EstimatorJSON,
  FitContext,
  Matrix,
  Target,
  TrainingProgress,
} from '../../../../src/core/learners/types';
import { randomNormal, seededRandom } from '../../../../src/core/random';

/** The iris fixture's training and test rows. */
function iris() {
  const url = new URL('../../../fixtures/sklearn/gbdt-iris.json', import.meta.url);
  const fixture = JSON.parse(readFileSync(url, 'utf8')) as {
    x: number[];
    y: number[];
    classes: string[];
    train: number[];
    test: number[];
  };
  const x: Matrix = { rows: fixture.y.length, cols: 4, data: Float32Array.from(fixture.x) };
  const part = (rows: number[]) => ({
    x: takeRows(x, rows),
    target: {
      task: 'classification',
      classes: fixture.classes,
      y: Int32Array.from(rows, (r) => fixture.y[r] as number),
    } as Target,
  });
  return { train: part(fixture.train), test: part(fixture.test) };
}

function noisyRegression(rows: number, seed: number) {
  const random = seededRandom(seed);
  const data = new Float32Array(rows * 3);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < 3; c++) data[r * 3 + c] = randomNormal(random);
    y[r] = Math.sin(data[r * 3] as number) + randomNormal(random);
  }
  return { x: { rows, cols: 3, data } as Matrix, target: { task: 'regression', y } as Target };
}

const binary = (rows: readonly (readonly number[])[], labels: readonly number[]) => ({
  x: { rows: rows.length, cols: rows[0]?.length ?? 0, data: Float32Array.from(rows.flat()) },
  target: { task: 'classification', classes: ['a', 'b'], y: Int32Array.from(labels) } as Target,
});

async function failure(promise: Promise<unknown>): Promise<TrainingError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TrainingError);
    return error as TrainingError;
  }
  throw new Error('expected training to fail');
}

const context = (seed = 0, extra: Partial<FitContext> = {}): FitContext => ({
  rng: seededRandom(seed),
  ...extra,
});

describe('gbdt determinism', () => {
  it('gives identical predictions for the same seed', async () => {
    const { x, target } = noisyRegression(600, 1);
    const params: Partial<GbdtParams> = { subsample: 0.7, colsample: 0.67, max_iter: 30 };
    const a = await gbdt.fit(x, target, params, context(3));
    const b = await gbdt.fit(x, target, params, context(3));
    expect(a.predict(x)).toEqual(b.predict(x));
  });

  it('gives different predictions for another seed when subsampling', async () => {
    const { x, target } = noisyRegression(600, 1);
    const params: Partial<GbdtParams> = { subsample: 0.7, max_iter: 30 };
    const a = await gbdt.fit(x, target, params, context(3));
    const b = await gbdt.fit(x, target, params, context(4));
    expect(a.predict(x)).not.toEqual(b.predict(x));
  });
});

describe('gbdt serialisation', () => {
  it('predicts identically after a JSON round trip', async () => {
    const { train, test } = iris();
    const model = await gbdt.fit(train.x, train.target, { max_iter: 20 }, context());
    const text = JSON.stringify(model.toJSON());
    const restored = gbdt.fromJSON(JSON.parse(text) as EstimatorJSON);
    expect(restored.task).toBe('classification');
    expect(restored.predict(test.x)).toEqual(model.predict(test.x));
    expect(restored.predictProba?.(test.x)).toEqual(model.predictProba?.(test.x));
    expect(JSON.stringify(restored.toJSON())).toBe(text);
  });

  it('round-trips regression models with missing values and subsampling', async () => {
    const { x, target } = noisyRegression(400, 2);
    for (let r = 0; r < x.rows; r += 5) x.data[r * 3 + 1] = NaN;
    const model = await gbdt.fit(x, target, { subsample: 0.8, max_iter: 25 }, context(9));
    const restored = gbdt.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as EstimatorJSON);
    expect(restored.predict(x)).toEqual(model.predict(x));
  });

  it('rejects a malformed model naming what is wrong', async () => {
    const { x, target } = noisyRegression(200, 2);
    const json = (await gbdt.fit(x, target, { max_iter: 2 }, context())).toJSON();
    const trees = json.trees as { left: number[] }[];
    (trees[0] as { left: number[] }).left[0] = 0;
    expect(() => gbdt.fromJSON(json)).toThrow(/node 0/);
    expect(() => gbdt.fromJSON({ ...json, format: 99 })).toThrow(/format/);
  });
});

describe('gbdt training loop', () => {
  it('reports a falling loss every iteration', async () => {
    const { x, target } = noisyRegression(500, 3);
    const progress: TrainingProgress[] = [];
    await gbdt.fit(
      x,
      target,
      { max_iter: 15 },
      context(0, { onProgress: (p) => progress.push(p) }),
    );
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(progress.every((p) => p.total === 15)).toBe(true);
    const losses = progress.map((p) => p.metrics.loss as number);
    expect(losses[14]).toBeLessThan(losses[0] as number);
  });

  it('reports validation loss when given a validation set', async () => {
    const train = noisyRegression(400, 4);
    const validation = noisyRegression(100, 5);
    const progress: TrainingProgress[] = [];
    await gbdt.fit(
      train.x,
      train.target,
      { max_iter: 5 },
      context(0, { validation, onProgress: (p) => progress.push(p) }),
    );
    expect(progress.every((p) => Number.isFinite(p.metrics.val_loss))).toBe(true);
  });

  it('stops early on a noisy set', async () => {
    const random = seededRandom(6);
    const rows = 3000;
    const data = Float32Array.from({ length: rows * 4 }, () => randomNormal(random));
    const y = Int32Array.from({ length: rows }, () => (random() < 0.5 ? 1 : 0));
    const progress: TrainingProgress[] = [];
    const model = await gbdt.fit(
      { rows, cols: 4, data },
      { task: 'classification', classes: ['a', 'b'], y },
      { max_iter: 200, early_stopping: 'on' },
      context(0, { onProgress: (p) => progress.push(p) }),
    );
    const iterations = model.toJSON().iterations as number;
    expect(iterations).toBeLessThan(60);
    expect(progress).toHaveLength(iterations);
    expect(progress.every((p) => p.metrics.val_loss !== undefined)).toBe(true);
  });

  it('turns early stopping on automatically only above 10,000 rows', async () => {
    const small = noisyRegression(600, 7);
    const full = await gbdt.fit(small.x, small.target, { max_iter: 40 }, context());
    expect(full.toJSON().iterations).toBe(40);

    const large = noisyRegression(12_000, 7);
    const progress: TrainingProgress[] = [];
    const stopped = await gbdt.fit(
      large.x,
      large.target,
      { max_iter: 300, learning_rate: 0.3 },
      context(0, { onProgress: (p) => progress.push(p) }),
    );
    expect(stopped.toJSON().iterations).toBeLessThan(300);
    expect(progress.every((p) => p.metrics.val_loss !== undefined)).toBe(true);
  });

  it('gives a class absent from training a near-zero probability', async () => {
    const { train } = iris();
    const target = train.target as ClassificationTarget;
    const keep = Array.from(target.y.keys()).filter((r) => target.y[r] !== 2);
    const x = takeRows(train.x, keep);
    const y = Int32Array.from(keep, (r) => target.y[r] as number);
    const model = await gbdt.fit(x, { ...target, y }, { max_iter: 20 }, context());
    const probabilities = model.predictProba?.(x) as Float64Array;
    expect(probabilities.every(Number.isFinite)).toBe(true);
    for (let r = 0; r < x.rows; r++) expect(probabilities[3 * r + 2]).toBeLessThan(1e-6);
  });

  it('weights rows like duplicating them', async () => {
    const { x, target } = noisyRegression(120, 8);
    const weights = Float64Array.from({ length: 120 }, (_, r) => (r % 3 === 0 ? 2 : 1));
    const duplicated = Array.from({ length: 120 }, (_, r) => r).flatMap((r) =>
      r % 3 === 0 ? [r, r] : [r],
    );
    const dupX = {
      rows: duplicated.length,
      cols: 3,
      data: Float32Array.from(
        duplicated.flatMap((r) => Array.from(x.data.subarray(3 * r, 3 * r + 3))),
      ),
    };
    const dupTarget: Target = {
      task: 'regression',
      y: Float64Array.from(duplicated, (r) => target.y[r] as number),
    };
    const params: Partial<GbdtParams> = { max_iter: 10, min_samples_leaf: 1 };
    const weighted = await gbdt.fit(x, target, params, context(0, { sampleWeight: weights }));
    const copied = await gbdt.fit(dupX, dupTarget, params, context());
    const a = weighted.predict(x);
    const b = copied.predict(x);
    for (let r = 0; r < x.rows; r++) expect(a[r]).toBeCloseTo(b[r] as number, 6);
  });

  it('is cancelled by an aborted signal', async () => {
    const { x, target } = noisyRegression(200, 9);
    const controller = new AbortController();
    controller.abort();
    const error = await failure(gbdt.fit(x, target, {}, context(0, { signal: controller.signal })));
    expect(error.kind).toBe('cancelled');
  });

  it('is cancelled when the signal aborts during training', async () => {
    const { x, target } = noisyRegression(200, 9);
    const controller = new AbortController();
    const onProgress = (p: TrainingProgress) => {
      if (p.step === 3) controller.abort();
    };
    const error = await failure(
      gbdt.fit(x, target, { max_iter: 50 }, context(0, { signal: controller.signal, onProgress })),
    );
    expect(error.kind).toBe('cancelled');
  });
});

describe('gbdt guard rails', () => {
  it('rejects empty data', async () => {
    const none = { rows: 0, cols: 2, data: new Float32Array(0) };
    const noRows = await failure(
      gbdt.fit(none, { task: 'regression', y: new Float64Array(0) }, {}, context()),
    );
    expect(noRows.kind).toBe('invalid-input');
    const noCols = { rows: 2, cols: 0, data: new Float32Array(0) };
    const noColumns = await failure(
      gbdt.fit(noCols, { task: 'regression', y: new Float64Array(2) }, {}, context()),
    );
    expect(noColumns.kind).toBe('invalid-input');
  });

  it('rejects a single class', async () => {
    const { x, target } = binary([[1], [2], [3]], [1, 1, 1]);
    expect((await failure(gbdt.fit(x, target, {}, context()))).kind).toBe('single-class');
  });

  it('names the column and row of an infinite feature value', async () => {
    const { x, target } = binary(
      [
        [1, 2],
        [3, Infinity],
      ],
      [0, 1],
    );
    const error = await failure(gbdt.fit(x, target, {}, context()));
    expect(error.kind).toBe('non-finite');
    expect(error.message).toMatch(/column 1 at row 1/);
  });

  it('accepts NaN features but not a NaN regression target', async () => {
    const x = { rows: 3, cols: 1, data: Float32Array.of(1, NaN, 3) };
    const model = await gbdt.fit(
      x,
      { task: 'regression', y: Float64Array.of(1, 2, 3) },
      {},
      context(),
    );
    expect(model.predict(x)).toHaveLength(3);
    const error = await failure(
      gbdt.fit(x, { task: 'regression', y: Float64Array.of(1, NaN, 3) }, {}, context()),
    );
    expect(error.kind).toBe('non-finite');
    expect(error.where).toMatch(/row 1/);
  });

  it('names the parameter that is out of range', async () => {
    const { x, target } = noisyRegression(50, 1);
    const cases: [Partial<GbdtParams> | Record<string, unknown>, string][] = [
      [{ learning_rate: 0 }, 'learning_rate'],
      [{ max_bins: 256 }, 'max_bins'],
      [{ max_leaf_nodes: 1 }, 'max_leaf_nodes'],
      [{ subsample: 1.5 }, 'subsample'],
      [{ min_samples_leaf: 2.5 }, 'min_samples_leaf'],
      [{ early_stopping: 'sometimes' }, 'early_stopping'],
      [{ depth: 3 }, 'depth'],
    ];
    for (const [params, name] of cases) {
      const error = await failure(gbdt.fit(x, target, params as Partial<GbdtParams>, context()));
      expect(error.kind).toBe('invalid-params');
      expect(error.where).toBe(name);
    }
  });

  it('rejects sample weights that do not fit the rows', async () => {
    const { x, target } = noisyRegression(50, 1);
    const error = await failure(
      gbdt.fit(x, target, {}, context(0, { sampleWeight: new Float64Array(10) })),
    );
    expect(error.kind).toBe('invalid-input');
  });

  it('describes every parameter for search and for people', () => {
    for (const info of gbdt.params) {
      expect(info.help.length).toBeGreaterThan(20);
      if (info.kind === 'int' || info.kind === 'float') {
        expect(info.min).toBeLessThanOrEqual(info.default as number);
        expect(info.max).toBeGreaterThanOrEqual(info.default as number);
      }
    }
    expect(gbdt.params.map((p) => p.name)).toEqual(
      expect.arrayContaining(['max_iter', 'learning_rate', 'max_leaf_nodes', 'early_stopping']),
    );
  });
});
