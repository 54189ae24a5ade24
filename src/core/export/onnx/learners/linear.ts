import { TensorType } from '../proto';
import {
  add,
  argmaxRows,
  cast,
  concat,
  div,
  exp,
  scatterColumns,
  softmaxRows,
  squeeze,
  sub,
  where,
} from '../ops';
import { unsupported } from '../unsupported';
import type { LearnerContext, LearnerOutputs } from './types';

interface LinearJSON {
  readonly features: number;
  readonly coef: readonly number[];
  readonly intercept: readonly number[];
  readonly labels?: readonly number[];
}

/** Row-major `rows × cols` as `cols × rows`. */
export function transposed(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] as number;
  return out;
}

/**
 * Linear and logistic models: MatMul in double, then the lab's sigmoid (two branches, so that
 * neither side overflows) or its softmax. Outputs map to classes through the model's `labels`;
 * classes without an output get probability 0.
 */
export function linearGraph(context: LearnerContext): LearnerOutputs {
  const { g, estimator, features, featureCount, part, task, classes } = context;
  const json = estimator.toJSON() as unknown as LinearJSON;
  const outputs = json.intercept.length;
  if (json.features !== featureCount) {
    throw unsupported(
      part,
      `it reads ${json.features} features but the pipeline makes ${featureCount}`,
    );
  }
  const x = cast(g, features, TensorType.DOUBLE);
  const weights = g.doubles(
    transposed(json.coef, outputs, featureCount),
    [featureCount, outputs],
    'coef',
  );
  const scores = add(
    g,
    g.op('MatMul', [x, weights]),
    g.doubles(json.intercept, [outputs], 'intercept'),
  );
  if (task === 'regression') return { value: squeeze(g, scores, [1]) };
  const labels = json.labels ?? [];
  let perOutput: string;
  if (outputs === 1) {
    const one = g.scalar(1);
    const a = exp(g, g.op('Neg', [g.op('Abs', [scores])]));
    const onePlus = add(g, one, a);
    const positive = where(
      g,
      g.op('GreaterOrEqual', [scores, g.scalar(0)]),
      div(g, one, onePlus),
      div(g, a, onePlus),
    );
    perOutput = concat(g, [sub(g, one, positive), positive], 1);
  } else {
    perOutput = softmaxRows(g, scores);
  }
  const width = outputs === 1 ? 2 : outputs;
  const columns = classes.map((_, c) => {
    const k = labels.indexOf(c);
    return k < 0 ? width : k;
  });
  const proba = scatterColumns(g, perOutput, columns);
  return { proba, labels: argmaxRows(g, proba) };
}
