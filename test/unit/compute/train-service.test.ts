import { afterEach, describe, expect, it } from 'vitest';
import { inProcessEndpoint } from '../../../src/compute/in-process';
import { isJobError } from '../../../src/compute/errors';
import { createPool } from '../../../src/compute/pool';
import type { TrainApi, TrainProgress } from '../../../src/compute/train-api';
import { createTrainClient, type TrainClient } from '../../../src/compute/train-client';
import { createTrainService } from '../../../src/compute/train-service';
import { seededRandom } from '../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../src/core/table';

let clock = 0;
const now = () => (clock += 1000);
const stored = new Map<string, Table>();

let client: TrainClient | undefined;

function trainClient(): TrainClient {
  const pool = createPool<TrainApi>({
    spawn: () =>
      inProcessEndpoint(
        createTrainService({ now, loadVersion: async (id) => stored.get(id) ?? blobs(1) }),
      ),
    size: 1,
    idleTimeoutMs: 60_000,
    cancelGraceMs: 60_000,
  });
  client = createTrainClient(pool);
  return client;
}

afterEach(() => client?.close());

/** Two informative features and a label that follows their sum. */
function blobs(rows: number, labels: (sum: number) => string = (sum) => (sum > 0 ? 'yes' : 'no')) {
  const rng = seededRandom(7);
  const a = new Float64Array(rows);
  const b = new Float64Array(rows);
  const labelValues: string[] = [];
  const amount = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    a[i] = rng() * 2 - 1;
    b[i] = rng() * 2 - 1;
    labelValues.push(labels((a[i] as number) + (b[i] as number)));
    amount[i] = 3 * (a[i] as number) - 2 * (b[i] as number) + 0.05 * (rng() - 0.5);
  }
  return new Table([
    numberColumn('a', a),
    numberColumn('b', b),
    stringColumn('label', labelValues),
    numberColumn('amount', amount),
  ]);
}

describe('trainer service over an in-process worker', () => {
  it('trains a classifier, streams progress and returns a report with importance', async () => {
    const progress: TrainProgress[] = [];
    const table = blobs(200).select(['a', 'b', 'label']);
    const outcome = await trainClient().train({
      data: table,
      spec: { target: 'label', learner: 'gbdt', params: { max_iter: 20 } },
      seed: 0,
      validation: { kind: 'holdout', testSize: 0.2 },
      onProgress: (event) => progress.push(event),
    });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.report.task).toBe('classification');
    expect(outcome.report.rows).toBe(40);
    expect(outcome.trainRows).toBe(160);
    expect(outcome.report.metrics.accuracy).toBeGreaterThan(0.85);
    if (outcome.report.task === 'classification') {
      expect(outcome.report.confusionMatrix).toHaveLength(2);
    }
    expect(outcome.importance.map((item) => item.feature).sort()).toEqual(['a', 'b']);
    for (const item of outcome.importance) expect(item.mean).toBeGreaterThan(0);
    expect(outcome.fitSeconds).toBeGreaterThan(0);
    expect(outcome.model.format).toBe('bunsen-model');
    const fitSteps = progress.filter((event) => event.phase === 'fit');
    expect(fitSteps.length).toBeGreaterThan(0);
    expect(fitSteps.at(-1)).toMatchObject({ step: 20, total: 20 });
    // Throttled reports travel with the next one sent, so every step reaches the page.
    const steps = fitSteps.flatMap((event) =>
      event.phase === 'fit'
        ? [...(event.earlier ?? []).map((point) => point.step), event.step]
        : [],
    );
    expect(steps).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(table.rowCount).toBe(200);
  });

  it('trains a regression on tfjs and reports R²', async () => {
    const outcome = await trainClient().train({
      data: blobs(200).select(['a', 'b', 'amount']),
      spec: { target: 'amount', learner: 'linear' },
      seed: 1,
      validation: { kind: 'holdout', testSize: 0.25 },
    });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.report.task).toBe('regression');
    expect(outcome.report.rows).toBe(50);
    expect(outcome.report.metrics.r2).toBeGreaterThan(0.95);
    expect(['wasm', 'cpu']).toContain(outcome.backend);
  });

  it('cross-validates: per-fold scores, an out-of-fold report over every row, a final model', async () => {
    const progress: TrainProgress[] = [];
    const table = blobs(150).select(['a', 'b', 'label']);
    const outcome = await trainClient().train({
      data: table,
      spec: { target: 'label', learner: 'nb' },
      seed: 3,
      validation: { kind: 'cv', folds: 5 },
      onProgress: (event) => progress.push(event),
    });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.report.rows).toBe(150);
    expect(outcome.testRows).toBe(150);
    expect(outcome.trainRows).toBe(150);
    expect(outcome.model.trainingRows).toBe(150);
    const cv = outcome.cv;
    if (!cv) throw new Error('no cross-validation summary');
    expect(cv.folds).toBe(5);
    expect(cv.perFold).toHaveLength(5);
    const accuracies = cv.perFold.map((scores) => scores.accuracy as number);
    const mean = accuracies.reduce((sum, value) => sum + value, 0) / 5;
    expect(cv.mean.accuracy).toBeCloseTo(mean, 12);
    expect(cv.std.accuracy).toBeGreaterThanOrEqual(0);
    // Folds of 30 rows each: the pooled out-of-fold accuracy equals the mean of the folds'.
    expect(outcome.report.metrics.accuracy).toBeCloseTo(mean, 12);
    expect(progress.filter((event) => event.phase === 'fold').map((event) => event.fold)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);

    const regression = await trainClient().train({
      data: blobs(100).select(['a', 'b', 'amount']),
      spec: { target: 'amount', learner: 'knn' },
      seed: 3,
      validation: { kind: 'cv', folds: 4 },
    });
    if (!regression.ok) throw new Error(regression.error.message);
    expect(regression.report.task).toBe('regression');
    expect(regression.cv?.perFold.map((scores) => Object.keys(scores))).toEqual(
      Array(4).fill(['rmse', 'mae', 'r2']),
    );
  });

  it('refuses a fold count cross-validation cannot use', async () => {
    const outcome = await trainClient().train({
      data: blobs(40).select(['a', 'b', 'label']),
      spec: { target: 'label', learner: 'nb' },
      seed: 0,
      validation: { kind: 'cv', folds: 1 },
    });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toContain('2 to 20 folds');
  });

  it('reads a stored dataset version when asked for one', async () => {
    stored.set('version-1', blobs(120).select(['a', 'b', 'label']));
    const outcome = await trainClient().train({
      data: { versionId: 'version-1' },
      spec: { target: 'label', learner: 'knn' },
      seed: 0,
      validation: { kind: 'holdout', testSize: 0.25 },
    });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.testRows).toBe(30);
    expect(outcome.report.metrics.accuracy).toBeGreaterThan(0.7);
  });

  it('is deterministic for a seed', async () => {
    const run = () =>
      trainClient().train({
        data: blobs(150).select(['a', 'b', 'label']),
        spec: { target: 'label', learner: 'forest', params: { n_estimators: 10 } },
        seed: 3,
        validation: { kind: 'holdout', testSize: 0.2 },
      });
    const first = await run();
    const second = await run();
    if (!first.ok || !second.ok) throw new Error('training failed');
    expect(second.report).toEqual(first.report);
    expect(second.importance).toEqual(first.importance);
  });

  it('cancels a running training', async () => {
    const controller = new AbortController();
    const training = trainClient().train({
      data: blobs(400).select(['a', 'b', 'label']),
      spec: { target: 'label', learner: 'mlp', params: { max_iter: 100_000 } },
      seed: 0,
      validation: { kind: 'holdout', testSize: 0.2 },
      signal: controller.signal,
      onProgress: (event) => {
        if (event.phase === 'fit') controller.abort();
      },
    });
    const error: unknown = await training.catch((caught: unknown) => caught);
    expect(isJobError(error) && error.kind).toBe('cancelled');
    const after = await trainClient().train({
      data: blobs(100).select(['a', 'b', 'label']),
      spec: { target: 'label', learner: 'nb' },
      seed: 0,
      validation: { kind: 'holdout', testSize: 0.2 },
    });
    expect(after.ok).toBe(true);
  });

  it('says clearly when the target has a single class', async () => {
    const outcome = await trainClient().train({
      data: blobs(60, () => 'same').select(['a', 'b', 'label']),
      spec: { target: 'label', learner: 'gbdt', task: 'classification' },
      seed: 0,
      validation: { kind: 'holdout', testSize: 0.2 },
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).toBe('single-class');
    expect(outcome.error.message).toMatch(/class/i);
  });
});
