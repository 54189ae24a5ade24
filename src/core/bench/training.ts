import type { Tf } from '../backend/tfjs';
import { normalArray, seededRandom, uniformArray, type Random } from '../random';
import { checkpoints, elapsedSince } from './timing';
import type { MeasureContext, TrainingPlan, TrainingResult } from './types';

type Tensor = ReturnType<Tf['tensor']>;
type Variable = ReturnType<Tf['variable']>;

interface Layer {
  weights: Variable;
  bias: Variable;
}

function variableFrom(tf: Tf, initial: Tensor): Variable {
  const variable = tf.variable(initial);
  initial.dispose();
  return variable;
}

function glorotLayer(tf: Tf, random: Random, fanIn: number, fanOut: number): Layer {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const weights = uniformArray(random, fanIn * fanOut, -limit, limit);
  return {
    weights: variableFrom(tf, tf.tensor2d(weights, [fanIn, fanOut])),
    bias: variableFrom(tf, tf.zeros([fanOut])),
  };
}

/** Labels come from a random linear teacher, so the loss really falls as the network learns. */
function teacherLabels(random: Random, features: Float32Array, plan: TrainingPlan): Float32Array {
  const teacher = normalArray(random, plan.inputs * plan.classes);
  const oneHot = new Float32Array(plan.batchSize * plan.classes);
  for (let row = 0; row < plan.batchSize; row++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let label = 0; label < plan.classes; label++) {
      let score = 0;
      for (let i = 0; i < plan.inputs; i++) {
        score += (features[row * plan.inputs + i] ?? 0) * (teacher[i * plan.classes + label] ?? 0);
      }
      if (score > bestScore) {
        bestScore = score;
        best = label;
      }
    }
    oneHot[row * plan.classes + best] = 1;
  }
  return oneHot;
}

function buildProblem(tf: Tf, plan: TrainingPlan) {
  const random = seededRandom(plan.seed);
  const features = normalArray(random, plan.batchSize * plan.inputs);
  const labels = teacherLabels(random, features, plan);
  const widths = [plan.inputs, ...plan.hidden, plan.classes];
  const layers = widths
    .slice(1)
    .map((width, index) => glorotLayer(tf, random, widths[index] ?? 0, width));
  return {
    x: tf.tensor2d(features, [plan.batchSize, plan.inputs]),
    y: tf.tensor2d(labels, [plan.batchSize, plan.classes]),
    layers,
  };
}

/** Fused dense layers, as tf.layers uses them: one kernel per layer for product, bias and ReLU. */
function forward(tf: Tf, layers: readonly Layer[], x: Tensor): Tensor {
  return layers.reduce(
    (input, layer, index) =>
      tf.fused.matMul({
        a: input,
        b: layer.weights,
        bias: layer.bias,
        activation: index < layers.length - 1 ? 'relu' : 'linear',
      }),
    x,
  );
}

/** Training throughput of a small MLP with Adam, in samples per second. */
export async function benchmarkTraining(
  tf: Tf,
  plan: TrainingPlan,
  context: MeasureContext,
): Promise<TrainingResult> {
  const { x, y, layers } = buildProblem(tf, plan);
  const optimizer = tf.train.adam(plan.learningRate);
  const checkpoint = checkpoints(context);
  const step = async (): Promise<number> => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, forward(tf, layers, x)),
      true,
    );
    if (!loss) throw new Error('The optimizer returned no loss');
    try {
      const [value] = await loss.data();
      return value ?? Number.NaN;
    } finally {
      loss.dispose();
    }
  };
  try {
    let firstLoss = Number.NaN;
    const warmupStart = context.now();
    for (let i = 0; i < plan.warmupSteps; i++) {
      await checkpoint();
      const loss = await step();
      if (i === 0) firstLoss = loss;
    }
    const start = context.now();
    const warmupMs = start - warmupStart;
    const maxSteps = Math.max(1, plan.steps);
    let steps = 0;
    let lastLoss = firstLoss;
    while (steps < maxSteps) {
      await checkpoint();
      lastLoss = await step();
      steps++;
      if (Number.isNaN(firstLoss)) firstLoss = lastLoss;
      context.onProgress?.(steps / maxSteps);
      if (steps >= plan.minSteps && context.now() - start >= plan.budgetMs) break;
    }
    const msPerStep = elapsedSince(context.now, start) / steps;
    context.onProgress?.(1);
    return {
      steps,
      batchSize: plan.batchSize,
      msPerStep,
      warmupMs,
      samplesPerSecond: (plan.batchSize * 1000) / msPerStep,
      firstLoss,
      lastLoss,
    };
  } finally {
    optimizer.dispose();
    for (const layer of layers) {
      layer.weights.dispose();
      layer.bias.dispose();
    }
    x.dispose();
    y.dispose();
  }
}
