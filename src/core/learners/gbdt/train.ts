import { TrainingError, checkCancelled, yieldToEventLoop } from '../../errors/training-error';
import { takeRows } from '../matrix';
import type { FitContext, Matrix, Target } from '../types';
import { FEATURES_PER_WORD, binMatrix, wordGroups, type BinnedData } from './binning';
import { addTreePredictions, packForest } from './forest';
import {
  TreeGrower,
  addBinnedPredictions,
  liveHistograms,
  splitConstraints,
  type GrowerSettings,
  type GrownTree,
} from './grower';
import { histogramLength } from './histogram';
import { SerialHistogramBuilder, type HistogramBuilder } from './histogram-builder';
import { SharedHistogramBuilder, type HistogramHelpers } from './histogram-team';
import { binaryLogLoss, multinomialLogLoss, squaredError, type Objective } from './loss';
import { GbdtEstimator } from './model';
import { earlyStoppingEnabled, resolveGbdtParams, type GbdtParams } from './params';
import { holdOut, sampleFeatures, splitSample } from './sampling';
import { checkFeatures, checkSampleWeight, checkTarget, checkValidation } from './validate';

/** Histogram updates (rows × features) between two yields to the event loop: ~10 ms of work. */
const YIELD_WORK = 1 << 23;

/** Below this many binned values (rows × features) helper threads cost more than they save. */
export const HELPER_CELLS = 1 << 18;

export interface GbdtFitContext extends FitContext {
  /** Threads that share histogram building; results are identical with or without them. */
  readonly histogramHelpers?: HistogramHelpers;
}

function histogramBuilder(
  binned: BinnedData,
  constantHessian: boolean,
  settings: GrowerSettings,
  helpers: HistogramHelpers | undefined,
): HistogramBuilder {
  const length = histogramLength(binned.offsets, binned.cols);
  const constraints = splitConstraints(settings, constantHessian);
  const useHelpers =
    helpers !== undefined &&
    helpers.size > 0 &&
    typeof SharedArrayBuffer === 'function' &&
    binned.rows * binned.cols >= HELPER_CELLS;
  if (useHelpers) {
    try {
      return new SharedHistogramBuilder(
        binned,
        constantHessian,
        length,
        helpers,
        constraints,
        liveHistograms(settings),
      );
    } catch {
      // Helpers only save time (the trees are the same without them), so a platform that cannot
      // share memory with them trains on this thread alone.
    }
  }
  return new SerialHistogramBuilder(binned, constantHessian, length, constraints);
}

interface Labelled {
  readonly x: Matrix;
  readonly target: Target;
  readonly weights?: Float64Array;
}

function objectiveFor(target: Target, weights?: Float64Array): Objective {
  if (target.task === 'regression') return squaredError(target.y, weights);
  const classes = target.classes.length;
  return classes === 2
    ? binaryLogLoss(target.y, weights)
    : multinomialLogLoss(target.y, classes, weights);
}

function takeTarget(target: Target, rows: Uint32Array): Target {
  if (target.task === 'regression') {
    return { task: 'regression', y: Float64Array.from(rows, (r) => target.y[r] as number) };
  }
  return {
    task: 'classification',
    classes: target.classes,
    y: Int32Array.from(rows, (r) => target.y[r] as number),
  };
}

const takeWeights = (weights: Float64Array | undefined, rows: Uint32Array) =>
  weights ? Float64Array.from(rows, (r) => weights[r] as number) : undefined;

/** Writes the distinct word groups of the ascending `features` to `groups`; returns how many. */
function groupsOf(features: Int32Array, featureCount: number, groups: Int32Array) {
  let count = 0;
  for (let k = 0; k < featureCount; k++) {
    const group = Math.floor((features[k] as number) / FEATURES_PER_WORD);
    if (count === 0 || groups[count - 1] !== group) groups[count++] = group;
  }
  return count;
}

/**
 * scikit-learn's rule: stop when none of the last `patience` validation losses beat the one just
 * before them by more than `tol`.
 */
function shouldStop(losses: readonly number[], patience: number, tol: number) {
  if (losses.length < patience + 1) return false;
  const reference = (losses[losses.length - patience - 1] as number) - tol;
  for (let i = losses.length - patience; i < losses.length; i++) {
    if ((losses[i] as number) < reference) return false;
  }
  return true;
}

export async function fitGbdt(
  x: Matrix,
  target: Target,
  rawParams: Partial<GbdtParams>,
  context: GbdtFitContext,
): Promise<GbdtEstimator> {
  const { signal, rng: random, onProgress, sampleWeight } = context;
  checkCancelled(signal);
  const params = resolveGbdtParams(rawParams);
  checkFeatures(x);
  const distinct = checkTarget(target, x.rows);
  if (target.task === 'classification' && distinct < 2) {
    throw new TrainingError(
      'single-class',
      'Every training row has the same class, so there is nothing to tell apart.',
      'target',
    );
  }
  if (sampleWeight) checkSampleWeight(sampleWeight, x.rows);
  if (context.validation) checkValidation(context.validation, x, target);

  const earlyStopping = earlyStoppingEnabled(params.early_stopping, x.rows);
  let trainRows: Uint32Array | undefined;
  let validation: Labelled | undefined = context.validation;
  if (!validation && earlyStopping) {
    const labels = target.task === 'classification' ? target.y : undefined;
    const classCount = target.task === 'classification' ? target.classes.length : 1;
    const split = holdOut(random, x.rows, params.validation_fraction, labels, classCount);
    if (split.validation.length > 0) {
      trainRows = split.train;
      validation = {
        x: takeRows(x, split.validation),
        target: takeTarget(target, split.validation),
        weights: takeWeights(sampleWeight, split.validation),
      };
    }
  }
  const trainTarget = trainRows ? takeTarget(target, trainRows) : target;
  const trainWeights = trainRows ? takeWeights(sampleWeight, trainRows) : sampleWeight;

  const objective = objectiveFor(trainTarget, trainWeights);
  const validationObjective = validation
    ? objectiveFor(validation.target, validation.weights)
    : undefined;
  const binned = binMatrix(x, params.max_bins, random, trainRows);
  const rows = binned.rows;
  const cols = binned.cols;
  const slots = objective.treesPerIteration;
  const baseline = objective.baseline();

  const raw = new Float64Array(slots * rows);
  for (let k = 0; k < slots; k++) raw.fill(baseline[k] as number, k * rows, (k + 1) * rows);
  const gradients = new Float32Array(slots * rows);
  const hessians = new Float32Array(objective.constantHessian ? 0 : slots * rows);
  const validationRows = validation ? validation.x.rows : 0;
  const validationRaw = new Float64Array(slots * validationRows);
  for (let k = 0; k < slots; k++) {
    validationRaw.fill(baseline[k] as number, k * validationRows, (k + 1) * validationRows);
  }

  const sampleCount = Math.max(1, Math.min(rows, Math.round(params.subsample * rows)));
  const subsampling = sampleCount < rows;
  const inBag = new Uint32Array(subsampling ? sampleCount : 0);
  const outOfBag = new Uint32Array(rows - sampleCount);
  const featureCount = Math.max(1, Math.min(cols, Math.round(params.colsample * cols)));
  const features = Int32Array.from({ length: cols }, (_, f) => f);
  const featureScratch = new Int32Array(cols);
  const groups = Int32Array.from({ length: wordGroups(cols) }, (_, g) => g);
  let groupCount = groups.length;

  // Early stopping watches the validation loss, or the training loss when there is no validation set.
  const watchedLosses: number[] = [];
  // The training loss costs a logarithm per row, so it is computed only when someone reads it.
  const watchesTrainingLoss = earlyStopping && !validationObjective;
  const wantsLoss = Boolean(onProgress) || watchesTrainingLoss;
  const initialLoss = objective.gradients(raw, gradients, hessians, watchesTrainingLoss);
  if (earlyStopping) {
    watchedLosses.push(validationObjective ? validationObjective.loss(validationRaw) : initialLoss);
  }

  const trees: GrownTree[] = [];
  let iterations = 0;
  const settings: GrowerSettings = {
    maxLeafNodes: params.max_leaf_nodes,
    maxDepth: params.max_depth,
    minSamplesLeaf: params.min_samples_leaf,
    l2: params.l2_regularization,
    learningRate: params.learning_rate,
  };
  const histograms = histogramBuilder(
    binned,
    objective.constantHessian,
    settings,
    context.histogramHelpers,
  );
  try {
    const grower = new TreeGrower(binned, settings, objective.constantHessian, histograms);

    let work = 0;
    for (let iteration = 0; iteration < params.max_iter; iteration++) {
      checkCancelled(signal);
      if (subsampling) splitSample(random, rows, sampleCount, inBag, outOfBag);
      for (let k = 0; k < slots; k++) {
        if (featureCount < cols) {
          sampleFeatures(random, cols, featureCount, featureScratch, features);
          groupCount = groupsOf(features, featureCount, groups);
        }
        const block = k * rows;
        const tree = grower.grow(
          gradients.subarray(block, block + rows),
          objective.constantHessian ? hessians : hessians.subarray(block, block + rows),
          subsampling ? inBag : null,
          sampleCount,
          features,
          featureCount,
          groups,
          groupCount,
        );
        grower.addLeafValues(raw, block);
        if (subsampling) addBinnedPredictions(tree, binned, outOfBag, outOfBag.length, raw, block);
        if (validation) addTreePredictions(tree, validation.x, validationRaw, k * validationRows);
        trees.push(tree);
      }
      iterations = iteration + 1;
      const loss = objective.gradients(raw, gradients, hessians, wantsLoss);
      const metrics: Record<string, number> = { loss };
      if (validationObjective) metrics.val_loss = validationObjective.loss(validationRaw);
      onProgress?.({ step: iterations, total: params.max_iter, metrics });
      if (earlyStopping) {
        watchedLosses.push(metrics.val_loss ?? loss);
        if (shouldStop(watchedLosses, params.n_iter_no_change, params.tol)) break;
      }
      work += sampleCount * featureCount * slots;
      if (work >= YIELD_WORK) {
        work = 0;
        await yieldToEventLoop();
      }
    }
  } finally {
    histograms.close();
  }
  checkCancelled(signal);

  return new GbdtEstimator({
    task: target.task,
    classes: target.task === 'classification' ? [...target.classes] : [],
    features: cols,
    treesPerIteration: slots,
    iterations,
    baseline,
    forest: packForest(trees),
  });
}
