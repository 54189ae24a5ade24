import { LEARNER_CATALOG } from '../catalog';
import type { Estimator, Learner } from '../types';
import { GbdtEstimator, parseGbdtJSON, type GbdtTrees } from './model';
import type { GbdtParams } from './params';
import { fitGbdt } from './train';

export { HELPER_CELLS, fitGbdt, type GbdtFitContext } from './train';
export { serveHistogramJobs, type HistogramHelpers, type HistogramSession } from './histogram-team';

export type { GbdtParams, EarlyStopping } from './params';
export { defaultGbdtParams, gbdtParamInfo } from './params';
export type { GbdtJSON, GbdtLink, GbdtTrees } from './model';
export type { TreeArrays } from './forest';

/**
 * Histogram gradient-boosted trees (after scikit-learn's HistGradientBoosting and LightGBM):
 * quantile-binned features with a bin for missing values, leaf-wise growth, and squared-error,
 * log-loss or softmax objectives.
 */
export const gbdt: Learner<GbdtParams> = {
  ...LEARNER_CATALOG.gbdt,
  fit: fitGbdt,
  fromJSON: parseGbdtJSON,
};

/** The fitted trees of a gbdt estimator as plain arrays, for exporters such as ONNX. */
export function gbdtTrees(estimator: Estimator): GbdtTrees {
  if (!(estimator instanceof GbdtEstimator)) {
    throw new Error(`gbdtTrees needs a gbdt estimator, got ${estimator.learner}.`);
  }
  return estimator.trees();
}
