import { STRIDE } from './histogram';

export interface SplitConstraints {
  readonly l2: number;
  readonly minSamplesLeaf: number;
  readonly minHessian: number;
  /** 1 to read hessian sums from the histogram, 2 to read counts (constant unit hessian). */
  readonly hessianSlot: 1 | 2;
}

/** The best split of a node; `gain <= 0` means none was found. */
export class SplitChoice {
  gain = 0;
  feature = -1;
  /** Real bins `0 … bin` go left. */
  bin = 0;
  missingLeft = false;
  leftGradient = 0;
  leftHessian = 0;
  leftCount = 0;
}

/**
 * Scans every candidate feature's bins once, trying each threshold with the missing-value bin sent
 * right and, when the node has missing values, sent left, and keeps the split with the largest
 * gain `GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ)` among those leaving `minSamplesLeaf` rows and
 * `minHessian` hessian on each side. Ties keep the first candidate, so results are deterministic.
 */
export function findBestSplit(
  histogram: Float64Array,
  gradient: number,
  hessian: number,
  count: number,
  features: Int32Array,
  featureCount: number,
  offsets: Int32Array,
  missingBin: Uint8Array,
  constraints: SplitConstraints,
  best: SplitChoice,
) {
  const { l2, minSamplesLeaf, minHessian, hessianSlot } = constraints;
  const parentScore = (gradient * gradient) / (hessian + l2);
  // The best candidate lives in locals while scanning and is written to `best` once at the end.
  let bestGain = 0;
  let bestFeature = -1;
  let bestBin = 0;
  let bestMissingLeft = false;
  let bestGradient = 0;
  let bestHessian = 0;
  let bestCount = 0;
  for (let k = 0; k < featureCount; k++) {
    const feature = features[k] as number;
    const base = (offsets[feature] as number) * STRIDE;
    const realBins = missingBin[feature] as number;
    const missing = base + realBins * STRIDE;
    const missingGradient = histogram[missing] as number;
    const missingHessian = histogram[missing + hessianSlot] as number;
    const missingCount = histogram[missing + 2] as number;
    const hasMissing = missingCount > 0;
    const lastBin = hasMissing ? realBins - 1 : realBins - 2;
    let leftGradient = 0;
    let leftHessian = 0;
    let leftCount = 0;
    for (let bin = 0; bin <= lastBin; bin++) {
      const at = base + bin * STRIDE;
      const binCount = histogram[at + 2] as number;
      // An empty bin repeats the previous candidates exactly, and ties keep the first anyway.
      if (binCount === 0) continue;
      leftGradient += histogram[at] as number;
      leftHessian += histogram[at + hessianSlot] as number;
      leftCount += binCount;
      const rightCount = count - leftCount;
      // Both candidates below send at least the rows right of `bin` right, and that only shrinks.
      if (rightCount < minSamplesLeaf) break;

      const rightHessian = hessian - leftHessian;
      if (leftCount >= minSamplesLeaf && leftHessian >= minHessian && rightHessian >= minHessian) {
        const rightGradient = gradient - leftGradient;
        const gain =
          (leftGradient * leftGradient) / (leftHessian + l2) +
          (rightGradient * rightGradient) / (rightHessian + l2) -
          parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = feature;
          bestBin = bin;
          bestMissingLeft = false;
          bestGradient = leftGradient;
          bestHessian = leftHessian;
          bestCount = leftCount;
        }
      }

      if (hasMissing && bin < realBins - 1) {
        const withMissingCount = leftCount + missingCount;
        const withMissingHessian = leftHessian + missingHessian;
        const otherHessian = hessian - withMissingHessian;
        if (
          withMissingCount >= minSamplesLeaf &&
          count - withMissingCount >= minSamplesLeaf &&
          withMissingHessian >= minHessian &&
          otherHessian >= minHessian
        ) {
          const withMissingGradient = leftGradient + missingGradient;
          const otherGradient = gradient - withMissingGradient;
          const gain =
            (withMissingGradient * withMissingGradient) / (withMissingHessian + l2) +
            (otherGradient * otherGradient) / (otherHessian + l2) -
            parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = feature;
            bestBin = bin;
            bestMissingLeft = true;
            bestGradient = withMissingGradient;
            bestHessian = withMissingHessian;
            bestCount = withMissingCount;
          }
        }
      }
    }
  }
  best.gain = bestGain;
  best.feature = bestFeature;
  best.bin = bestBin;
  best.missingLeft = bestMissingLeft;
  best.leftGradient = bestGradient;
  best.leftHessian = bestHessian;
  best.leftCount = bestCount;
}
