import { proxy } from 'comlink';
import type {
  BackendName,
  BenchmarkPlan,
  BenchmarkProgress,
  BenchmarkReport,
  ComputeApi,
  DeviceInfo,
} from './api';
import { workerEndpoint } from './endpoint';
import { dispatchJobEvent, type JobEvent, type JobEventHandlers } from './events';
import { createPool, type Pool } from './pool';

export interface BenchmarkRequest extends JobEventHandlers<BenchmarkProgress> {
  /** Backends to measure, in this order; by default every available one. */
  backends?: BackendName[];
  plan?: BenchmarkPlan;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ComputeClient {
  deviceInfo(options?: { signal?: AbortSignal }): Promise<DeviceInfo>;
  benchmark(request?: BenchmarkRequest): Promise<BenchmarkReport>;
  close(): void;
}

const DEVICE_INFO_TIMEOUT_MS = 60_000;
const BENCHMARK_TIMEOUT_MS = 5 * 60_000;
const IDLE_TIMEOUT_MS = 60_000;

export function createComputeClient(pool: Pool<ComputeApi>): ComputeClient {
  return {
    deviceInfo: ({ signal } = {}) =>
      pool.run((api) => api.deviceInfo(), { signal, timeoutMs: DEVICE_INFO_TIMEOUT_MS }),
    benchmark(request = {}) {
      const { backends, plan, signal, timeoutMs = BENCHMARK_TIMEOUT_MS } = request;
      const events = proxy((event: JobEvent<BenchmarkProgress>) =>
        dispatchJobEvent(request, event),
      );
      return pool.run((api, jobId) => api.benchmark(jobId, { backends, plan }, events), {
        signal,
        timeoutMs,
      });
    },
    close: () => pool.close(),
  };
}

/** Leaves one core to the page, and never more than four workers. */
export const defaultPoolSize = (hardwareConcurrency?: number): number =>
  Math.max(1, Math.min(4, (hardwareConcurrency || 2) - 1));

function spawnComputeWorker() {
  const worker = new Worker(new URL('../../workers/compute.worker.ts', import.meta.url), {
    type: 'module',
    name: 'bunsen-compute',
  });
  return workerEndpoint(worker);
}

let shared: ComputeClient | undefined;

/** The page's compute client, backed by a pool of compute workers created on first use. */
export function getCompute(): ComputeClient {
  shared ??= createComputeClient(
    createPool<ComputeApi>({
      spawn: spawnComputeWorker,
      size: defaultPoolSize(globalThis.navigator?.hardwareConcurrency),
      idleTimeoutMs: IDLE_TIMEOUT_MS,
    }),
  );
  return shared;
}
