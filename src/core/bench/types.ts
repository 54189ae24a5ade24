import type { BackendName } from '../backend/tfjs';

export type BenchmarkStep = 'setup' | 'matmul' | 'training';

/** What a single measurement needs from its surroundings; nothing is reached for globally. */
export interface MeasureContext {
  /** Milliseconds from any fixed origin, e.g. `performance.now`. */
  now: () => number;
  signal?: AbortSignal;
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
  samplesPerSecond: number;
  firstLoss: number;
  lastLoss: number;
}

export interface BenchmarkPlan {
  matmul: MatmulPlan;
  training: TrainingPlan;
}

export type BackendBenchmark =
  | { backend: BackendName; ok: true; matmul: MatmulResult; training: TrainingResult }
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
