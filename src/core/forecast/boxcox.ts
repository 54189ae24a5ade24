/**
 * The Box–Cox power transform as R's forecast package applies it: (sign(y)|y|^λ − 1)/λ, log for
 * λ = 0, with Guerrero's method to choose λ and an optional bias adjustment on the way back.
 */
import { brentMinimize } from './optim';

/** Transforms one value; NaN where R gives NA (negative values when λ < 0). */
export function boxCoxValue(value: number, lambda: number): number {
  if (lambda < 0 && value < 0) return NaN;
  if (lambda === 0) return Math.log(value);
  return (Math.sign(value) * Math.pow(Math.abs(value), lambda) - 1) / lambda;
}

export function boxCox(y: ArrayLike<number>, lambda: number): Float64Array {
  return Float64Array.from(y, (value) => boxCoxValue(value, lambda));
}

/**
 * The inverse transform. With `variance` (the forecast variance on the transformed scale) the
 * result is the bias-adjusted mean rather than the median: out·(1 + ½σ²(1 − λ)/out^(2λ)).
 */
export function invBoxCox(value: number, lambda: number, variance?: number): number {
  if (lambda < 0 && value > -1 / lambda) return NaN;
  let out: number;
  if (lambda === 0) out = Math.exp(value);
  else {
    const base = value * lambda + 1;
    out = Math.sign(base) * Math.pow(Math.abs(base), 1 / lambda);
  }
  if (variance !== undefined) {
    out *= 1 + (0.5 * variance * (1 - lambda)) / Math.pow(out, 2 * lambda);
  }
  return out;
}

function meanAndSd(values: Float64Array): { mean: number; sd: number } {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    sum += value;
    count++;
  }
  const mean = sum / count;
  let squares = 0;
  for (const value of values) if (!Number.isNaN(value)) squares += (value - mean) ** 2;
  return { mean, sd: Math.sqrt(squares / (count - 1)) };
}

/**
 * Guerrero's (1993) coefficient of variation of sd/mean^(1−λ) across consecutive subseries of
 * one seasonal period (at least 2), R's `guer.cv`.
 */
function guerreroCv(lambda: number, y: ArrayLike<number>, period: number): number {
  const n = y.length;
  const years = Math.floor(n / period);
  const start = n - years * period;
  const ratios = new Float64Array(years);
  const block = new Float64Array(period);
  for (let k = 0; k < years; k++) {
    for (let i = 0; i < period; i++) block[i] = y[start + k * period + i]!;
    const { mean, sd } = meanAndSd(block);
    ratios[k] = sd / Math.pow(mean, 1 - lambda);
  }
  const { mean, sd } = meanAndSd(ratios);
  return sd / mean;
}

/**
 * R's `BoxCox.lambda(y, method = "guerrero")`: the λ in [lower, upper] minimising Guerrero's
 * criterion (lower raised to 0 for data with non-positive values), or 1 when the series holds no
 * more than two seasonal periods.
 */
export function boxCoxLambda(y: ArrayLike<number>, period: number, lower = -1, upper = 2): number {
  let low = lower;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! <= 0) {
      low = Math.max(low, 0);
      break;
    }
  }
  if (y.length <= 2 * period) return 1;
  const blocks = Math.round(Math.max(2, period));
  return brentMinimize((lambda) => guerreroCv(lambda, y, blocks), low, upper);
}

/** A model's label with the Box-Cox λ it forecasts through, when it uses one. */
export const withLambda = (label: string, lambda: number | null) =>
  lambda === null ? label : `${label}, Box-Cox λ=${Number(lambda.toFixed(3))}`;
