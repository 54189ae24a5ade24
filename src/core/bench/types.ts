import type { BackendName } from '../backend/names';

export type BenchmarkStep = 'setup' | 'matmul' | 'training';

/** What a single measurement needs from its surroundings; nothing is reached for globally. */
export interface MeasureContext {
  /** Milliseconds from any fixed origin, e.g. `performance.now`. */
  now: () => number;
  signal?: AbortSignal;
  /** Yields to the thread's event loop (a macrotask), so that messages can be handled. */
  pause?: () => Promise<void>;
  /** Fraction of this measurement done, from 0 to 1. */
  onProgress?: (fraction: number) => void;
}

export interface MatmulPlan {
  /** Square sizes tried in order; the next is tried only while one product takes < growBelowMs. */
  sizes: readonly number[];
  reps: number;
  growBelowMs: number;
}

export interface MatmulResult {
  size: number;
  reps: number;
  msPerProduct: number;
  gflops: number;
}

export interface TrainingPlan {
  inputs: number;
  hidden: readonly number[];
  classes: number;
  batchSize: number;
  warmupSteps: number;
  /** Timed steps; fewer are run once budgetMs is spent, but never fewer than minSteps. */
  steps: number;
  minSteps: number;
  budgetMs: number;
  learningRate: number;
  seed: number;
}

export interface TrainingResult {
  steps: number;
  batchSize: number;
  msPerStep: number;
  /** The untimed first steps; on GPUs mostly shader compilation. */
  warmupMs: number;
  samplesPerSecond: number;
  firstLoss: number;
  lastLoss: number;
}

export interface BenchmarkPlan {
  matmul: MatmulPlan;
  training: TrainingPlan;
}

export type BackendBenchmark =
  | {
      backend: BackendName;
      ok: true;
      matmul: MatmulResult;
      training: TrainingResult;
      /** Wall time for this backend, initialisation and warm-up included. */
      elapsedMs: number;
    }
  | { backend: BackendName; ok: false; reason: string };

export interface BenchmarkProgress {
  backend: BackendName;
  backendIndex: number;
  backendCount: number;
  step: BenchmarkStep;
  /** Fraction of the whole benchmark (all backends) done, from 0 to 1. */
  fraction: number;
}

export interface BenchmarkReport {
  results: BackendBenchmark[];
  /** The backend that trained fastest, if any backend finished. */
  fastest?: BackendName;
}
