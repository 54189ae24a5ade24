import { afterEach, describe, expect, it } from 'vitest';
import {
  createComputeClient,
  defaultPoolSize,
  type ComputeClient,
} from '../../../src/compute/client';
import { createPool } from '../../../src/compute/pool';
import { createComputeService } from '../../../src/compute/service';
import { inProcessEndpoint } from '../../../src/compute/in-process';
import type { BenchmarkProgress, ComputeApi } from '../../../src/compute/api';
import { SMOKE_PLAN } from '../../../src/core/bench/plan';
import { isJobError } from '../../../src/compute/errors';

let clock = 0;
const now = () => (clock += 1);

let client: ComputeClient | undefined;

function computeClient(): ComputeClient {
  const pool = createPool<ComputeApi>({
    spawn: () => inProcessEndpoint(createComputeService({ now })),
    size: 1,
    idleTimeoutMs: 60_000,
  });
  client = createComputeClient(pool);
  return client;
}

afterEach(() => client?.close());

describe('compute client over an in-process worker', () => {
  it('reports the backends of this device with reasons', async () => {
    const info = await computeClient().deviceInfo();
    expect(info.defaultBackend).toBe('wasm');
    expect(info.backends.map((status) => [status.backend, status.available])).toEqual([
      ['webgpu', false],
      ['webgl', false],
      ['wasm', true],
      ['cpu', true],
    ]);
    const webgpu = info.backends[0];
    expect(webgpu?.available === false && webgpu.reason).toMatch(/^WebGPU: /);
    expect(info.webgpu).toBeUndefined();
    expect(info.wasmSimd).toBe(true);
  });

  it('benchmarks the asked backends and streams progress', async () => {
    const progress: BenchmarkProgress[] = [];
    const report = await computeClient().benchmark({
      backends: ['wasm', 'cpu'],
      plan: SMOKE_PLAN,
      onProgress: (event) => progress.push(event),
    });
    expect(report.results.map((result) => [result.backend, result.ok])).toEqual([
      ['wasm', true],
      ['cpu', true],
    ]);
    for (const result of report.results) {
      if (!result.ok) continue;
      expect(result.matmul.gflops).toBeGreaterThan(0);
      expect(result.training.samplesPerSecond).toBeGreaterThan(0);
    }
    expect(report.fastest).toBeDefined();
    expect(progress.some((event) => event.backend === 'cpu' && event.step === 'training')).toBe(
      true,
    );
  });

  it('cancels a running benchmark and stays usable', async () => {
    const compute = computeClient();
    const controller = new AbortController();
    const running = compute.benchmark({
      backends: ['cpu'],
      plan: {
        ...SMOKE_PLAN,
        training: { ...SMOKE_PLAN.training, steps: 100_000, minSteps: 100_000 },
      },
      signal: controller.signal,
      onProgress: (event) => {
        if (event.step === 'training') controller.abort();
      },
    });
    const error = await running.catch((reason: unknown) => reason);
    expect(isJobError(error, 'cancelled')).toBe(true);
    const info = await compute.deviceInfo();
    expect(info.defaultBackend).toBe('wasm');
  });
});

describe('pool size', () => {
  it('leaves a core to the page and caps at four workers', () => {
    expect(defaultPoolSize(undefined)).toBe(1);
    expect(defaultPoolSize(2)).toBe(1);
    expect(defaultPoolSize(4)).toBe(3);
    expect(defaultPoolSize(32)).toBe(4);
  });
});
