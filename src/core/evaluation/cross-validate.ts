import { checkCancelled, TrainingError, yieldToEventLoop } from '../errors/training-error';
import type { Split } from './split';

export type FoldScores = Readonly<Record<string, number>>;

export interface FoldContext {
  /** 0-based. */
  readonly fold: number;
  readonly folds: number;
  readonly signal?: AbortSignal;
}

export interface CrossValidationProgress {
  /** Folds finished so far, counting from 1. */
  readonly fold: number;
  readonly folds: number;
  readonly scores: FoldScores;
}

export interface CrossValidationResult {
  readonly folds: readonly FoldScores[];
  readonly mean: Readonly<Record<string, number>>;
  /** Population standard deviation over folds (numpy's default, as in sklearn's summaries). */
  readonly std: Readonly<Record<string, number>>;
}

export interface CrossValidateOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CrossValidationProgress) => void;
}

/**
 * Runs `fitAndScore` on each split in turn and summarises every metric it returns. A metric that
 * a fold leaves out, or scores NaN, makes its mean and deviation NaN: a gap is never averaged away.
 */
export async function crossValidate(
  fitAndScore: (split: Split, context: FoldContext) => FoldScores | Promise<FoldScores>,
  splits: readonly Split[],
  options: CrossValidateOptions = {},
): Promise<CrossValidationResult> {
  if (splits.length === 0) {
    throw new TrainingError('invalid-input', 'Cross-validation needs at least one split.');
  }
  const { signal, onProgress } = options;
  const folds: FoldScores[] = [];
  for (const [fold, split] of splits.entries()) {
    checkCancelled(signal);
    const scores = { ...(await fitAndScore(split, { fold, folds: splits.length, signal })) };
    folds.push(scores);
    onProgress?.({ fold: fold + 1, folds: splits.length, scores });
    await yieldToEventLoop();
  }
  checkCancelled(signal);
  const names = [...new Set(folds.flatMap((scores) => Object.keys(scores)))];
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const name of names) {
    const values = folds.map((scores) => scores[name] ?? NaN);
    const average = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance =
      values.reduce((sum, value) => sum + (value - average) * (value - average), 0) / values.length;
    mean[name] = average;
    std[name] = Math.sqrt(variance);
  }
  return { folds, mean, std };
}
