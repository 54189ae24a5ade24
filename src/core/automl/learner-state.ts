import type { LearnerName } from '../learners/types';
import type { Random } from '../random';
import { LocalSearch, restartPoint, type Move } from './flow2';
import { paramsKey, type LearnerSpace } from './space';
import type { Params, TrialSource } from './types';

export interface Proposal {
  readonly learner: LearnerName;
  readonly params: Params;
  readonly source: TrialSource;
  /** Index into the fidelity levels. */
  readonly fidelity: number;
  /** The local-search move it came from, to report its loss against. */
  readonly move?: Move;
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
  /** Configurations proposed whose trials have not reported yet. */
  private readonly outstanding = new Set<string>();
  private promoting = false;
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
  /** Trials proposed and not reported yet (trials run in parallel, results come back later). */
  pending = 0;

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
      this.trials > 0 &&
      this.pending === 0
    );
  }

  /**
   * Whether a proposal can be made before more results come back. Not while a promotion is out
   * (trials on the smaller sample would be stale), nor, without any result yet, beyond the
   * starting points, nor for a learner without a search space once its runs are out.
   */
  get ready(): boolean {
    if (this.queue.length > 0) return true;
    if (this.promoting) return false;
    if (this.incumbent && this.ripeForPromotion) return true;
    if (!this.incumbent) return this.pending === 0;
    return this.space.dims.length > 0;
  }

  private key(params: Params, fidelity = this.fidelity) {
    return `${fidelity}|${paramsKey(params)}`;
  }

  propose(rng: Random): Proposal {
    const proposal = this.next(rng);
    this.pending++;
    this.outstanding.add(this.key(proposal.params, proposal.fidelity));
    if (proposal.source === 'promotion') this.promoting = true;
    return proposal;
  }

  private next(rng: Random): Proposal {
    const make = (
      params: Params,
      source: TrialSource,
      fidelity = this.fidelity,
      move?: Move,
    ): Proposal => ({
      learner: this.learner,
      params,
      source,
      fidelity,
      ...(move ? { move } : {}),
    });
    const initial = this.queue.shift();
    if (initial) return make(initial, 'initial');
    if (this.incumbent && this.ripeForPromotion) {
      return make(this.incumbent.params, 'promotion', this.fidelity + 1);
    }
    if (!this.incumbent) return make(restartPoint(this.space, this.firstParams, rng), 'restart');
    this.local ??= new LocalSearch(this.space, this.incumbent.params, this.incumbent.loss);
    for (let attempt = 0; attempt < MAX_DUPLICATES && !this.local.converged; attempt++) {
      const { params, move } = this.local.propose(rng);
      const key = this.key(params);
      const known = this.evaluated.get(key);
      if (known === undefined && !this.outstanding.has(key)) {
        return make(params, 'local-search', this.fidelity, move);
      }
      // A configuration still running counts as no better, so that the search moves on.
      this.local.report(move, params, known ?? Infinity);
    }
    // Converged, or every nearby point was tried: restart FLOW2 from a distant point (CFO).
    return make(restartPoint(this.space, this.incumbent.params, rng), 'restart');
  }

  /** Records a finished trial; `loss` is Infinity for a failed or timed-out one. */
  report(proposal: Proposal, loss: number, cost: number): void {
    const key = this.key(proposal.params, proposal.fidelity);
    this.trials++;
    this.pending = Math.max(0, this.pending - 1);
    this.outstanding.delete(key);
    this.totalCost += cost;
    this.evaluated.set(key, loss);
    // A trial proposed on a smaller sample before a promotion came back: its score does not
    // compare with those on more rows, so it only adds to the bookkeeping.
    const stale = proposal.fidelity < this.fidelity;
    if (proposal.source === 'promotion') {
      this.promoting = false;
      this.fidelity = proposal.fidelity;
      this.trialsAtFidelity = 0;
      this.sinceImprovement = 0;
      this.local = null;
      this.incumbent = Number.isFinite(loss) ? { params: proposal.params, loss } : this.incumbent;
    } else if (stale) {
      // Neither an improvement nor a failure at the current fidelity.
    } else if (proposal.source === 'restart') {
      this.local = Number.isFinite(loss)
        ? new LocalSearch(this.space, proposal.params, loss)
        : null;
    } else if (proposal.source === 'local-search' && proposal.move) {
      this.local?.report(proposal.move, proposal.params, loss);
    }
    if (!stale) this.trialsAtFidelity++;
    // A promotion's score on more rows is the new baseline, neither an improvement nor a failure.
    if (proposal.source !== 'promotion' && !stale) {
      if (Number.isFinite(loss) && (this.incumbent === null || loss < this.incumbent.loss)) {
        this.incumbent = { params: proposal.params, loss };
        this.sinceImprovement = 0;
        // A starting point that came back better than where local search went: search from it.
        if (proposal.source === 'initial') this.local = null;
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
