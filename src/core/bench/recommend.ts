import type { BackendName } from '../backend/names';
import type { BackendBenchmark } from './types';

/** The backend with the highest training throughput among those that finished. */
export function fastestBackend(results: readonly BackendBenchmark[]): BackendName | undefined {
  let best: { backend: BackendName; samplesPerSecond: number } | undefined;
  for (const result of results) {
    if (!result.ok || !Number.isFinite(result.training.samplesPerSecond)) continue;
    if (!best || result.training.samplesPerSecond > best.samplesPerSecond) {
      best = { backend: result.backend, samplesPerSecond: result.training.samplesPerSecond };
    }
  }
  return best?.backend;
}
