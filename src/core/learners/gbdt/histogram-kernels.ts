/**
 * Per-bin sums for one node, interleaved as `[gradient, hessian, count]` so one bin's update touches
 * one cache line. Feature `f` occupies bins `offsets[f] … offsets[f + 1] - 1`. With a constant
 * hessian the hessian slot is left stale and split finding reads the count instead.
 */
export const STRIDE = 3;

/*
 * The unrolled inner loops of histogram building. Each reads the packed bin codes of one row
 * (one word per group of four features), adds its gradient (and hessian) to each feature's bin
 * and counts it. `bases[j]` is where feature `j` of the words starts in the histogram. The
 * "Counts" variants serve objectives with a constant hessian, whose hessian sum is the count.
 */

export function accumulate8(
  histogram: Float64Array,
  words: Uint32Array,
  rowIndex: Uint32Array,
  start: number,
  count: number,
  first: number,
  second: number,
  gradients: Float32Array,
  hessians: Float32Array,
  bases: Int32Array,
) {
  const base0 = bases[0] as number;
  const base1 = bases[1] as number;
  const base2 = bases[2] as number;
  const base3 = bases[3] as number;
  const base4 = bases[4] as number;
  const base5 = bases[5] as number;
  const base6 = bases[6] as number;
  const base7 = bases[7] as number;
  // Two rows per iteration give the processor independent updates to overlap.
  const pairs = count & ~1;
  let bin = 0;
  for (let i = 0; i < pairs; i += 2) {
    const row = rowIndex[start + i] as number;
    const next = rowIndex[start + i + 1] as number;
    const low = words[first + row] as number;
    const high = words[second + row] as number;
    const nextLow = words[first + next] as number;
    const nextHigh = words[second + next] as number;
    const g = gradients[i] as number;
    const nextG = gradients[i + 1] as number;
    const h = hessians[i] as number;
    const nextH = hessians[i + 1] as number;
    bin = base0 + (low & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base1 + ((low >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base2 + ((low >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base3 + (low >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base4 + (high & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base5 + ((high >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base6 + ((high >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base7 + (high >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base0 + (nextLow & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 1] = (histogram[bin + 1] as number) + nextH;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base1 + ((nextLow >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 1] = (histogram[bin + 1] as number) + nextH;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base2 + ((nextLow >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 1] = (histogram[bin + 1] as number) + nextH;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base3 + (nextLow >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 1] = (histogram[bin + 1] as number) + nextH;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base4 + (nextHigh & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 1] = (histogram[bin + 1] as number) + nextH;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base5 + ((nextHigh >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 1] = (histogram[bin + 1] as number) + nextH;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base6 + ((nextHigh >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 1] = (histogram[bin + 1] as number) + nextH;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base7 + (nextHigh >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 1] = (histogram[bin + 1] as number) + nextH;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
  }
  if (pairs < count) {
    const row = rowIndex[start + pairs] as number;
    const low = words[first + row] as number;
    const high = words[second + row] as number;
    const g = gradients[pairs] as number;
    const h = hessians[pairs] as number;
    bin = base0 + (low & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base1 + ((low >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base2 + ((low >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base3 + (low >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base4 + (high & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base5 + ((high >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base6 + ((high >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base7 + (high >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
  }
}

export function accumulateCounts8(
  histogram: Float64Array,
  words: Uint32Array,
  rowIndex: Uint32Array,
  start: number,
  count: number,
  first: number,
  second: number,
  gradients: Float32Array,
  bases: Int32Array,
) {
  const base0 = bases[0] as number;
  const base1 = bases[1] as number;
  const base2 = bases[2] as number;
  const base3 = bases[3] as number;
  const base4 = bases[4] as number;
  const base5 = bases[5] as number;
  const base6 = bases[6] as number;
  const base7 = bases[7] as number;
  // Two rows per iteration give the processor independent updates to overlap.
  const pairs = count & ~1;
  let bin = 0;
  for (let i = 0; i < pairs; i += 2) {
    const row = rowIndex[start + i] as number;
    const next = rowIndex[start + i + 1] as number;
    const low = words[first + row] as number;
    const high = words[second + row] as number;
    const nextLow = words[first + next] as number;
    const nextHigh = words[second + next] as number;
    const g = gradients[i] as number;
    const nextG = gradients[i + 1] as number;
    bin = base0 + (low & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base1 + ((low >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base2 + ((low >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base3 + (low >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base4 + (high & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base5 + ((high >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base6 + ((high >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base7 + (high >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base0 + (nextLow & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base1 + ((nextLow >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base2 + ((nextLow >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base3 + (nextLow >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base4 + (nextHigh & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base5 + ((nextHigh >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base6 + ((nextHigh >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base7 + (nextHigh >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + nextG;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
  }
  if (pairs < count) {
    const row = rowIndex[start + pairs] as number;
    const low = words[first + row] as number;
    const high = words[second + row] as number;
    const g = gradients[pairs] as number;
    bin = base0 + (low & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base1 + ((low >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base2 + ((low >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base3 + (low >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base4 + (high & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base5 + ((high >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base6 + ((high >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base7 + (high >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
  }
}

export function accumulate4(
  histogram: Float64Array,
  words: Uint32Array,
  rowIndex: Uint32Array,
  start: number,
  count: number,
  column: number,
  gradients: Float32Array,
  hessians: Float32Array,
  bases: Int32Array,
) {
  const base0 = bases[0] as number;
  const base1 = bases[1] as number;
  const base2 = bases[2] as number;
  const base3 = bases[3] as number;
  for (let i = 0; i < count; i++) {
    const low = words[column + (rowIndex[start + i] as number)] as number;
    const g = gradients[i] as number;
    const h = hessians[i] as number;
    let bin = 0;
    bin = base0 + (low & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base1 + ((low >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base2 + ((low >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base3 + (low >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 1] = (histogram[bin + 1] as number) + h;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
  }
}

export function accumulateCounts4(
  histogram: Float64Array,
  words: Uint32Array,
  rowIndex: Uint32Array,
  start: number,
  count: number,
  column: number,
  gradients: Float32Array,
  bases: Int32Array,
) {
  const base0 = bases[0] as number;
  const base1 = bases[1] as number;
  const base2 = bases[2] as number;
  const base3 = bases[3] as number;
  for (let i = 0; i < count; i++) {
    const low = words[column + (rowIndex[start + i] as number)] as number;
    const g = gradients[i] as number;
    let bin = 0;
    bin = base0 + (low & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base1 + ((low >>> 8) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base2 + ((low >>> 16) & 255) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
    bin = base3 + (low >>> 24) * STRIDE;
    histogram[bin] = (histogram[bin] as number) + g;
    histogram[bin + 2] = (histogram[bin + 2] as number) + 1;
  }
}
