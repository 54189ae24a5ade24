/**
 * Picks at most `maxPoints` indices of a series for drawing: the first and the last point, and
 * from each of equal-sized buckets in between the point with the smallest and the one with the
 * largest value, in their original order. Spikes and the series' extremes survive (unlike
 * averaging or striding); a bucket holding only NaN keeps one NaN so a chart shows the gap.
 */
export function minMaxIndices(values: ArrayLike<number>, maxPoints: number): Int32Array {
  const n = values.length;
  const limit = Math.max(4, Math.floor(maxPoints));
  if (n <= limit) return Int32Array.from({ length: n }, (_, i) => i);
  const buckets = Math.floor((limit - 2) / 2);
  const interior = n - 2;
  const kept = new Int32Array(2 + buckets * 2);
  let count = 0;
  kept[count++] = 0;
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = 1 + Math.floor((bucket * interior) / buckets);
    const end = 1 + Math.floor(((bucket + 1) * interior) / buckets);
    let minIndex = -1;
    let maxIndex = -1;
    let min = Infinity;
    let max = -Infinity;
    for (let i = start; i < end; i++) {
      const value = values[i] as number;
      if (value < min) {
        min = value;
        minIndex = i;
      }
      if (value > max) {
        max = value;
        maxIndex = i;
      }
    }
    if (minIndex < 0) {
      if (end > start) kept[count++] = start;
      continue;
    }
    const first = Math.min(minIndex, maxIndex);
    const second = Math.max(minIndex, maxIndex);
    kept[count++] = first;
    if (second !== first) kept[count++] = second;
  }
  kept[count++] = n - 1;
  return kept.slice(0, count);
}

/** Copies the picked indices out of a column. */
export function pick(values: ArrayLike<number>, indices: Int32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i] as number] as number;
  return out;
}
