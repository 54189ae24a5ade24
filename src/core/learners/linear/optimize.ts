/**
 * Full-batch optimisers over a small parameter vector kept in float64 on the JS side; only the
 * objective (a pass over the data) runs on tfjs. L-BFGS minimises smooth objectives; FISTA with
 * soft thresholding adds a weighted L1 term, so that its solutions hold exact zeros.
 */
import { checkCancelled, yieldToEventLoop } from '../../errors/training-error';

export interface SmoothObjective {
  /** Writes the gradient at `theta` into `gradient` and returns the objective there. */
  evaluate(theta: Float64Array, gradient: Float64Array): Promise<number>;
}

export interface OptimizeOptions {
  readonly maxIter: number;
  /** Converged once the largest entry of the (proximal) gradient is at most this. */
  readonly tol: number;
  readonly signal?: AbortSignal;
  /** Called after every iteration with the full objective (L1 term included). */
  readonly onIteration?: (
    iteration: number,
    value: number,
    last: boolean,
    converged: boolean,
  ) => void;
}

export interface OptimizeResult {
  readonly theta: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const YIELD_EVERY = 16;
const HISTORY = 10;
const ARMIJO = 1e-4;
const CURVATURE = 0.9;
const MAX_LINE_STEPS = 30;
/** The relative rounding error of a float32 objective summed over many rows, generously. */
const ROUNDING_NOISE = 1e-6;
/** Hager–Zhang's (2δ − 1) with δ = 0.1: how far past flat the slope may turn upward. */
const APPROXIMATE_WOLFE = 0.8;

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] as number));
  return max;
}

/** out = a + step·b */
function axpy(out: Float64Array, a: Float64Array, step: number, b: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) + step * (b[i] as number);
}

async function pause(iteration: number, signal: AbortSignal | undefined): Promise<void> {
  checkCancelled(signal);
  if (iteration % YIELD_EVERY === 0) {
    await yieldToEventLoop();
    checkCancelled(signal);
  }
}

/** The L-BFGS direction −H·g from the two-loop recursion over the stored pairs. */
function direction(
  gradient: Float64Array,
  steps: Float64Array[],
  changes: Float64Array[],
  out: Float64Array,
): void {
  const alphas = new Float64Array(steps.length);
  for (let i = 0; i < out.length; i++) out[i] = -(gradient[i] as number);
  for (let k = steps.length - 1; k >= 0; k--) {
    const s = steps[k] as Float64Array;
    const y = changes[k] as Float64Array;
    const alpha = dot(s, out) / dot(s, y);
    alphas[k] = alpha;
    axpy(out, out, -alpha, y);
  }
  const last = steps.length - 1;
  if (last >= 0) {
    const s = steps[last] as Float64Array;
    const y = changes[last] as Float64Array;
    const gamma = dot(s, y) / dot(y, y);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * gamma;
  }
  for (let k = 0; k < steps.length; k++) {
    const s = steps[k] as Float64Array;
    const y = changes[k] as Float64Array;
    const beta = dot(y, out) / dot(s, y);
    axpy(out, out, (alphas[k] as number) - beta, s);
  }
}

interface LineSearchResult {
  readonly found: boolean;
  readonly value: number;
}

/**
 * A bracketing search for a step along `search` that satisfies the weak Wolfe conditions. Near the
 * optimum the objective's float32 rounding swamps the decrease Armijo asks for, while the gradient
 * is still accurate; there it accepts Hager and Zhang's approximate Wolfe conditions instead (the
 * value within rounding noise, the slope flattened). It settles for the last step that lowered the
 * objective enough when the curvature condition is not met in time. Writes the chosen point and its
 * gradient into `point`/`pointGradient`. With `project`, each trial point is projected first and
 * the decrease is measured along the projected move, as OWL-QN does.
 */
async function lineSearch(
  objective: SmoothObjective,
  theta: Float64Array,
  value: number,
  gradient: Float64Array,
  search: Float64Array,
  initialStep: number,
  point: Float64Array,
  pointGradient: Float64Array,
  project: ((theta: Float64Array) => void) | undefined,
): Promise<LineSearchResult> {
  const slope = dot(gradient, search);
  const noise = ROUNDING_NOISE * Math.abs(value);
  const trialPoint = new Float64Array(theta.length);
  const trialGradient = new Float64Array(theta.length);
  let step = initialStep;
  let low = 0;
  let high = Infinity;
  let found = false;
  let foundValue = value;
  const accept = (trialValue: number) => {
    found = true;
    foundValue = trialValue;
    point.set(trialPoint);
    pointGradient.set(trialGradient);
  };
  for (let trial = 0; trial < MAX_LINE_STEPS; trial++) {
    axpy(trialPoint, theta, step, search);
    let predicted = step * slope;
    if (project) {
      project(trialPoint);
      predicted = 0;
      for (let i = 0; i < theta.length; i++) {
        predicted += (gradient[i] as number) * ((trialPoint[i] as number) - (theta[i] as number));
      }
    }
    const trialValue = await objective.evaluate(trialPoint, trialGradient);
    const trialSlope = dot(trialGradient, search);
    const sufficient = predicted < 0 && trialValue <= value + ARMIJO * predicted;
    if (!sufficient && !(trialValue <= value + noise)) {
      high = step;
    } else if (trialSlope < CURVATURE * slope) {
      if (sufficient) accept(trialValue);
      low = step;
    } else if (sufficient || trialSlope <= APPROXIMATE_WOLFE * -slope) {
      accept(trialValue);
      break;
    } else {
      high = step;
    }
    step = high === Infinity ? 2 * low : (low + high) / 2;
  }
  return { found, value: foundValue };
}

interface LbfgsOptions extends OptimizeOptions {
  /** Keeps iterates feasible, e.g. on one orthant; applied to every trial point. */
  readonly project?: (theta: Float64Array) => void;
  /** Called with each accepted point; returning true ends the run there. */
  readonly stopAt?: (theta: Float64Array) => boolean;
}

export async function lbfgs(
  objective: SmoothObjective,
  start: Float64Array,
  options: LbfgsOptions,
): Promise<OptimizeResult> {
  const size = start.length;
  let theta = Float64Array.from(start);
  let gradient = new Float64Array(size);
  let value = await objective.evaluate(theta, gradient);
  let next = new Float64Array(size);
  let nextGradient = new Float64Array(size);
  const search = new Float64Array(size);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  let iteration = 0;
  let converged = maxAbs(gradient) <= options.tol;
  while (!converged && iteration < options.maxIter && Number.isFinite(value)) {
    iteration += 1;
    await pause(iteration, options.signal);
    direction(gradient, steps, changes, search);
    let slope = dot(gradient, search);
    if (!(slope < 0)) {
      steps.length = 0;
      changes.length = 0;
      for (let i = 0; i < size; i++) search[i] = -(gradient[i] as number);
      slope = dot(gradient, search);
    }
    const initialStep = steps.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const line = await lineSearch(
      objective,
      theta,
      value,
      gradient,
      search,
      initialStep,
      next,
      nextGradient,
      options.project,
    );
    if (!line.found) {
      // No step lowers the objective beyond its float32 rounding: as close as this gets.
      converged = true;
      options.onIteration?.(iteration, value, true, converged);
      break;
    }
    const s = new Float64Array(size);
    const y = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      s[i] = (next[i] as number) - (theta[i] as number);
      y[i] = (nextGradient[i] as number) - (gradient[i] as number);
    }
    if (dot(s, y) > 1e-12 * dot(y, y)) {
      if (steps.length === HISTORY) {
        steps.shift();
        changes.shift();
      }
      steps.push(s);
      changes.push(y);
    }
    [theta, next] = [next, theta];
    [gradient, nextGradient] = [nextGradient, gradient];
    value = line.value;
    converged = maxAbs(gradient) <= options.tol;
    options.onIteration?.(iteration, value, converged || iteration === options.maxIter, converged);
    if (options.stopAt?.(theta)) break;
  }
  return { theta, value, iterations: iteration, converged };
}

function l1Value(theta: Float64Array, l1: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < theta.length; i++) sum += (l1[i] as number) * Math.abs(theta[i] as number);
  return sum;
}

/** out = soft-threshold(point − gradient/lipschitz, l1/lipschitz), coordinate by coordinate. */
function proximalStep(
  out: Float64Array,
  point: Float64Array,
  gradient: Float64Array,
  l1: Float64Array,
  lipschitz: number,
): void {
  for (let i = 0; i < out.length; i++) {
    const moved = (point[i] as number) - (gradient[i] as number) / lipschitz;
    const threshold = (l1[i] as number) / lipschitz;
    out[i] = moved > threshold ? moved - threshold : moved < -threshold ? moved + threshold : 0;
  }
}

/**
 * Minimises smooth + Σ l1ᵢ|θᵢ| over the nonzero entries of `theta`, each kept on its side of zero
 * and the zeros held at zero: there the L1 term is linear, so L-BFGS applies. A step that would
 * cross zero stops at zero, and that entry then joins the zeros (with a fresh L-BFGS memory).
 */
async function refineOnSupport(
  objective: SmoothObjective,
  theta: Float64Array,
  l1: Float64Array,
  options: OptimizeOptions,
): Promise<OptimizeResult> {
  const size = theta.length;
  const signs = new Float64Array(size);
  const free = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const penalised = (l1[i] as number) > 0;
    signs[i] = penalised ? Math.sign(theta[i] as number) : 0;
    free[i] = !penalised || theta[i] !== 0 ? 1 : 0;
  }
  const restricted: SmoothObjective = {
    async evaluate(point, gradient) {
      let value = await objective.evaluate(point, gradient);
      for (let i = 0; i < size; i++) {
        if (!free[i]) {
          gradient[i] = 0;
          continue;
        }
        const slope = (l1[i] as number) * (signs[i] as number);
        gradient[i] = (gradient[i] as number) + slope;
        value += slope * (point[i] as number);
      }
      return value;
    },
  };
  const project = (point: Float64Array) => {
    for (let i = 0; i < size; i++) {
      if (!free[i] || (point[i] as number) * (signs[i] as number) < 0) point[i] = 0;
    }
  };
  const stopAt = (point: Float64Array) => {
    let shrunk = false;
    for (let i = 0; i < size; i++) {
      if (free[i] && signs[i] !== 0 && point[i] === 0) {
        free[i] = 0;
        shrunk = true;
      }
    }
    return shrunk;
  };
  let current: OptimizeResult = { theta, value: NaN, iterations: 0, converged: false };
  let iterations = 0;
  while (iterations < options.maxIter) {
    const done = iterations;
    const run = await lbfgs(restricted, current.theta, {
      ...options,
      maxIter: options.maxIter - done,
      onIteration: (step, value, last, converged) =>
        options.onIteration?.(done + step, value, last, converged),
      project,
      stopAt,
    });
    iterations += run.iterations;
    current = run;
    if (run.converged || run.iterations === 0) break;
  }
  return { ...current, iterations };
}

const STABLE_SUPPORT = 10;
const REFINE_ITERATIONS = 100;

/**
 * FISTA (Beck & Teboulle) for smooth(θ) + Σ l1ᵢ|θᵢ|: a gradient step then soft thresholding, which
 * is what sets coefficients exactly to zero. The Lipschitz constant is found by backtracking and
 * the momentum restarts when it opposes the step (O'Donoghue & Candès). Once the signs of θ have
 * held for a few iterations, L-BFGS on that orthant finishes the job far faster than FISTA's
 * linear rate on ill-conditioned data; FISTA steps afterwards confirm or revise the zeros.
 */
export async function fista(
  objective: SmoothObjective,
  start: Float64Array,
  l1: Float64Array,
  options: OptimizeOptions,
): Promise<OptimizeResult> {
  const size = start.length;
  let theta = Float64Array.from(start);
  let gradient = new Float64Array(size);
  let smooth = await objective.evaluate(theta, gradient);
  let value = smooth + l1Value(theta, l1);
  const point = Float64Array.from(theta);
  const pointGradient = Float64Array.from(gradient);
  let pointSmooth = smooth;
  let next = new Float64Array(size);
  let nextGradient = new Float64Array(size);
  let lipschitz = 1;
  let momentum = 1;
  let iteration = 0;
  let converged = false;
  let stableFor = 0;
  let refinedThisSupport = false;
  while (iteration < options.maxIter && Number.isFinite(value)) {
    iteration += 1;
    await pause(iteration, options.signal);
    let nextSmooth = NaN;
    for (let trial = 0; trial < 60; trial++) {
      proximalStep(next, point, pointGradient, l1, lipschitz);
      nextSmooth = await objective.evaluate(next, nextGradient);
      let linear = 0;
      let distance = 0;
      for (let i = 0; i < size; i++) {
        const d = (next[i] as number) - (point[i] as number);
        linear += (pointGradient[i] as number) * d;
        distance += d * d;
      }
      const bound = pointSmooth + linear + (lipschitz / 2) * distance;
      // The slack absorbs float32 rounding in the objective, which would otherwise inflate L.
      if (nextSmooth <= bound + 1e-6 * Math.max(1, Math.abs(pointSmooth))) break;
      lipschitz *= 2;
    }
    let largestMove = 0;
    let alignment = 0;
    let supportChanged = false;
    for (let i = 0; i < size; i++) {
      const current = next[i] as number;
      const previous = theta[i] as number;
      largestMove = Math.max(largestMove, Math.abs(current - (point[i] as number)));
      // Gradient-based restart: the step opposes the momentum, which is overshooting. Unlike a
      // test on the objective, it does not fire on float32 noise in the loss.
      alignment += ((point[i] as number) - current) * (current - previous);
      if ((l1[i] as number) > 0 && Math.sign(current) !== Math.sign(previous)) {
        supportChanged = true;
      }
    }
    converged = largestMove * lipschitz <= options.tol;
    if (alignment > 0) momentum = 1;
    const nextMomentum = (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
    const carry = (momentum - 1) / nextMomentum;
    for (let i = 0; i < size; i++) {
      const current = next[i] as number;
      point[i] = current + carry * (current - (theta[i] as number));
    }
    [theta, next] = [next, theta];
    [gradient, nextGradient] = [nextGradient, gradient];
    smooth = nextSmooth;
    value = nextSmooth + l1Value(theta, l1);
    momentum = nextMomentum;
    if (carry === 0) {
      pointSmooth = smooth;
      pointGradient.set(gradient);
    } else {
      pointSmooth = await objective.evaluate(point, pointGradient);
    }
    options.onIteration?.(iteration, value, converged || iteration === options.maxIter, converged);
    if (converged) break;
    stableFor = supportChanged ? 0 : stableFor + 1;
    if (supportChanged) refinedThisSupport = false;
    if (stableFor < STABLE_SUPPORT || refinedThisSupport || iteration >= options.maxIter) continue;
    const done = iteration;
    const refined = await refineOnSupport(objective, theta, l1, {
      ...options,
      maxIter: Math.min(REFINE_ITERATIONS, options.maxIter - done),
      onIteration: (step, stepValue) => {
        const at = done + step;
        options.onIteration?.(at, stepValue, at === options.maxIter, false);
      },
    });
    iteration += refined.iterations;
    theta = Float64Array.from(refined.theta);
    smooth = await objective.evaluate(theta, gradient);
    value = smooth + l1Value(theta, l1);
    point.set(theta);
    pointGradient.set(gradient);
    pointSmooth = smooth;
    momentum = 1;
    stableFor = 0;
    refinedThisSupport = true;
  }
  return { theta, value, iterations: iteration, converged };
}
