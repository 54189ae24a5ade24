import type { LearnerName } from '../learners/types';
import type { Random } from '../random';
import { LocalSearch, restartPoint } from './flow2';
import { paramsKey, type LearnerSpace } from './space';
import type { Params, TrialSource } from './types';

export interface Proposal {
  readonly learner: LearnerName;
  readonly params: Params;
  readonly source: TrialSource;
  /** Index into the fidelity levels. */
  readonly fidelity: number;
}

/** Proposals in a row that may repeat tried configurations before the step is shrunk. */
const MAX_DUPLICATES = 20;

/**
 * One learner's search: its known-good starting configurations, then FLOW2 local search around
 * the incumbent, promoted to the next fidelity once it stalls on a sample; plus the bookkeeping
 * of FLAML's SearchState from which the scheduler estimates the cost of the next improvement.
 * Costs are cost-model seconds, so that decisions do not depend on the machine's speed.
 */
export class LearnerState {
  private readonly queue: Params[];
  private local: LocalSearch | null = null;
  private incumbent: { params: Params; loss: number } | null = null;
  private readonly evaluated = new Map<string, number>();
  private trialsAtFidelity = 0;
  private sinceImprovement = 0;
  fidelity = 0;
  dropped: string | null = null;
  consecutiveFailures = 0;
  // FLAML's SearchState, in cost-model seconds.
  trials = 0;
  totalCost = 0;
  bestLoss = Infinity;
  bestLossOld = Infinity;
  costBestFound = 0;
  costBestFoundOld = 0;
  /** The cost of the trial that found the best loss (FLAML's time2eval_best). */
  costOfBest = 0;
  /** Measured wall seconds of the latest trial, to skip learners that cannot finish in time. */
  lastSeconds = 0;

  constructor(
    readonly learner: LearnerName,
    readonly space: LearnerSpace,
    private readonly levels: number,
  ) {
    this.queue = [...space.initial];
  }

  /** The configuration the learner would start from. */
  get firstParams(): Params {
    return this.space.initial[0] ?? {};
  }

  get atFullFidelity(): boolean {
    return this.fidelity === this.levels - 1;
  }

  /** Stalled on a sample after its starting points: worth the same best config on more rows. */
  private get ripeForPromotion(): boolean {
    return (
      !this.atFullFidelity &&
      this.incumbent !== null &&
      this.queue.length === 0 &&
      (this.space.dims.length === 0 || this.sinceImprovement >= 2 || this.trialsAtFidelity >= 6)
    );
  }

  /** Nothing left to try: a learner without a search space, once it ran on all rows. */
  get exhausted(): boolean {
    return (
      this.space.dims.length === 0 &&
      this.queue.length === 0 &&
      (this.atFullFidelity || this.incumbent === null) &&
      this.trials > 0
    );
  }

  private key(params: Params, fidelity = this.fidelity) {
    return `${fidelity}|${paramsKey(params)}`;
  }

  propose(rng: Random): Proposal {
    const make = (params: Params, source: TrialSource, fidelity = this.fidelity): Proposal => ({
      learner: this.learner,
      params,
      source,
      fidelity,
    });
    const initial = this.queue.shift();
    if (initial) return make(initial, 'initial');
    if (this.incumbent && this.ripeForPromotion) {
      return make(this.incumbent.params, 'promotion', this.fidelity + 1);
    }
    if (!this.incumbent) return make(restartPoint(this.space, this.firstParams, rng), 'restart');
    this.local ??= new LocalSearch(this.space, this.incumbent.params, this.incumbent.loss);
    for (let attempt = 0; attempt < MAX_DUPLICATES && !this.local.converged; attempt++) {
      const params = this.local.propose(rng);
      const known = this.evaluated.get(this.key(params));
      if (known === undefined) return make(params, 'local-search');
      this.local.report(params, known);
    }
    // Converged, or every nearby point was tried: restart FLOW2 from a distant point (CFO).
    return make(restartPoint(this.space, this.incumbent.params, rng), 'restart');
  }

  /** Records a finished trial; `loss` is Infinity for a failed or timed-out one. */
  report(proposal: Proposal, loss: number, cost: number): void {
    this.trials++;
    this.totalCost += cost;
    this.evaluated.set(this.key(proposal.params, proposal.fidelity), loss);
    if (proposal.source === 'promotion') {
      this.fidelity = proposal.fidelity;
      this.trialsAtFidelity = 0;
      this.sinceImprovement = 0;
      this.local = null;
      this.incumbent = Number.isFinite(loss) ? { params: proposal.params, loss } : this.incumbent;
    } else if (proposal.source === 'restart') {
      this.local = Number.isFinite(loss)
        ? new LocalSearch(this.space, proposal.params, loss)
        : null;
    } else if (proposal.source === 'local-search') {
      this.local?.report(proposal.params, loss);
    }
    this.trialsAtFidelity++;
    // A promotion's score on more rows is the new baseline, neither an improvement nor a failure.
    if (proposal.source !== 'promotion') {
      if (Number.isFinite(loss) && (this.incumbent === null || loss < this.incumbent.loss)) {
        this.incumbent = { params: proposal.params, loss };
        this.sinceImprovement = 0;
      } else this.sinceImprovement++;
    }
    if (loss < this.bestLoss) {
      this.bestLossOld = Number.isFinite(this.bestLoss) ? this.bestLoss : 2 * loss;
      this.bestLoss = loss;
      this.costBestFoundOld = this.costBestFound;
      this.costBestFound = this.totalCost;
      this.costOfBest = cost;
    }
  }

  /**
   * FLAML's estimated cost for improvement: the cost that passed between its last two
   * improvements, or since the last one, whichever is larger; capped on a sample by the cost of
   * promoting; and, for a learner behind the leader, at least the cost its pace of improvement
   * needs to close the gap.
   */
  estimatedCostForImprovement(globalBestLoss: number, untriedCost: number): number {
    if (this.trials === 0) return untriedCost;
    let estimate = Math.max(
      this.costBestFound - this.costBestFoundOld,
      this.totalCost - this.costBestFound,
    );
    if (!this.atFullFidelity) estimate = Math.min(estimate, this.costOfBest * 4);
    const gap = this.bestLoss - globalBestLoss;
    if (gap > 0 && Number.isFinite(gap)) {
      const deltaLoss = this.bestLossOld - this.bestLoss || this.bestLoss;
      const deltaCost = this.totalCost - this.costBestFoundOld || 1e-10;
      const speed = deltaLoss / deltaCost;
      if (speed > 0 && Number.isFinite(speed)) estimate = Math.max((2 * gap) / speed, estimate);
    }
    if (!Number.isFinite(this.bestLoss)) estimate = Math.max(estimate, this.totalCost);
    return estimate || 1e-9;
  }
}
