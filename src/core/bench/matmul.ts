import type { Tf } from '../backend/tfjs';
import { seededRandom, uniformArray } from '../random';
import { checkpoints, elapsedSince } from './timing';
import type { MatmulPlan, MatmulResult, MeasureContext } from './types';

const SEED = 1;

async function timeProducts(
  tf: Tf,
  size: number,
  reps: number,
  context: MeasureContext,
  checkpoint: () => Promise<void>,
) {
  const random = seededRandom(SEED + size);
  const a = tf.tensor2d(uniformArray(random, size * size, -1, 1), [size, size]);
  const b = tf.tensor2d(uniformArray(random, size * size, -1, 1), [size, size]);
  const product = async () => {
    const c = tf.matMul(a, b);
    try {
      await c.data();
    } finally {
      c.dispose();
    }
  };
  try {
    await product();
    const start = context.now();
    for (let rep = 0; rep < reps; rep++) {
      await checkpoint();
      await product();
    }
    return elapsedSince(context.now, start) / reps;
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** Float32 matrix-product throughput in GFLOP/s (2·n³ operations per n×n product). */
export async function benchmarkMatmul(
  tf: Tf,
  plan: MatmulPlan,
  context: MeasureContext,
): Promise<MatmulResult> {
  const checkpoint = checkpoints(context);
  let result: MatmulResult | undefined;
  for (const [index, size] of plan.sizes.entries()) {
    await checkpoint();
    const msPerProduct = await timeProducts(tf, size, plan.reps, context, checkpoint);
    const gflops = (2 * size ** 3) / (msPerProduct * 1e6);
    result = { size, reps: plan.reps, msPerProduct, gflops };
    context.onProgress?.((index + 1) / plan.sizes.length);
    if (msPerProduct >= plan.growBelowMs) break;
  }
  if (!result) throw new Error('The matrix-product plan has no sizes');
  context.onProgress?.(1);
  return result;
}
