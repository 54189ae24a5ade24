import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { startHistogramHelpers } from '../../../../src/cli/threads/gbdt-histograms';
import type { GbdtParams } from '../../../../src/core/learners/gbdt';
import { binMatrix } from '../../../../src/core/learners/gbdt/binning';
import { TreeGrower, splitConstraints } from '../../../../src/core/learners/gbdt/grower';
import { histogramLength } from '../../../../src/core/learners/gbdt/histogram';
import {
  SerialHistogramBuilder,
  type HistogramBuilder,
} from '../../../../src/core/learners/gbdt/histogram-builder';
import {
  CLAIM_PROTOCOL,
  SharedHistogramBuilder,
  serveHistogramJobs,
  type HistogramHelpers,
  type HistogramSession,
} from '../../../../src/core/learners/gbdt/histogram-team';
import { fitGbdt } from '../../../../src/core/learners/gbdt/train';
import type { Matrix, Target } from '../../../../src/core/learners/types';
import { randomNormal, seededRandom } from '../../../../src/core/random';

/**
 * Large enough for helpers to take part: 12 000 rows × 26 features (shared histograms), or
 * 40 000 rows × 10 features (shared partitions too), some values missing.
 */
function dataset(classes: number, rows = 12_000, cols = 26): { x: Matrix; target: Target } {
  const random = seededRandom(5);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    data[i] = random() < 0.03 ? NaN : Math.round(randomNormal(random) * 40) / 10;
  }
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const at = r * cols;
    const a = (data[at] as number) || 0;
    const b = (data[at + 5] as number) || 0;
    const c = (data[at + cols - 1] as number) || 0;
    const z = a + 0.7 * b * c - Math.abs(b) + randomNormal(random);
    y[r] = classes === 2 ? (z > 0 ? 1 : 0) : z < -1 ? 0 : z < 0.5 ? 1 : 2;
  }
  const names = Array.from({ length: classes }, (_, k) => `c${k}`);
  return { x: { rows, cols, data }, target: { task: 'classification', classes: names, y } };
}

function regression(): { x: Matrix; target: Target } {
  const { x } = dataset(2);
  const y = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    y[r] = ((x.data[r * x.cols + 3] as number) || 0) * 2 + Math.sin(r);
  }
  return { x, target: { task: 'regression', y } };
}

const cases: [string, () => { x: Matrix; target: Target }, Partial<GbdtParams>][] = [
  ['binary log-loss', () => dataset(2), { max_iter: 8 }],
  [
    'softmax with row and feature sampling',
    () => dataset(3),
    { max_iter: 4, subsample: 0.7, colsample: 0.6 },
  ],
  ['squared error', regression, { max_iter: 8, max_leaf_nodes: 63 }],
  ['shared partitions of large nodes', () => dataset(2, 40_000, 10), { max_iter: 5 }],
  [
    'shared partitions with row sampling',
    () => dataset(3, 40_000, 10),
    { max_iter: 3, subsample: 0.8 },
  ],
];

async function fitJSON(
  data: { x: Matrix; target: Target },
  params: Partial<GbdtParams>,
  helpers?: HistogramHelpers,
) {
  const model = await fitGbdt(
    data.x,
    data.target,
    { early_stopping: 'off', ...params },
    { rng: seededRandom(3), histogramHelpers: helpers },
  );
  return JSON.stringify(model.toJSON());
}

describe('gbdt histogram helpers', () => {
  const threads = startHistogramHelpers(2);
  afterAll(() => threads.close());

  it.each(cases)('grow the same trees as one thread (%s)', async (_, make, params) => {
    await threads.ready();
    expect(threads.size).toBe(2);
    const data = make();
    const serial = await fitJSON(data, params);
    expect(await fitJSON(data, params, threads)).toBe(serial);
    // Reusing the threads for a second fit hands them a new session.
    expect(await fitJSON(data, params, threads)).toBe(serial);
  });

  it('scan nodes alone once the shared histograms run out', async () => {
    await threads.ready();
    const random = seededRandom(9);
    const rows = 30_000;
    const cols = 12;
    const data = Float32Array.from({ length: rows * cols }, () => randomNormal(random));
    const binned = binMatrix({ rows, cols, data }, 255, seededRandom(1));
    const gradients = Float32Array.from(
      { length: rows },
      (_, r) => Math.sin(r) + (data[r * cols] as number),
    );
    const hessians = Float32Array.from({ length: rows }, (_, r) => 0.5 + 0.25 * Math.cos(r));
    const settings = { maxLeafNodes: 31, maxDepth: 0, minSamplesLeaf: 20, l2: 0, learningRate: 1 };
    const features = Int32Array.from({ length: cols }, (_, f) => f);
    const groups = Int32Array.of(0, 1, 2);
    const length = histogramLength(binned.offsets, cols);
    const constraints = splitConstraints(settings, false);
    const grow = (builder: HistogramBuilder) => {
      const grower = new TreeGrower(binned, settings, false, builder);
      const tree = grower.grow(gradients, hessians, null, rows, features, cols, groups, 3);
      builder.close();
      return tree;
    };
    const serial = grow(new SerialHistogramBuilder(binned, false, length, constraints));
    expect(serial.feature.length).toBe(61);
    for (const live of [0, 1, 3, 40]) {
      const shared = new SharedHistogramBuilder(binned, false, length, threads, constraints, live);
      expect(grow(shared)).toEqual(serial);
    }
  });

  it('leave the work to the training thread when a helper never shows up', async () => {
    const sessions: HistogramSession[] = [];
    const absent: HistogramHelpers = { size: 1, share: (session) => sessions.push(session) };
    const data = dataset(2, 40_000, 10);
    const serial = await fitJSON(data, { max_iter: 3 });
    expect(await fitJSON(data, { max_iter: 3 }, absent)).toBe(serial);
    expect(sessions).toHaveLength(1);
    // The fit stopped the session on its way out, so a helper that joins late returns at once
    // instead of waiting for jobs.
    serveHistogramJobs(sessions[0] as HistogramSession);
  });

  it('are skipped when the session cannot be shared with them', async () => {
    const failing: HistogramHelpers = {
      size: 1,
      share: () => {
        throw new Error('no shared memory here');
      },
    };
    const data = dataset(2);
    const serial = await fitJSON(data, { max_iter: 2 });
    expect(await fitJSON(data, { max_iter: 2 }, failing)).toBe(serial);
  });

  it('are not used for small data', async () => {
    const sessions: HistogramSession[] = [];
    const counting: HistogramHelpers = { size: 1, share: (session) => sessions.push(session) };
    const random = seededRandom(1);
    const x = { rows: 200, cols: 4, data: Float32Array.from({ length: 800 }, () => random()) };
    const y = Int32Array.from({ length: 200 }, (_, r) => ((x.data[4 * r] as number) > 0.5 ? 1 : 0));
    await fitJSON({ x, target: { task: 'classification', classes: ['a', 'b'], y } }, {}, counting);
    expect(sessions).toHaveLength(0);
  });
});

describe('gbdt histogram helpers that stall', () => {
  it('have their tasks taken back, so the fit neither waits for them nor changes', async () => {
    const worker = new Worker(new URL('./gbdt-stalled-helper.mjs', import.meta.url));
    const messages: unknown[] = [];
    let received = () => {};
    worker.on('message', (message) => {
      messages.push(message);
      received();
    });
    const nextMessage = () =>
      new Promise<unknown>((resolve) => {
        const take = () => (messages.length > 0 ? resolve(messages.shift()) : (received = take));
        take();
      });
    // A thread that has not started yet cannot get in the way; wait until it is listening.
    expect(await nextMessage()).toBe('ready');
    const claimed = nextMessage();
    const stalled: HistogramHelpers = {
      size: 1,
      share: (session) => worker.postMessage({ session, protocol: CLAIM_PROTOCOL }),
    };
    try {
      const data = dataset(2, 40_000, 10);
      const serial = await fitJSON(data, { max_iter: 3 });
      expect(await fitJSON(data, { max_iter: 3 }, stalled)).toBe(serial);
      // The helper did get in the way: it claimed tasks that were then built without it.
      expect(await claimed).toBeGreaterThan(0);
    } finally {
      await worker.terminate();
    }
  });
});
