import { prepareRows } from '../../../learners/knn';
import { attr, type GraphBuilder } from '../graph';
import {
  add,
  argmaxRows,
  cast,
  div,
  filled,
  mul,
  scan,
  squeeze,
  sub,
  sumInOrder,
  unsqueeze,
  where,
} from '../ops';
import { TensorType } from '../proto';
import { unsupported } from '../unsupported';
import type { LearnerContext, LearnerOutputs } from './types';

const DOUBLE = TensorType.DOUBLE;

interface KnnJSON {
  readonly k: number;
  readonly weights: 'uniform' | 'distance';
  readonly metric: 'euclidean' | 'manhattan' | 'cosine';
  readonly rows: number;
  readonly cols: number;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/**
 * Σ over features, feature by feature in the lab's order, of `term(query_f, train_f)` for every
 * query and training row: `[N, R]`. Summing in the same order makes the distances equal the lab's
 * bit for bit, so equal distances tie here exactly when they tie in the lab. A Scan over the
 * features keeps memory at `[N, R]`, where a CumSum would need `[N, R, F]`.
 */
function featureSum(
  g: GraphBuilder,
  queries: string,
  train: string,
  trainRows: number,
  term: (b: GraphBuilder, query: string, row: string) => string,
): string {
  return scan(g, {
    states: [{ name: filled(g, queries, [trainRows], 0), type: DOUBLE }],
    inputs: [
      { name: unsqueeze(g, queries, [1]), type: DOUBLE },
      { name: unsqueeze(g, train, [0]), type: DOUBLE },
    ],
    axes: [2, 2],
    body: (b, [total], [query, row]) => [
      add(b, total as string, term(b, query as string, row as string)),
    ],
  })[0] as string;
}

/** Rows divided by their Euclidean norm (rows of zeros stay), squares summed in order. */
function normalizeRows(g: GraphBuilder, x: string, cols: number): string {
  const squares = sumInOrder(g, unsqueeze(g, mul(g, x, x), [2]), cols);
  const norm = where(
    g,
    g.op('Greater', [squares, g.scalar(0)]),
    g.op('Sqrt', [squares]),
    g.scalar(1),
  );
  return div(g, x, norm);
}

/**
 * k-nearest neighbours by brute force, as the lab computes them: distances summed feature by
 * feature, TopK (which puts the lower training row first among equal distances, as the lab
 * does), the lab's vote weights (1, or 1/distance with exact matches taking all the weight) and
 * the votes or weighted values added neighbour by neighbour.
 */
export function knnGraph(context: LearnerContext): LearnerOutputs {
  const { g, estimator, features, featureCount, part, task, classes } = context;
  const json = estimator.toJSON() as unknown as KnnJSON;
  const { k, rows, cols, metric } = json;
  if (cols !== featureCount) {
    throw unsupported(part, `it reads ${cols} features but the pipeline makes ${featureCount}`);
  }
  // The training rows are float32 values: stored as floats, they widen to the lab's doubles
  // exactly. Cosine rows are normalized in double first, as the lab does.
  const train =
    metric === 'cosine'
      ? g.doubles(
          prepareRows(Float32Array.from(json.x), rows, cols, metric),
          [rows, cols],
          'training_rows',
        )
      : cast(g, g.floats(json.x, [rows, cols], 'training_rows'), DOUBLE);
  let queries = cast(g, features, DOUBLE);
  if (metric === 'cosine') queries = normalizeRows(g, queries, cols);
  let distances: string;
  if (metric === 'euclidean') {
    distances = featureSum(g, queries, train, rows, (b, q, t) => {
      const e = sub(b, q, t);
      return mul(b, e, e);
    });
  } else if (metric === 'manhattan') {
    distances = featureSum(g, queries, train, rows, (b, q, t) => b.op('Abs', [sub(b, q, t)]));
  } else if (metric === 'cosine') {
    const dot = featureSum(g, queries, train, rows, (b, q, t) => mul(b, q, t));
    distances = g.op('Min', [g.op('Max', [sub(g, g.scalar(1), dot), g.scalar(0)]), g.scalar(2)]);
  } else {
    throw unsupported(part, `the distance “${String(metric)}” is unknown`);
  }
  const [nearest, index] = g.nodeOutputs(
    'TopK',
    [distances, g.int64s([k], [1], 'k')],
    { axis: attr.int(1), largest: attr.int(0), sorted: attr.int(1) },
    { outputs: 2 },
  ) as [string, string];
  const distance = metric === 'euclidean' ? g.op('Sqrt', [nearest]) : nearest;
  let weights: string;
  if (json.weights === 'distance') {
    const zero = g.op('Equal', [distance, g.scalar(0)]);
    const exact = g.op('ReduceMax', [cast(g, zero, DOUBLE)], {
      axes: attr.ints([1]),
      keepdims: attr.int(1),
    });
    weights = where(
      g,
      g.op('Greater', [exact, g.scalar(0)]),
      cast(g, zero, DOUBLE),
      div(g, g.scalar(1), distance),
    );
  } else {
    weights = filled(g, features, [k], 1);
  }
  const targets = g.op('Gather', [g.doubles(json.y, [rows], 'training_targets'), index], {
    axis: attr.int(0),
  });
  const total = sumInOrder(g, unsqueeze(g, weights, [2]), k);
  if (task === 'regression') {
    const sum = sumInOrder(g, unsqueeze(g, mul(g, weights, targets), [2]), k);
    return { value: squeeze(g, div(g, sum, total), [1]) };
  }
  const width = classes.length;
  const classIndex = g.doubles(
    Array.from({ length: width }, (_, c) => c),
    [1, 1, width],
    'classes',
  );
  const votes = mul(
    g,
    cast(g, g.op('Equal', [unsqueeze(g, targets, [2]), classIndex]), DOUBLE),
    unsqueeze(g, weights, [2]),
  );
  const counts = sumInOrder(g, votes, k);
  const proba = where(g, g.op('Greater', [total, g.scalar(0)]), div(g, counts, total), counts);
  return { labels: argmaxRows(g, proba), proba };
}
