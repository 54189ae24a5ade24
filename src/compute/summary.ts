import { BACKEND_LABELS } from '../core/backend/names';
import type { BackendBenchmark, BenchmarkReport } from '../core/bench/types';

type Finished = Extract<BackendBenchmark, { ok: true }>;

/** One sentence a student can act on, or undefined when no backend finished. */
export function recommendation(report: BenchmarkReport): string | undefined {
  const finished = report.results
    .filter((result): result is Finished => result.ok)
    .sort((a, b) => b.training.samplesPerSecond - a.training.samplesPerSecond);
  const [best, runnerUp] = finished;
  if (!best) return undefined;
  const sentence = `This device trains fastest on ${BACKEND_LABELS[best.backend]}`;
  if (!runnerUp) return `${sentence}.`;
  const ratio = best.training.samplesPerSecond / runnerUp.training.samplesPerSecond;
  return `${sentence} (${ratio.toFixed(1)}× ${BACKEND_LABELS[runnerUp.backend]}, the next best).`;
}
