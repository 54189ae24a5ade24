import type { BackendName, BackendStatus } from '../backend/names';
import type { Tf } from '../backend/tfjs';
import { errorMessage } from '../backend/probe';
import { benchmarkMatmul } from './matmul';
import { DEFAULT_PLAN } from './plan';
import { fastestBackend } from './recommend';
import { benchmarkTraining } from './training';
import type {
  BackendBenchmark,
  BenchmarkPlan,
  BenchmarkProgress,
  BenchmarkReport,
  BenchmarkStep,
} from './types';

export interface SuiteOptions {
  tf: Tf;
  backends: readonly BackendName[];
  /** Makes a backend the active one, or says why it cannot be. */
  activate: (backend: BackendName) => Promise<BackendStatus>;
  now: () => number;
  signal?: AbortSignal;
  pause?: () => Promise<void>;
  onProgress?: (progress: BenchmarkProgress) => void;
  plan?: BenchmarkPlan;
}

/** Share of one backend's progress bar given to each step. */
const STEP_SPAN: Readonly<Record<BenchmarkStep, [start: number, width: number]>> = {
  setup: [0, 0.05],
  matmul: [0.05, 0.35],
  training: [0.4, 0.6],
};

/**
 * Runs the matrix-product and training measurements on each backend in turn. A backend that
 * cannot start or fails midway gets a row with its reason; the others still run.
 */
export async function runBenchmarks(options: SuiteOptions): Promise<BenchmarkReport> {
  const { tf, backends, now, signal, pause } = options;
  const plan = options.plan ?? DEFAULT_PLAN;
  const results: BackendBenchmark[] = [];
  for (const [backendIndex, backend] of backends.entries()) {
    const report = (step: BenchmarkStep, stepFraction: number) => {
      const [start, width] = STEP_SPAN[step];
      const fraction = (backendIndex + start + width * stepFraction) / backends.length;
      options.onProgress?.({
        backend,
        backendIndex,
        backendCount: backends.length,
        step,
        fraction,
      });
    };
    signal?.throwIfAborted();
    report('setup', 0);
    await pause?.();
    const start = now();
    const status = await options.activate(backend);
    if (!status.available) {
      results.push({ backend, ok: false, reason: status.reason });
      continue;
    }
    try {
      const matmul = await benchmarkMatmul(tf, plan.matmul, {
        now,
        signal,
        pause,
        onProgress: (fraction) => report('matmul', fraction),
      });
      const training = await benchmarkTraining(tf, plan.training, {
        now,
        signal,
        pause,
        onProgress: (fraction) => report('training', fraction),
      });
      results.push({ backend, ok: true, matmul, training, elapsedMs: now() - start });
    } catch (error) {
      if (signal?.aborted) throw error;
      results.push({ backend, ok: false, reason: errorMessage(error) });
    }
  }
  return { results, fastest: fastestBackend(results) };
}
