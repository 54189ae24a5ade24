/** The finite values of a column, sorted ascending (missing and infinite values left out). */
export function sortedFinite(values: Float64Array): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i] as number)) count++;
  const out = new Float64Array(count);
  let next = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isFinite(value)) out[next++] = value;
  }
  return out.sort();
}

/** numpy's default (linear) percentile of sorted values, `q` in [0, 1]; NaN when empty. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  const t = position - below;
  return t === 0 ? low : low + (high - low) * t;
}

/** The most frequent of sorted values; the smallest one on ties (as scikit-learn picks). */
export function modeSorted(sorted: Float64Array): number {
  let best = NaN;
  let bestCount = 0;
  for (let start = 0; start < sorted.length;) {
    const value = sorted[start] as number;
    let end = start + 1;
    while (end < sorted.length && sorted[end] === value) end++;
    if (end - start > bestCount) {
      best = value;
      bestCount = end - start;
    }
    start = end;
  }
  return best;
}

/** Mean and population variance of the finite values (two-pass with a rounding correction). */
export function meanAndVariance(values: Float64Array): {
  mean: number;
  variance: number;
  count: number;
} {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isFinite(value)) {
      sum += value;
      count++;
    }
  }
  if (count === 0) return { mean: NaN, variance: NaN, count };
  const mean = sum / count;
  let squares = 0;
  let residual = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isFinite(value)) {
      const diff = value - mean;
      squares += diff * diff;
      residual += diff;
    }
  }
  return { mean, variance: (squares - (residual * residual) / count) / count, count };
}
