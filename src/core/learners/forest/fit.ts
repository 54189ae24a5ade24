import { checkCancelled, yieldToEventLoop } from '../../errors/training-error';
import { randomInt, type Random } from '../../random';
import type { FitContext, Matrix, Target } from '../types';
import { binFeatures } from './bins';
import { checkMatrix, checkSampleWeight, checkTarget } from './checks';
import { TreeGrower } from './grow';
import { argmax, forestEstimator, type ForestEstimator, type ForestLearnerName } from './model';
import { resolveForestParams, type ForestParams, type ResolvedForestParams } from './params';
import type { TrainingData } from './split';
import { flatten, leafValueIndex, type FlatForest, type TreeArrays } from './tree';

/** Roughly how many row visits of split search to do between yields to the event loop. */
const WORK_PER_YIELD = 4_000_000;

/** Multiplies in 'balanced' class weights, n / (classes present × class count), so every class weighs the same. */
function classWeights(target: Target, weights: Float64Array, present: number) {
  if (target.task !== 'classification') return;
  const counts = new Float64Array(target.classes.length);
  for (let i = 0; i < target.y.length; i++) {
    const label = target.y[i] as number;
    counts[label] = (counts[label] as number) + 1;
  }
  for (let i = 0; i < weights.length; i++) {
    const count = counts[target.y[i] as number] as number;
    weights[i] = (weights[i] as number) * (target.y.length / (present * count));
  }
}

/** Out-of-bag sums: every row scored by the trees that did not train on it. */
class OutOfBag {
  private readonly sums: Float64Array;
  private readonly counts: Int32Array;

  constructor(
    private readonly x: Matrix,
    private readonly target: Target,
    private readonly width: number,
  ) {
    this.sums = new Float64Array(x.rows * width);
    this.counts = new Int32Array(x.rows);
  }

  add(forest: FlatForest, tree: number, inBag: Float64Array) {
    const { x, width, sums, counts } = this;
    for (let r = 0; r < x.rows; r++) {
      if ((inBag[r] as number) > 0) continue;
      const at = leafValueIndex(forest, tree, x.data, r * x.cols);
      for (let c = 0; c < width; c++)
        sums[r * width + c] = (sums[r * width + c] as number) + (forest.values[at + c] as number);
      counts[r] = (counts[r] as number) + 1;
    }
  }

  /** Accuracy or R² over the rows scored at least once; NaN while there are none. */
  score(): number {
    const { target, width, sums, counts } = this;
    let scored = 0;
    if (target.task === 'classification') {
      let correct = 0;
      for (let r = 0; r < counts.length; r++) {
        if (counts[r] === 0) continue;
        scored++;
        if (argmax(sums, r * width, width) === target.y[r]) correct++;
      }
      return scored > 0 ? correct / scored : NaN;
    }
    let mean = 0;
    for (let r = 0; r < counts.length; r++) {
      if (counts[r] === 0) continue;
      scored++;
      mean += target.y[r] as number;
    }
    if (scored === 0) return NaN;
    mean /= scored;
    let residual = 0;
    let total = 0;
    for (let r = 0; r < counts.length; r++) {
      const count = counts[r] as number;
      if (count === 0) continue;
      const y = target.y[r] as number;
      const error = y - (sums[r] as number) / count;
      residual += error * error;
      total += (y - mean) * (y - mean);
    }
    return total > 0 ? 1 - residual / total : residual === 0 ? 1 : 0;
  }
}

/**
 * Bootstrap weights: how often each row was drawn, times its sample weight. Draws again in the rare
 * case that only zero-weight rows were drawn, so that every tree has rows to learn from.
 */
function drawBootstrap(
  weights: Float64Array,
  baseWeights: Float64Array,
  draws: number,
  rng: Random,
) {
  const rows = weights.length;
  let total = 0;
  while (total <= 0) {
    weights.fill(0);
    for (let d = 0; d < draws; d++) {
      const row = randomInt(rng, rows);
      weights[row] = (weights[row] as number) + 1;
    }
    for (let i = 0; i < rows; i++) {
      weights[i] = (weights[i] as number) * (baseWeights[i] as number);
      total += weights[i] as number;
    }
  }
}

function trainingData(x: Matrix, target: Target, binned: boolean): TrainingData {
  const classification = target.task === 'classification';
  return {
    rows: x.rows,
    cols: x.cols,
    x: x.data,
    bins: binned ? binFeatures(x.data, x.rows, x.cols) : null,
    classCount: classification ? target.classes.length : 0,
    labels: classification ? target.y : new Int32Array(0),
    targets: classification ? new Float64Array(0) : target.y,
  };
}

/** Fits a random forest (best splits over binned features) or extra trees (random thresholds). */
export async function fitForest(
  learner: ForestLearnerName,
  x: Matrix,
  target: Target,
  given: Partial<ForestParams>,
  context: FitContext,
): Promise<ForestEstimator> {
  checkCancelled(context.signal);
  checkMatrix(x);
  const present = checkTarget(x, target, ['classification', 'regression']);
  const params: ResolvedForestParams = resolveForestParams(
    given,
    target.task,
    x.cols,
    learner === 'forest',
  );
  const baseWeights = checkSampleWeight(x.rows, context.sampleWeight);
  if (params.class_weight === 'balanced') classWeights(target, baseWeights, present);
  const data = trainingData(x, target, learner === 'forest');
  const grower = new TreeGrower(data, {
    maxDepth: params.max_depth,
    minSamplesSplit: params.min_samples_split,
    minSamplesLeaf: params.min_samples_leaf,
    maxFeatures: params.max_features,
    criterion: params.criterion,
    splitter: learner === 'forest' ? 'best' : 'random',
  });
  const width = target.task === 'classification' ? target.classes.length : 1;
  const draws = Math.max(1, Math.round(params.max_samples * x.rows));
  const outOfBag = params.oob_score ? new OutOfBag(x, target, width) : null;
  const importances = new Float64Array(x.cols);
  const trees: TreeArrays[] = [];
  const rng = context.rng;
  const workPerTree = x.rows * params.max_features * Math.max(1, Math.log2(x.rows));
  let workSinceYield = 0;
  let oobScore: number | null = null;
  for (let t = 0; t < params.n_estimators; t++) {
    const weights = grower.weights;
    if (params.bootstrap) drawBootstrap(weights, baseWeights, draws, rng);
    else weights.set(baseWeights);
    const tree = grower.grow(rng, importances);
    trees.push(tree);
    const metrics: Record<string, number> = {};
    if (outOfBag) {
      outOfBag.add(flatten([tree], width), 0, weights);
      oobScore = outOfBag.score();
      if (!Number.isNaN(oobScore)) metrics.oob = oobScore;
    }
    context.onProgress?.({ step: t + 1, total: params.n_estimators, metrics });
    workSinceYield += workPerTree;
    if (workSinceYield >= WORK_PER_YIELD && t + 1 < params.n_estimators) {
      workSinceYield = 0;
      await yieldToEventLoop();
    }
    checkCancelled(context.signal);
  }
  let importanceTotal = 0;
  for (let f = 0; f < x.cols; f++) importanceTotal += importances[f] as number;
  if (importanceTotal > 0) {
    for (let f = 0; f < x.cols; f++) importances[f] = (importances[f] as number) / importanceTotal;
  }
  return forestEstimator({
    learner,
    task: target.task,
    classes: target.task === 'classification' ? [...target.classes] : [],
    cols: x.cols,
    forest: flatten(trees, width),
    importances,
    params,
    oobScore: oobScore !== null && Number.isNaN(oobScore) ? null : oobScore,
  });
}
