/**
 * Classical decomposition by moving averages (R's `decompose`): the trend is a centred moving
 * average over one period (2×m for even m), the seasonal figure the mean detrended value at each
 * position of the cycle, normalised to sum to zero (additive) or average one (multiplicative).
 * Positions count from the first observation.
 */
export interface ClassicalDecomposition {
  readonly type: 'additive' | 'multiplicative';
  /** NaN for the first and last ⌊m/2⌋ values, where the moving average is not defined. */
  readonly trend: Float64Array;
  /** The seasonal figure repeated over the series. */
  readonly seasonal: Float64Array;
  /** One value per position in the cycle. */
  readonly figure: Float64Array;
}

export function decompose(
  y: Float64Array,
  period: number,
  type: 'additive' | 'multiplicative',
): ClassicalDecomposition {
  const n = y.length;
  const m = period;
  const trend = new Float64Array(n).fill(NaN);
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  for (let t = half; t < n - half; t++) {
    let sum = 0;
    if (even) {
      sum += 0.5 * (y[t - half]! + y[t + half]!);
      for (let k = -half + 1; k < half; k++) sum += y[t + k]!;
    } else {
      for (let k = -half; k <= half; k++) sum += y[t + k]!;
    }
    trend[t] = sum / m;
  }
  const figure = new Float64Array(m);
  const counts = new Int32Array(m);
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(trend[t]!)) continue;
    const detrended = type === 'additive' ? y[t]! - trend[t]! : y[t]! / trend[t]!;
    figure[t % m] = figure[t % m]! + detrended;
    counts[t % m]! += 1;
  }
  let total = 0;
  for (let i = 0; i < m; i++) {
    figure[i] = counts[i] ? figure[i]! / counts[i]! : type === 'additive' ? 0 : 1;
    total += figure[i]!;
  }
  const centre = total / m;
  for (let i = 0; i < m; i++) {
    figure[i] = type === 'additive' ? figure[i]! - centre : figure[i]! / centre;
  }
  const seasonal = new Float64Array(n);
  for (let t = 0; t < n; t++) seasonal[t] = figure[t % m]!;
  return { type, trend, seasonal, figure };
}
