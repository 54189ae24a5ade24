import type { KnnMetric } from './params';

/** Queries compared against one block of training rows while that block is in cache. */
const QUERY_BLOCK = 32;
/** Training rows per block: 128 rows of 50 float64 features take 50 KB. */
const TRAIN_BLOCK = 128;

export interface Neighbours {
  readonly k: number;
  /** `index[q * k + j]`: the j-th nearest training row of query q, nearest first. */
  readonly index: Int32Array;
  readonly distance: Float64Array;
}

/**
 * A float64 copy of a row-major matrix, each row divided by its Euclidean norm for the cosine
 * metric (rows of zeros stay zero, as in scikit-learn's normalize).
 */
export function prepareRows(
  data: Float32Array,
  rows: number,
  cols: number,
  metric: KnnMetric,
): Float64Array {
  const out = Float64Array.from(data);
  if (metric !== 'cosine') return out;
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    let squares = 0;
    for (let c = 0; c < cols; c++) {
      const value = out[start + c] as number;
      squares += value * value;
    }
    const norm = squares > 0 ? Math.sqrt(squares) : 1;
    for (let c = 0; c < cols; c++) out[start + c] = (out[start + c] as number) / norm;
  }
  return out;
}

/**
 * The k nearest training rows of every query by brute force, blocked so that a block of training
 * rows is reused by a block of queries while it sits in cache, four queries at a time so that each
 * training value loaded serves four distances. Both matrices come from `prepareRows`. Every
 * distance is summed feature by feature in order, so a row's neighbours do not depend on the rows
 * predicted with it. Ties go to the lower training row. Euclidean distances are compared squared
 * and square-rooted at the end; cosine distances are clipped into [0, 2] as in scikit-learn.
 */
export function nearestNeighbours(
  train: Float64Array,
  trainRows: number,
  queries: Float64Array,
  queryRows: number,
  cols: number,
  k: number,
  metric: KnnMetric,
): Neighbours {
  const index = new Int32Array(queryRows * k).fill(-1);
  const distance = new Float64Array(queryRows * k).fill(Infinity);
  const block = new Float64Array(4 * TRAIN_BLOCK);
  const kernel = KERNELS[metric];
  for (let q0 = 0; q0 < queryRows; q0 += QUERY_BLOCK) {
    const q1 = Math.min(queryRows, q0 + QUERY_BLOCK);
    for (let t0 = 0; t0 < trainRows; t0 += TRAIN_BLOCK) {
      const t1 = Math.min(trainRows, t0 + TRAIN_BLOCK);
      for (let q = q0; q < q1; q += 4) {
        const group = Math.min(4, q1 - q);
        if (group === 4) kernel(train, t0, t1, queries, q, cols, block);
        else
          for (let g = 0; g < group; g++)
            single(metric, train, t0, t1, queries, q + g, cols, block, g);
        for (let g = 0; g < group; g++) {
          const best = (q + g) * k;
          const from = g * TRAIN_BLOCK - t0;
          let worst = distance[best + k - 1] as number;
          for (let t = t0; t < t1; t++) {
            const d = block[from + t] as number;
            if (d < worst) worst = insert(index, distance, best, k, t, d);
          }
        }
      }
    }
  }
  if (metric === 'euclidean') {
    for (let i = 0; i < distance.length; i++) distance[i] = Math.sqrt(distance[i] as number);
  }
  return { k, index, distance };
}

type Kernel = (
  train: Float64Array,
  t0: number,
  t1: number,
  queries: Float64Array,
  q: number,
  cols: number,
  out: Float64Array,
) => void;

/** Distances of queries q..q+3 to training rows [t0, t1), into `out[g * TRAIN_BLOCK + t - t0]`. */
const KERNELS: Record<KnnMetric, Kernel> = {
  euclidean(train, t0, t1, queries, q, cols, out) {
    const a = q * cols;
    const b = a + cols;
    const c = b + cols;
    const d = c + cols;
    for (let t = t0; t < t1; t++) {
      const start = t * cols;
      let sumA = 0;
      let sumB = 0;
      let sumC = 0;
      let sumD = 0;
      for (let f = 0; f < cols; f++) {
        const value = train[start + f] as number;
        const eA = (queries[a + f] as number) - value;
        const eB = (queries[b + f] as number) - value;
        const eC = (queries[c + f] as number) - value;
        const eD = (queries[d + f] as number) - value;
        sumA += eA * eA;
        sumB += eB * eB;
        sumC += eC * eC;
        sumD += eD * eD;
      }
      const at = t - t0;
      out[at] = sumA;
      out[TRAIN_BLOCK + at] = sumB;
      out[2 * TRAIN_BLOCK + at] = sumC;
      out[3 * TRAIN_BLOCK + at] = sumD;
    }
  },
  manhattan(train, t0, t1, queries, q, cols, out) {
    const a = q * cols;
    const b = a + cols;
    const c = b + cols;
    const d = c + cols;
    for (let t = t0; t < t1; t++) {
      const start = t * cols;
      let sumA = 0;
      let sumB = 0;
      let sumC = 0;
      let sumD = 0;
      for (let f = 0; f < cols; f++) {
        const value = train[start + f] as number;
        sumA += Math.abs((queries[a + f] as number) - value);
        sumB += Math.abs((queries[b + f] as number) - value);
        sumC += Math.abs((queries[c + f] as number) - value);
        sumD += Math.abs((queries[d + f] as number) - value);
      }
      const at = t - t0;
      out[at] = sumA;
      out[TRAIN_BLOCK + at] = sumB;
      out[2 * TRAIN_BLOCK + at] = sumC;
      out[3 * TRAIN_BLOCK + at] = sumD;
    }
  },
  cosine(train, t0, t1, queries, q, cols, out) {
    const a = q * cols;
    const b = a + cols;
    const c = b + cols;
    const d = c + cols;
    for (let t = t0; t < t1; t++) {
      const start = t * cols;
      let dotA = 0;
      let dotB = 0;
      let dotC = 0;
      let dotD = 0;
      for (let f = 0; f < cols; f++) {
        const value = train[start + f] as number;
        dotA += (queries[a + f] as number) * value;
        dotB += (queries[b + f] as number) * value;
        dotC += (queries[c + f] as number) * value;
        dotD += (queries[d + f] as number) * value;
      }
      const at = t - t0;
      out[at] = cosineDistance(dotA);
      out[TRAIN_BLOCK + at] = cosineDistance(dotB);
      out[2 * TRAIN_BLOCK + at] = cosineDistance(dotC);
      out[3 * TRAIN_BLOCK + at] = cosineDistance(dotD);
    }
  },
};

const cosineDistance = (dot: number) => Math.min(2, Math.max(0, 1 - dot));

/** The one-query version of the kernels, with the same order of summation. */
function single(
  metric: KnnMetric,
  train: Float64Array,
  t0: number,
  t1: number,
  queries: Float64Array,
  q: number,
  cols: number,
  out: Float64Array,
  slot: number,
) {
  const a = q * cols;
  for (let t = t0; t < t1; t++) {
    const start = t * cols;
    let sum = 0;
    for (let f = 0; f < cols; f++) {
      const value = train[start + f] as number;
      const query = queries[a + f] as number;
      if (metric === 'euclidean') sum += (query - value) * (query - value);
      else if (metric === 'manhattan') sum += Math.abs(query - value);
      else sum += query * value;
    }
    out[slot * TRAIN_BLOCK + t - t0] = metric === 'cosine' ? cosineDistance(sum) : sum;
  }
}

/** Inserts (row, d) into the sorted list at `best`, after any equal distances; returns the new worst. */
function insert(
  index: Int32Array,
  distance: Float64Array,
  best: number,
  k: number,
  row: number,
  d: number,
): number {
  let j = best + k - 1;
  while (j > best && (distance[j - 1] as number) > d) {
    distance[j] = distance[j - 1] as number;
    index[j] = index[j - 1] as number;
    j--;
  }
  distance[j] = d;
  index[j] = row;
  return distance[best + k - 1] as number;
}
