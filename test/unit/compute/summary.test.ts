import { describe, expect, it } from 'vitest';
import { recommendation } from '../../../src/compute/summary';
import type { BackendBenchmark } from '../../../src/core/bench/types';
import type { BackendName } from '../../../src/core/backend/names';

const finished = (backend: BackendName, samplesPerSecond: number): BackendBenchmark => ({
  backend,
  ok: true,
  matmul: { size: 256, reps: 5, msPerProduct: 1, gflops: 1 },
  training: {
    steps: 10,
    batchSize: 256,
    msPerStep: 1,
    warmupMs: 1,
    samplesPerSecond,
    firstLoss: 1,
    lastLoss: 1,
  },
  elapsedMs: 1000,
});

describe('benchmark recommendation', () => {
  it('names the fastest trainer and how far ahead it is', () => {
    const results = [finished('webgl', 10_000), finished('wasm', 57_000), finished('cpu', 15_000)];
    expect(recommendation({ results })).toBe(
      'This device trains fastest on WASM (3.8× CPU, the next best).',
    );
  });

  it('names a lone finisher and stays silent when none finished', () => {
    const failed: BackendBenchmark = { backend: 'webgpu', ok: false, reason: 'no adapter' };
    expect(recommendation({ results: [failed, finished('cpu', 15_000)] })).toBe(
      'This device trains fastest on CPU.',
    );
    expect(recommendation({ results: [failed] })).toBeUndefined();
  });
});
