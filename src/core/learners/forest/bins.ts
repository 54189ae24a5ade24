/** At most this many bins per feature, so that a bin code fits in a byte. */
export const MAX_BINS = 255;

/**
 * Features quantised into at most 255 bins each, computed once per forest. A feature with at most
 * 255 distinct values gets one bin per value, so its splits are exactly the exact-search ones;
 * otherwise bins hold roughly equal numbers of rows. `binMin`/`binMax` keep the smallest and largest
 * training value in each bin, so a split between two bins can put its threshold halfway between
 * real values, as an exact search would.
 */
export interface FeatureBins {
  /** Row-major bin codes, `codes[row * cols + feature]`, so one row's codes share a cache line. */
  readonly codes: Uint8Array;
  /** `binMin[feature * MAX_BINS + bin]`. */
  readonly binMin: Float32Array;
  readonly binMax: Float32Array;
  readonly binCount: Int32Array;
}

/** Bins the columns of a row-major matrix. */
export function binFeatures(data: Float32Array, rows: number, cols: number): FeatureBins {
  const codes = new Uint8Array(rows * cols);
  const binMin = new Float32Array(cols * MAX_BINS);
  const binMax = new Float32Array(cols * MAX_BINS);
  const binCount = new Int32Array(cols);
  const sorted = new Float32Array(rows);
  const distinct = new Float32Array(rows);
  const distinctCount = new Int32Array(rows);
  for (let f = 0; f < cols; f++) {
    for (let i = 0; i < rows; i++) sorted[i] = data[i * cols + f] as number;
    sorted.sort();
    let unique = 0;
    for (let i = 0; i < rows; i++) {
      const value = sorted[i] as number;
      if (unique > 0 && distinct[unique - 1] === value) {
        distinctCount[unique - 1] = (distinctCount[unique - 1] as number) + 1;
      } else {
        distinct[unique] = value;
        distinctCount[unique] = 1;
        unique++;
      }
    }
    const base = f * MAX_BINS;
    let bins = 0;
    if (unique <= MAX_BINS) {
      for (let u = 0; u < unique; u++) {
        binMin[base + u] = distinct[u] as number;
        binMax[base + u] = distinct[u] as number;
      }
      bins = unique;
    } else {
      // Close a bin once it reaches its share of the rows; a heavy value fills a bin by itself.
      const perBin = rows / MAX_BINS;
      let cumulative = 0;
      let open = true;
      for (let u = 0; u < unique; u++) {
        const value = distinct[u] as number;
        if (open) {
          binMin[base + bins] = value;
          open = false;
        }
        binMax[base + bins] = value;
        cumulative += distinctCount[u] as number;
        const remainingValues = unique - u - 1;
        const remainingBins = MAX_BINS - bins - 1;
        if (remainingBins === 0) continue;
        if (cumulative >= (bins + 1) * perBin || remainingValues <= remainingBins) {
          bins++;
          open = true;
        }
      }
      if (!open) bins++;
    }
    binCount[f] = bins;
    for (let i = 0; i < rows; i++) {
      const value = data[i * cols + f] as number;
      let low = 0;
      let high = bins - 1;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (value <= (binMax[base + middle] as number)) high = middle;
        else low = middle + 1;
      }
      codes[i * cols + f] = low;
    }
  }
  return { codes, binMin, binMax, binCount };
}

/**
 * A float32 threshold t with lower <= t < upper, halfway between them where float32 allows, so
 * that `x <= t` sends every value up to `lower` left and every value from `upper` right.
 */
export function thresholdBetween(lower: number, upper: number): number {
  const middle = Math.fround((lower + upper) / 2);
  return middle >= upper ? lower : middle;
}
