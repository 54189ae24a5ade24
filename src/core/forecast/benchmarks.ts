import type { Fold } from './backtest';

/**
 * The variance of the mean of the fold-wise score differences, relative to their sample
 * variance: `Var(mean) = factor · s²`. Infinite when the folds test too nearly the same steps for
 * their spread to say anything.
 *
 * Rolling-origin folds a fraction of the horizon apart share most of their test steps, so their
 * differences are correlated: their sample variance understates the variance of one fold's
 * difference, and their mean varies more than that of independent folds. Modelled as the mean of
 * independent per-step differences over each fold's test window, fold f's difference has variance
 * σ²/h_f and covariance σ²·o_fg/(h_f·h_g) with fold g, where o_fg is the number of steps both
 * test. With W_fg = o_fg/(h_f·h_g), S = Σ_fg W_fg and T = Σ_f W_ff over F folds:
 *   E[s²] = σ² (T − S/F) / (F − 1)   and   Var(mean) = σ² S / F²,
 * which gives the factor (F − 1)·S / (F·(F·T − S)). Disjoint folds give 1/F, the usual squared
 * standard error; eight folds a quarter horizon apart give 1/1.57 (as if 1.6 independent folds
 * with their variance underestimated by a third). Per-step differences that are themselves
 * correlated, as multi-step errors from one origin are, make the folds more alike still, so this
 * is the least the overlap costs.
 */
export function overlapVarianceFactor(folds: readonly Fold[]): number {
  const count = folds.length;
  if (count < 2) return Infinity;
  let total = 0;
  let diagonal = 0;
  for (let f = 0; f < count; f++) {
    const a = folds[f]!;
    for (let g = 0; g < count; g++) {
      const b = folds[g]!;
      const shared =
        Math.min(a.origin + a.horizon, b.origin + b.horizon) - Math.max(a.origin, b.origin);
      if (shared <= 0) continue;
      const weight = shared / (a.horizon * b.horizon);
      total += weight;
      if (f === g) diagonal += weight;
    }
  }
  const spread = count * diagonal - total;
  // Identical windows (spread 0, up to rounding) leave the variance of their mean unidentified.
  if (!(spread > 1e-12 * total)) return Infinity;
  return ((count - 1) * total) / (count * spread);
}

/**
 * Whether the folds lie within one horizon of each other (their first and last cut-offs less
 * than a horizon apart): they then test nearly the same steps, and their spread says nothing of
 * how a difference between two models varies.
 */
export function foldsTooAlike(folds: readonly Fold[]): boolean {
  const first = folds[0];
  if (!first) return true;
  return folds.at(-1)!.origin - first.origin < Math.max(1, first.horizon);
}

/**
 * Whether a model's fold scores beat the benchmark's by more than one standard error of the mean
 * fold-wise difference (Breiman's one-standard-error rule), the standard error allowing for the
 * test steps the folds share (overlapVarianceFactor). On a short series or a short span of folds
 * a model that won by chance then does not replace the benchmark outright: the search blends the
 * two instead, which bounds the loss when the win was noise and keeps much of the gain when not.
 * Folds spanning less than one horizon never make a clear win, however large: they test nearly
 * the same steps, so their spread says nothing of how the difference varies.
 */
export function clearlyBetter(
  scores: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  folds: readonly Fold[],
): boolean {
  const count = scores.length;
  if (count < 2 || count !== benchmark.length || count !== folds.length) return false;
  const differences = new Float64Array(count);
  let mean = 0;
  for (let f = 0; f < count; f++) {
    differences[f] = scores[f]! - benchmark[f]!;
    if (!Number.isFinite(differences[f]!)) return false;
    mean += differences[f]! / count;
  }
  if (foldsTooAlike(folds)) return false;
  let sumSquares = 0;
  for (let f = 0; f < count; f++) sumSquares += (differences[f]! - mean) ** 2;
  const factor = overlapVarianceFactor(folds);
  if (!Number.isFinite(factor)) return false;
  return mean + Math.sqrt((factor * sumSquares) / (count - 1)) < 0;
}

/**
 * When the backtest folds stop short of the horizon (a series barely longer than it), they test
 * the first steps only; a model is trusted over seasonal naive for the rest when its error over
 * those steps is at most this share of seasonal naive's. A smaller lead may not last to the steps
 * no fold tests, where a trend carried on from a short history errs most; a lead this large would
 * have to more than double its error there to be lost. Chosen on windows of four seasons
 * forecasting two ahead cut from 15 of R's seasonal series (39 windows, the forecast benchmark's
 * "short" set): 0.5 and 0.7 scored alike (held-out mean MASE 1.064 and 1.057 with a 10 s budget,
 * against 1.107 blending always); 1 let one more forecast fall behind seasonal naive's.
 */
export const SHORT_FOLDS_LEAD = 0.5;

/**
 * Whether a model's fold scores beat seasonal naive's by the lead that folds stopping short of
 * the horizon ask for (SHORT_FOLDS_LEAD): their mean at most that share of the benchmark's.
 */
export function farAhead(scores: ArrayLike<number>, benchmark: ArrayLike<number>): boolean {
  if (scores.length === 0 || scores.length !== benchmark.length) return false;
  let model = 0;
  let reference = 0;
  for (let f = 0; f < scores.length; f++) {
    model += scores[f]!;
    reference += benchmark[f]!;
  }
  return (
    Number.isFinite(model) && Number.isFinite(reference) && model <= SHORT_FOLDS_LEAD * reference
  );
}

/** What the benchmark check needs of a candidate: its trial and, for a blend, its members. */
export interface BenchmarkCandidate {
  readonly trial: number;
  readonly members?: readonly number[];
}

/**
 * The benchmarks the chosen model should be blended with: those it neither contains nor clearly
 * beats (`clear`). `benchmarks` run from the most to the least elaborate (the random walk with
 * drift before naive), and a benchmark chosen outright answers only to the simpler ones after it.
 * Every benchmark not clearly beaten joins the blend: a model that merely matches drift has not
 * shown that it beats no change either, and blending with drift alone would hedge against nothing.
 */
export function unbeatenBenchmarks<T extends BenchmarkCandidate>(
  best: T,
  benchmarks: readonly T[],
  clear: (benchmark: T) => boolean,
): T[] {
  const own = benchmarks.findIndex((benchmark) => benchmark.trial === best.trial);
  const contained = new Set(best.members ?? [best.trial]);
  return benchmarks
    .slice(own + 1)
    .filter((benchmark) => !contained.has(benchmark.trial) && !clear(benchmark));
}
