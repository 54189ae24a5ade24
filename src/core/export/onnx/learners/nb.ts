import { TensorType } from '../proto';
import { add, argmaxRows, cast, div, exp, mul, sub, unsqueeze } from '../ops';
import { attr } from '../graph';
import { transposed } from './linear';
import { unsupported } from '../unsupported';
import type { LearnerContext, LearnerOutputs } from './types';

interface NbJSON {
  readonly variant: 'gaussian' | 'multinomial';
  readonly cols: number;
  readonly classWeight: readonly number[];
  readonly mean?: readonly number[];
  readonly variance?: readonly number[];
  readonly alpha?: number;
  readonly featureCount?: readonly number[];
}

/** `log P(class) − ½ Σ log(2π σ²)` per class, computed as the lab computes it. */
function gaussianConstants(json: NbJSON): Float64Array {
  const { classWeight, variance = [], cols } = json;
  const classes = classWeight.length;
  let totalWeight = 0;
  for (let c = 0; c < classes; c++) totalWeight += classWeight[c] as number;
  const constant = new Float64Array(classes);
  for (let c = 0; c < classes; c++) {
    let logNormaliser = 0;
    for (let j = 0; j < cols; j++)
      logNormaliser += Math.log(2 * Math.PI * (variance[c * cols + j] as number));
    constant[c] = Math.log((classWeight[c] as number) / totalWeight) - 0.5 * logNormaliser;
  }
  return constant;
}

/** Log feature probabilities (`classes × cols`) and log priors, computed as the lab computes them. */
function multinomialParameters(json: NbJSON) {
  const { classWeight, featureCount = [], cols, alpha = 1 } = json;
  const classes = classWeight.length;
  const logProbability = new Float64Array(classes * cols);
  const logPrior = new Float64Array(classes);
  let totalWeight = 0;
  for (let c = 0; c < classes; c++) totalWeight += classWeight[c] as number;
  for (let c = 0; c < classes; c++) {
    let smoothedTotal = 0;
    for (let j = 0; j < cols; j++) smoothedTotal += (featureCount[c * cols + j] as number) + alpha;
    const logTotal = Math.log(smoothedTotal);
    for (let j = 0; j < cols; j++) {
      logProbability[c * cols + j] =
        Math.log((featureCount[c * cols + j] as number) + alpha) - logTotal;
    }
    logPrior[c] = Math.log(classWeight[c] as number) - Math.log(totalWeight);
  }
  return { logProbability, logPrior };
}

/**
 * Naive Bayes from its joint log-likelihoods: Gaussian as `constant − ½ Σ (x − μ)² / σ²` on
 * `[N, C, F]` differences (the lab's formula, not an expanded quadratic that would cancel),
 * multinomial as one MatMul; probabilities by the lab's log-sum-exp.
 */
export function nbGraph(context: LearnerContext): LearnerOutputs {
  const { g, estimator, features, featureCount, part } = context;
  const json = estimator.toJSON() as unknown as NbJSON;
  const cols = json.cols;
  const classes = json.classWeight.length;
  if (cols !== featureCount) {
    throw unsupported(part, `it reads ${cols} features but the pipeline makes ${featureCount}`);
  }
  const x = cast(g, features, TensorType.DOUBLE);
  let joint: string;
  if (json.variant === 'gaussian') {
    const mean = g.doubles(json.mean ?? [], [classes, cols], 'mean');
    const variance = g.doubles(json.variance ?? [], [classes, cols], 'variance');
    const deviation = sub(g, unsqueeze(g, x, [1]), mean);
    const terms = div(g, mul(g, deviation, deviation), variance);
    const distance = g.op('ReduceSum', [terms, g.int64s([2], [1], 'axes')], {
      keepdims: attr.int(0),
    });
    const constant = g.doubles(gaussianConstants(json), [classes], 'constant');
    joint = sub(g, constant, mul(g, g.scalar(0.5), distance));
  } else if (json.variant === 'multinomial') {
    const { logProbability, logPrior } = multinomialParameters(json);
    const weights = g.doubles(transposed(logProbability, classes, cols), [cols, classes], 'logp');
    joint = add(g, g.op('MatMul', [x, weights]), g.doubles(logPrior, [classes], 'prior'));
  } else {
    throw unsupported(part, `the naive Bayes variant “${String(json.variant)}” is unknown`);
  }
  const axes = g.int64s([1], [1], 'axes');
  const max = g.op('ReduceMax', [joint], { axes: attr.ints([1]), keepdims: attr.int(1) });
  const total = g.op('ReduceSum', [exp(g, sub(g, joint, max)), axes], { keepdims: attr.int(1) });
  const logSum = add(g, max, g.op('Log', [total]));
  const proba = exp(g, sub(g, joint, logSum));
  return { labels: argmaxRows(g, joint), proba };
}
