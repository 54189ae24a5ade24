import { randomNormal, type Random } from '../random';
import { fromUnit, toUnit, type LearnerSpace } from './space';
import type { Params } from './types';

/** One proposal of a local search, handed back with its loss. */
export interface Move {
  readonly owner: LocalSearch;
  readonly unit: Float64Array;
  readonly direction: Float64Array;
  readonly backward: boolean;
  /** How many times the incumbent had moved when this was proposed. */
  readonly generation: number;
}

/**
 * FLOW2, the randomized direct search of FLAML's CFO (Wu, Wang, Huang: "Frugal Optimization for
 * Cost-related Hyperparameters", AAAI 2021). From the incumbent x it tries x + δu for a random
 * unit direction u in the normalized (log where sensible) space, then x − δu; a better point
 * becomes the incumbent. After a run of failures the step δ halves; once it falls below the
 * lower bound the search has converged and its owner restarts elsewhere.
 *
 * Several proposals may be out at once (trials run in parallel): the backward half of a
 * direction is then proposed before the forward half's loss is known, and a loss that comes back
 * after the incumbent moved still moves it when better, but no longer counts as a failure of the
 * current neighbourhood.
 */
export class LocalSearch {
  private incumbent: Float64Array;
  private incumbentParams: Params;
  private incumbentLoss: number;
  private generation = 0;
  private step: number;
  private readonly minStep: number;
  private readonly patience: number;
  private failures = 0;
  /** The direction just tried forward; the next proposal tries it backward. */
  private pending: Float64Array | null = null;

  constructor(
    private readonly space: LearnerSpace,
    params: Params,
    loss: number,
  ) {
    const dims = space.dims.length;
    this.incumbent = toUnit(space, params);
    this.incumbentParams = params;
    this.incumbentLoss = loss;
    // FLAML's initial step 0.1·√d; halving to 1/16 of it ends the search of one basin.
    this.step = 0.1 * Math.sqrt(Math.max(1, dims));
    this.minStep = this.step / 16;
    // FLAML waits 2^(d−1) failed directions before shrinking; capped for short budgets.
    this.patience = Math.min(8, 2 ** Math.max(0, dims - 1));
  }

  get converged(): boolean {
    return this.step < this.minStep;
  }

  get best(): { readonly params: Params; readonly loss: number } {
    return { params: this.incumbentParams, loss: this.incumbentLoss };
  }

  /** The next configuration to try, with the move to report its loss against. */
  propose(rng: Random): { readonly params: Params; readonly move: Move } {
    let move: Move;
    if (this.pending) {
      const direction = this.pending;
      move = {
        owner: this,
        unit: this.shift(direction, -1),
        direction,
        backward: true,
        generation: this.generation,
      };
      this.pending = null;
    } else {
      const direction = randomDirection(this.space.dims.length, rng);
      move = {
        owner: this,
        unit: this.shift(direction, 1),
        direction,
        backward: false,
        generation: this.generation,
      };
      this.pending = direction;
    }
    return { params: fromUnit(this.space, move.unit, this.incumbentParams), move };
  }

  /** The loss of a proposal (Infinity when it failed or ran out of time). */
  report(move: Move, params: Params, loss: number): void {
    if (move.owner !== this) return;
    if (loss < this.incumbentLoss) {
      this.incumbent = move.unit;
      this.incumbentParams = params;
      this.incumbentLoss = loss;
      this.generation++;
      this.failures = 0;
      this.pending = null;
      return;
    }
    if (!move.backward || move.generation !== this.generation) return;
    this.failures++;
    if (this.failures >= this.patience) {
      this.failures = 0;
      this.step /= 2;
    }
  }

  /** Shrinks the step at once: the neighbourhood holds nothing new at this resolution. */
  shrink(): void {
    this.pending = null;
    this.failures = 0;
    this.step /= 2;
  }

  private shift(direction: Float64Array, sign: 1 | -1): Float64Array {
    return Float64Array.from(this.incumbent, (x, d) =>
      Math.min(1, Math.max(0, x + sign * this.step * (direction[d] as number))),
    );
  }
}

/** A direction drawn uniformly from the unit sphere. */
export function randomDirection(dims: number, rng: Random): Float64Array {
  const direction = Float64Array.from({ length: dims }, () => randomNormal(rng));
  let norm = 0;
  for (const value of direction) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dims; d++) direction[d] = (direction[d] as number) / norm;
  return direction;
}

/** A restart point: the best configuration perturbed strongly in every direction. */
export function restartPoint(space: LearnerSpace, params: Params, rng: Random): Params {
  const unit = toUnit(space, params);
  for (let d = 0; d < unit.length; d++) {
    unit[d] = Math.min(1, Math.max(0, (unit[d] as number) + 0.3 * randomNormal(rng)));
  }
  return fromUnit(space, unit, params);
}
