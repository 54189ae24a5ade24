import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend, type BackendName } from '../../../src/core/backend/tfjs';
import {
  benchmarkMatmul,
  benchmarkTraining,
  fastestBackend,
  runBenchmarks,
  SMOKE_PLAN,
  type BenchmarkProgress,
} from '../../../src/core/bench';

/** A clock that advances one millisecond per reading, so every measurement is deterministic. */
function steppingClock(stepMs = 1) {
  let time = 0;
  return () => (time += stepMs);
}

beforeAll(async () => {
  expect((await useBackend('cpu')).available).toBe(true);
});

describe('device benchmark on the cpu backend', () => {
  it('measures matrix products and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const fractions: number[] = [];
    const result = await benchmarkMatmul(
      tf,
      { sizes: [16, 32], reps: 3, growBelowMs: 10 },
      { now: steppingClock(), onProgress: (fraction) => fractions.push(fraction) },
    );
    expect(result.size).toBe(32);
    expect(result.reps).toBe(3);
    expect(Number.isFinite(result.gflops) && result.gflops > 0).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops growing once a product is slow enough', async () => {
    const result = await benchmarkMatmul(
      tf,
      { sizes: [16, 32, 64], reps: 2, growBelowMs: 0 },
      { now: steppingClock() },
    );
    expect(result.size).toBe(16);
  });

  it('trains the MLP, lowers its loss and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const plan = { ...SMOKE_PLAN.training, steps: 40, learningRate: 0.01 };
    const result = await benchmarkTraining(tf, plan, { now: steppingClock() });
    expect(result.steps).toBe(40);
    expect(Number.isFinite(result.samplesPerSecond) && result.samplesPerSecond > 0).toBe(true);
    expect(result.lastLoss).toBeLessThan(result.firstLoss);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('spends no more than its budget once the minimum steps are done', async () => {
    const plan = { ...SMOKE_PLAN.training, steps: 100, minSteps: 2, budgetMs: 5 };
    const result = await benchmarkTraining(tf, plan, { now: steppingClock(5) });
    expect(result.steps).toBe(2);
  });

  it('is reproducible: the same seed gives the same losses', async () => {
    const run = () => benchmarkTraining(tf, SMOKE_PLAN.training, { now: steppingClock() });
    const [a, b] = [await run(), await run()];
    expect([a.firstLoss, a.lastLoss]).toEqual([b.firstLoss, b.lastLoss]);
  });

  it('lets its thread handle messages every 50 ms of measuring', async () => {
    let pauses = 0;
    const pause = async () => {
      pauses++;
    };
    const now = steppingClock(10);
    await benchmarkMatmul(tf, { sizes: [16], reps: 20, growBelowMs: 0 }, { now, pause });
    expect(pauses).toBeGreaterThanOrEqual(3);
  });

  it('stops when aborted and still frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const plan = { ...SMOKE_PLAN.training, steps: 1000, minSteps: 1000 };
    const running = benchmarkTraining(tf, plan, {
      now: steppingClock(),
      signal: controller.signal,
      onProgress: (fraction) => {
        if (fraction > 0.002) controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('benchmark suite', () => {
  it('runs each backend, reports unavailable ones and names the fastest', async () => {
    const progress: BenchmarkProgress[] = [];
    const activated: BackendName[] = [];
    const report = await runBenchmarks({
      tf,
      backends: ['webgpu', 'cpu'],
      activate: async (backend) => {
        activated.push(backend);
        return backend === 'cpu'
          ? { backend, available: true }
          : { backend, available: false, reason: 'WebGPU: no adapter' };
      },
      now: steppingClock(),
      onProgress: (event) => progress.push(event),
      plan: SMOKE_PLAN,
    });
    expect(activated).toEqual(['webgpu', 'cpu']);
    expect(report.results[0]).toEqual({
      backend: 'webgpu',
      ok: false,
      reason: 'WebGPU: no adapter',
    });
    expect(report.results[1]).toMatchObject({ backend: 'cpu', ok: true });
    expect(report.fastest).toBe('cpu');
    const fractions = progress.map((event) => event.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ backend: 'cpu', step: 'training', fraction: 1 });
  });

  it('picks the backend with the highest training throughput', () => {
    const training = (samplesPerSecond: number) => ({
      steps: 1,
      batchSize: 1,
      msPerStep: 1,
      warmupMs: 1,
      samplesPerSecond,
      firstLoss: 1,
      lastLoss: 1,
    });
    const matmul = { size: 1, reps: 1, msPerProduct: 1, gflops: 1 };
    expect(
      fastestBackend([
        { backend: 'webgl', ok: true, matmul, training: training(10_000), elapsedMs: 1 },
        { backend: 'webgpu', ok: false, reason: 'none' },
        { backend: 'wasm', ok: true, matmul, training: training(58_000), elapsedMs: 1 },
        { backend: 'cpu', ok: true, matmul, training: training(15_000), elapsedMs: 1 },
      ]),
    ).toBe('wasm');
    expect(fastestBackend([])).toBeUndefined();
  });
});
