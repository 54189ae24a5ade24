import { TrainingError } from '../errors/training-error';
import type { LearnerName } from '../learners/types';
import { EnsembleModel } from '../model/ensemble';
import type { Model, Predictor } from '../model/model';
import { seededRandom, type Random } from '../random';
import type { Table } from '../table';
import { checkConvergence, patienceFor, scoreNoise } from './convergence';
import { fitCost, fitUsesTfjs } from './cost';
import { chooseEnsemble } from './ensemble';
import {
  GPU_LEARNERS,
  inProcessTrials,
  stoppedOutcome,
  type TrialExecutor,
  type TrialExecutorFactory,
} from './executor';
import { featurizationOf } from './features';
import { LearnerState, type Proposal } from './learner-state';
import { lossOf } from './metric';
import { refitTrial } from './refit';
import { selectLearner } from './scheduler';
import { deriveSeed } from './seeds';
import { DEFAULT_BUDGET_SECONDS, prepare, type Prepared } from './setup';
import { learnerSpace } from './space';
import { summarize } from './summary';
import type { TrialContext, TrialOutcome } from './trial';
import { trialWorkload } from './workload';
import type {
  AutoMLEvent,
  AutoMLOptions,
  AutoMLSetup,
  AutoMLSummary,
  BestSoFar,
  EnsembleChoice,
  Params,
  StopReason,
  TrialInfo,
  TrialRecord,
} from './types';

export interface RunOptions {
  /** Seconds of search for this run (pauses excluded); the search's planned budget by default. */
  readonly budgetSeconds?: number;
  /** Trials this run may start, at most. */
  readonly maxTrials?: number;
  /** Aborting stops the search at once; the trials so far are kept and `finish` still works. */
  readonly signal?: AbortSignal;
  /** Stop early enough, within the budget, for `finish` to refit the best model (default true). */
  readonly reserveRefit?: boolean;
  /**
   * Stop before the budget once every learner has been tried and the best score has stopped
   * moving (default true); see `checkConvergence`.
   */
  readonly stopWhenConverged?: boolean;
}

export interface RunResult {
  readonly reason: StopReason;
  /** Why it stopped, in a sentence. */
  readonly detail: string;
  readonly trials: number;
  readonly elapsedSeconds: number;
}

export interface FinishOptions {
  /** Seconds the refit may take; ensemble members beyond it are not considered. */
  readonly budgetSeconds?: number;
  readonly signal?: AbortSignal;
}

export interface AutoMLResult {
  readonly predictor: Predictor;
  readonly summary: AutoMLSummary;
}

/** Trials whose validation predictions are kept for ensemble selection, best first. */
const KEPT_PREDICTIONS = 20;
const ENSEMBLE_CANDIDATES = 15;
/** Consecutive failed or timed-out trials after which a learner is dropped. */
const MAX_FAILURES = 3;
/** Seconds left below which a learner not yet tried is not started past its expected cost. */
const LAST_CHANCE_SECONDS = 0.2;
/** Trials shorter than this do not set the machine's pace (see `speed`). */
const CALIBRATION_SECONDS = 0.2;
/** Reference seconds to load tfjs and start its backend, before a tfjs learner's first fit. */
const TFJS_STARTUP_SECONDS = 0.8;

/**
 * Trial k is proposed from the results of trials 1 … k − PROPOSAL_WINDOW only, whatever finished
 * since: so up to this many trials run at once, and which trials a search runs, and how they
 * score, depend on its seed alone, not on how many run at once or which finishes first.
 */
export const PROPOSAL_WINDOW = 4;

interface Pending {
  readonly proposal: Proposal;
  readonly id: number;
  readonly gpu: boolean;
}

/** A trial running on the executor. */
interface Flight {
  readonly pending: Pending;
  readonly info: TrialInfo;
  readonly abort: AbortController;
  interruption: 'paused' | 'cancelled' | null;
  /** Search-clock milliseconds by which it must end, and the end of the search it ran in. */
  readonly limit: number;
  readonly stopAt: number;
  readonly cost: number;
  readonly done: Promise<void>;
}

/** A recorded trial whose result the search state has not taken in yet. */
interface Finished {
  readonly pending: Pending;
  readonly record: TrialRecord;
  readonly outcome: TrialOutcome;
  readonly cost: number;
  /** It timed out because the search's time ended, not because of its own pace. */
  readonly stoppedByEnd: boolean;
}

export interface SearchOptions extends AutoMLOptions {
  /**
   * Builds the executor that runs the trials (workers, threads); in this thread, one at a time,
   * when left out.
   */
  readonly trials?: TrialExecutorFactory;
}

/**
 * A budgeted search over learners and hyperparameters, in FLAML's manner: cheap strong starting
 * points, learners chosen by estimated cost for improvement, FLOW2 local search, samples before
 * all rows on large data. Every trial streams out as events; `pause`, `resume`, an abort signal
 * and repeated `run` calls (continue for N more seconds) control it; `finish` builds the model.
 */
export class AutoMLSearch {
  private readonly records: TrialRecord[] = [];
  private readonly byId = new Map<number, TrialRecord>();
  private readonly states: LearnerState[];
  private readonly predictions = new Map<number, Float64Array>();
  private readonly refitEstimates = new Map<number, number>();
  /** Standard errors of the successful trials' scores, by id. */
  private readonly noise = new Map<number, number>();
  private readonly refits = new Map<number, Model>();
  private readonly ratios: number[] = [];
  /** Whether a trial of a tfjs learner has been proposed (tfjs is loaded by then). */
  private tfjsStarted = false;
  private readonly rng: Random;
  private readonly context: TrialContext;
  private readonly executor: TrialExecutor;
  private readonly setupWithConcurrency: AutoMLSetup;
  /** Proposed trials not running: new ones, and those a pause or a stop interrupted. By id. */
  private readonly queue: Pending[] = [];
  private readonly flights = new Map<number, Flight>();
  private readonly finished = new Map<number, Finished>();
  /** Ids proposed whose results the search state has not taken in yet. */
  private readonly unapplied = new Set<number>();
  private nudge: () => void = () => {};
  private nextId = 1;
  private running = false;
  private runStart = 0;
  private pausedAt: number | null = null;
  private pausedTotal = 0;
  private waiters: (() => void)[] = [];
  private searchSeconds = 0;
  private stopReason: StopReason | null = null;
  private stopDetail: string | null = null;
  /** Set when the current run's results say the search has converged. */
  private convergence: string | null = null;
  private lastEnsemble: EnsembleChoice | null = null;
  private lastRefit = { seconds: 0, rows: 0 };

  private constructor(
    private readonly prepared: Prepared,
    private readonly options: SearchOptions,
  ) {
    const { shape, fidelities, learners, seed } = prepared;
    this.states = learners.map(
      (learner) => new LearnerState(learner, learnerSpace(learner, shape), fidelities.length),
    );
    this.rng = seededRandom(deriveSeed(seed, 'search'));
    this.context = {
      store: prepared.store,
      plan: prepared.plan,
      metric: prepared.metric,
      classes: shape.classes,
      seed,
      now: options.now,
    };
    const local = inProcessTrials(this.context);
    this.executor = options.trials ? options.trials(trialWorkload(prepared), local) : local;
    this.setupWithConcurrency = { ...prepared.setup, concurrency: this.concurrency };
  }

  /** Checks the data, applies the guardrails and plans validation; emits `setup`. */
  static async create(table: Table, options: SearchOptions): Promise<AutoMLSearch> {
    const search = new AutoMLSearch(await prepare(table, options), options);
    search.emit({ type: 'setup', setup: search.setup });
    return search;
  }

  get setup(): AutoMLSetup {
    return this.setupWithConcurrency;
  }

  /** Trials that run at once: the executor's, up to the proposal window. */
  get concurrency(): number {
    return Math.max(1, Math.min(Math.floor(this.executor.concurrency), PROPOSAL_WINDOW));
  }

  get trials(): readonly TrialRecord[] {
    return this.records;
  }

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The best trial so far. */
  get best(): BestSoFar | null {
    const record = this.bestRecord();
    return record && { trial: record.id, learner: record.learner, score: record.score as number };
  }

  /** Search seconds over every run, pauses excluded. */
  get elapsedSeconds(): number {
    return this.searchSeconds + (this.running ? (this.clock() - this.runStart) / 1000 : 0);
  }

  /** Stops the running trials (they run again, unchanged, on `resume`) and holds the search. */
  pause(): void {
    if (this.pausedAt !== null) return;
    this.pausedAt = this.options.now();
    this.interruptAll('paused');
    this.emit({ type: 'paused', elapsedSeconds: this.elapsedSeconds });
    this.nudge();
  }

  resume(): void {
    if (this.pausedAt === null) return;
    this.pausedTotal += this.options.now() - this.pausedAt;
    this.pausedAt = null;
    for (const wake of this.waiters.splice(0)) wake();
    this.emit({ type: 'resumed', elapsedSeconds: this.elapsedSeconds });
  }

  /**
   * Searches until the budget, the trial cap, the score threshold or the signal stops it. Call it
   * again to continue where it stopped, with a new budget.
   */
  async run(options: RunOptions = {}): Promise<RunResult> {
    if (this.running) throw new TrainingError('invalid-params', 'The search is already running.');
    const budget = options.budgetSeconds ?? this.options.budgetSeconds ?? DEFAULT_BUDGET_SECONDS;
    if (!(budget > 0)) {
      throw new TrainingError(
        'invalid-params',
        `The budget must be above 0 seconds, got ${budget}.`,
        'budget',
      );
    }
    const { maxTrials } = options;
    if (maxTrials !== undefined && !(Number.isInteger(maxTrials) && maxTrials >= 1)) {
      throw new TrainingError(
        'invalid-params',
        `maxTrials must be a whole number ≥ 1, got ${maxTrials}.`,
        'maxTrials',
      );
    }
    const signals = [options.signal, this.options.signal].filter((s): s is AbortSignal => !!s);
    const aborted = () => signals.some((signal) => signal.aborted);
    const onAbort = () => {
      this.interruptAll('cancelled');
      for (const wake of this.waiters.splice(0)) wake();
      this.nudge();
    };
    for (const signal of signals) signal.addEventListener('abort', onAbort);
    this.running = true;
    this.runStart = this.clock();
    const end = this.runStart + budget * 1000;
    const slots = this.concurrency;
    const started = new Set<number>();
    const before = this.records.length;
    const untilConverged = options.stopWhenConverged === false ? null : { firstOfRun: this.nextId };
    this.convergence = null;
    let elapsed = 0;
    let stopping: StopReason | null = null;
    let reason: StopReason;
    try {
      for (;;) {
        if (aborted()) {
          this.interruptAll('cancelled');
          await this.settle();
          reason = 'cancelled';
          break;
        }
        if (this.pausedAt !== null) {
          this.interruptAll('paused');
          await this.settle();
          if (this.pausedAt !== null && !aborted()) {
            await new Promise<void>((wake) => this.waiters.push(wake));
          }
          continue;
        }
        if (!stopping && this.reachedThreshold()) {
          stopping = 'threshold';
          this.interruptAll('cancelled');
        }
        const reserve = options.reserveRefit === false ? 0 : this.refitReserve();
        const stopAt = end - reserve * 1000;
        // The first trial of a search always runs: without one there is no model at all.
        const first = () => this.records.length === 0 && this.flights.size === 0;
        if (!stopping && !first() && stopAt - this.clock() <= 0) stopping = 'budget';
        while (!stopping && this.flights.size < slots) {
          const left = first() ? Infinity : (stopAt - this.clock()) / 1000;
          const capped = maxTrials !== undefined;
          if (capped && started.size >= maxTrials) break;
          const gpuBusy = [...this.flights.values()].some((flight) => flight.pending.gpu);
          const next = this.queue.find((pending) => !pending.gpu || !gpuBusy);
          if (!next) {
            if (capped && started.size + this.queue.length >= maxTrials) break;
            const proposed = this.proposeNext(left, untilConverged);
            if (proposed === 'wait') break;
            if (proposed === 'exhausted' || proposed === 'budget' || proposed === 'converged') {
              if (!this.flights.size && !this.queue.length) stopping = proposed;
              break;
            }
            this.queue.push(proposed);
            continue;
          }
          this.queue.splice(this.queue.indexOf(next), 1);
          started.add(next.id);
          this.dispatch(next, first() ? Infinity : stopAt, budget, (ranOut) => {
            if (ranOut) stopping ??= 'budget';
          });
        }
        if (!this.flights.size) {
          if (maxTrials !== undefined && started.size >= maxTrials) stopping ??= 'max-trials';
          // Nothing runs and nothing could start: whatever was to come needs more than this run.
          reason = stopping ?? 'exhausted';
          break;
        }
        await new Promise<void>((wake) => {
          this.nudge = wake;
          for (const flight of this.flights.values()) void flight.done.then(wake);
        });
        this.nudge = () => {};
      }
    } finally {
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
      this.interruptAll('cancelled');
      await this.settle();
      this.applyFinished(Infinity);
      elapsed = (this.clock() - this.runStart) / 1000;
      this.searchSeconds += elapsed;
      this.running = false;
    }
    const ran = this.records.length - before;
    const detail = this.describeStop(reason, budget, maxTrials);
    this.stopReason = reason;
    this.stopDetail = detail;
    this.emit({
      type: 'search-stopped',
      reason,
      detail,
      elapsedSeconds: this.searchSeconds,
      trials: this.records.length,
    });
    return { reason, detail, trials: ran, elapsedSeconds: elapsed };
  }

  /**
   * Builds the final model: greedy ensemble selection over the best trials' validation
   * predictions, kept only when it beats the best single model, then a refit of the chosen
   * members on all training rows. Can be called again after more search.
   */
  async finish(options: FinishOptions = {}): Promise<AutoMLResult> {
    if (this.running) {
      throw new TrainingError('invalid-params', 'Stop or wait for the search before finishing it.');
    }
    const best = this.bestRecord();
    if (!best) {
      const errors = [...new Set(this.records.map((record) => record.error).filter(Boolean))];
      throw new TrainingError(
        'invalid-input',
        `No trial finished${errors.length ? `: ${errors.slice(0, 3).join('; ')}` : ''}. Give the search more time.`,
      );
    }
    const started = this.options.now();
    const ensemble = this.chooseEnsemble(best, options.budgetSeconds);
    this.lastEnsemble = ensemble;
    const members = ensemble?.kept
      ? ensemble.members.map((member) => ({
          record: this.byId.get(member.trial) as TrialRecord,
          weight: member.weight,
        }))
      : [{ record: best, weight: 1 }];
    const rows = this.prepared.target.y.length;
    this.emit({
      type: 'refit-started',
      members: members.map(({ record }) => ({ trial: record.id, learner: record.learner })),
      rows,
    });
    const models: Model[] = [];
    for (const { record } of members) {
      let model = this.refits.get(record.id);
      if (!model) {
        model = await refitTrial(this.prepared, this.options.target, record, options.signal);
        this.refits.set(record.id, model);
      }
      models.push(model);
    }
    const predictor: Predictor =
      models.length > 1
        ? new EnsembleModel(
            models,
            members.map((member) => member.weight),
          )
        : (models[0] as Model);
    const seconds = (this.options.now() - started) / 1000;
    this.lastRefit = { seconds, rows };
    this.emit({ type: 'refit-finished', seconds });
    return { predictor, summary: this.summary() };
  }

  /** The search so far, as plain data (the CLI's and the lab's report). */
  summary(): AutoMLSummary {
    return summarize({
      setup: this.setup,
      records: this.records,
      best: this.bestRecord(),
      ensemble: this.lastEnsemble,
      searchSeconds: this.elapsedSeconds,
      stopReason: this.stopReason,
      stopDetail: this.stopDetail,
      refit: this.lastRefit,
    });
  }

  private emit(event: AutoMLEvent) {
    this.options.onEvent?.(event);
  }

  /** The search clock in milliseconds: the caller's clock less the time spent paused. */
  private clock(): number {
    const now = this.options.now();
    return now - this.pausedTotal - (this.pausedAt === null ? 0 : now - this.pausedAt);
  }

  private lossOf(record: TrialRecord): number {
    return record.status === 'ok' ? lossOf(this.prepared.metric, record.score as number) : Infinity;
  }

  /**
   * The trial with the lowest loss; ties go to the one on more rows, then the earlier. A score on
   * a sample rarely beats the same configuration on all rows, so the best of any fidelity is
   * refitted on all of them.
   */
  private bestRecord(): TrialRecord | null {
    let best: TrialRecord | null = null;
    for (const record of this.records) {
      if (record.status !== 'ok') continue;
      const loss = this.lossOf(record);
      if (
        !best ||
        loss < this.lossOf(best) ||
        (loss === this.lossOf(best) && record.rows > best.rows)
      ) {
        best = record;
      }
    }
    return best;
  }

  private reachedThreshold(): boolean {
    const target = this.options.stopScore;
    const best = this.bestRecord();
    if (target === undefined || !best) return false;
    return this.lossOf(best) <= lossOf(this.prepared.metric, target);
  }

  /** Seconds to hold back for the refit of the best model, with a quarter to spare. */
  private refitReserve(): number {
    const best = this.bestRecord();
    return best ? 1.25 * (this.refitEstimates.get(best.id) ?? 0) : 0;
  }

  /** Cost-model seconds of a trial: one fit and prediction per fold. */
  private trialCost(learner: LearnerName, params: TrialInfo['params'], fidelity: number): number {
    const { shape, fidelities, plan } = this.prepared;
    const shapeAt = {
      rows: fidelities[fidelity] as number,
      cols: shape.cols,
      classes: shape.classes,
      predictRows: plan.y.length / plan.folds.length,
    };
    return fitCost(learner, params, shapeAt) * plan.folds.length;
  }

  /**
   * Cost-model seconds the first trial of a tfjs learner spends before it fits: loading tfjs and
   * starting its backend (about 0.8 s in Node and in a worker). Counted in the order of first
   * trials, so that a short budget is not spent waiting for it before the tree ensembles run.
   */
  private startupCost(learner: LearnerName, params: Params): number {
    return !this.tfjsStarted && this.usesTfjs(learner, params) ? TFJS_STARTUP_SECONDS : 0;
  }

  private usesTfjs(learner: LearnerName, params: Params): boolean {
    const { shape, fidelities, plan } = this.prepared;
    return fitUsesTfjs(learner, params, {
      rows: fidelities.at(-1) as number,
      cols: shape.cols,
      classes: shape.classes,
      predictRows: plan.y.length / plan.folds.length,
    });
  }

  /**
   * Measured seconds per cost-model second on this machine so far: the median over trials of at
   * least CALIBRATION_SECONDS (1 before any).
   */
  private speed(): number {
    if (!this.ratios.length) return 1;
    const sorted = [...this.ratios].sort((a, b) => a - b);
    return sorted[sorted.length >> 1] as number;
  }

  private propose(left: number): Pending | 'exhausted' | 'budget' | 'blocked' {
    const active = this.states.filter((state) => !state.dropped && !state.exhausted);
    if (!active.length) return 'exhausted';
    const ready = active.filter((state) => state.ready);
    if (!ready.length) return 'blocked';
    // FLAML skips a learner whose next trial is expected to outlast the time left.
    const affordable = ready.filter((state) => {
      const expected =
        state.trials > 0
          ? state.lastSeconds
          : (this.trialCost(state.learner, state.firstParams, 0) +
              this.startupCost(state.learner, state.firstParams)) *
            this.speed();
      return expected <= left;
    });
    const firstCost = (candidate: LearnerState) =>
      this.trialCost(candidate.learner, candidate.firstParams, 0) +
      this.startupCost(candidate.learner, candidate.firstParams);
    let state = selectLearner(affordable, this.rng, firstCost);
    if (!state && left >= LAST_CHANCE_SECONDS) {
      // A learner never tried is priced by the cost model alone, which errs high on small tables
      // (a forest of 400 rows × 30: 0.8 s expected, 0.24 s measured). With nothing else to run,
      // the cheapest such learner runs anyway: its trial ends with the budget, so it risks
      // nothing but time that would go unused.
      const untried = ready.filter((candidate) => candidate.trials === 0 && !candidate.pending);
      state = untried.sort((a, b) => firstCost(a) - firstCost(b))[0] ?? null;
    }
    if (!state) return 'budget';
    const proposal = state.propose(this.rng);
    if (this.usesTfjs(proposal.learner, proposal.params)) this.tfjsStarted = true;
    const id = this.nextId++;
    this.unapplied.add(id);
    return { proposal, id, gpu: GPU_LEARNERS.has(proposal.learner) };
  }

  /**
   * The next trial, proposed from the results of the trials at least PROPOSAL_WINDOW before it,
   * taken in by id; 'wait' while one of those is still running. When no learner can propose
   * (each waits for a result of its own), the earliest result outstanding is taken in first:
   * still an order fixed by the seed, never by which trial finished first.
   */
  private proposeNext(
    left: number,
    untilConverged: { readonly firstOfRun: number } | null,
  ): Pending | 'exhausted' | 'budget' | 'wait' | 'converged' {
    const horizon = this.nextId - PROPOSAL_WINDOW;
    this.applyFinished(horizon);
    if ([...this.unapplied].some((id) => id <= horizon)) return 'wait';
    if (untilConverged && this.hasConverged(horizon, untilConverged.firstOfRun)) {
      return 'converged';
    }
    for (;;) {
      const proposed = this.propose(left);
      if (proposed !== 'blocked') return proposed;
      const earliest = Math.min(...this.unapplied);
      if (!Number.isFinite(earliest) || !this.finished.has(earliest)) return 'wait';
      this.applyFinished(earliest);
    }
  }

  /**
   * Whether the results through `horizon` (all taken in) show a converged search: every learner
   * still searched has a result, and the best score has stopped moving (`checkConvergence`).
   */
  private hasConverged(horizon: number, firstOfRun: number): boolean {
    if (this.convergence !== null) return true;
    const active = this.states.filter((state) => !state.dropped);
    if (!active.length || active.some((state) => state.trials === 0)) return false;
    const check = checkConvergence({
      records: this.records.filter((record) => record.id <= horizon),
      firstOfRun,
      patience: patienceFor(active.length, this.prepared.plan.folds.length),
      lossOf: (record) => this.lossOf(record),
      noiseOf: (record) => this.noise.get(record.id) ?? 0,
    });
    if (check.converged) this.convergence = check.reason;
    return check.converged;
  }

  private describeStop(reason: StopReason, budget: number, maxTrials?: number): string {
    switch (reason) {
      case 'converged':
        return `Every learner was tried and ${this.convergence ?? 'the best score stopped improving'}.`;
      case 'budget': {
        // The search stops early enough to refit its best model on all rows in the time left.
        const reserve = this.refitReserve();
        const spent = `The time budget of ${Number(budget.toPrecision(3))} s is spent`;
        return reserve >= 0.05 * budget
          ? `${spent}, counting ${Number(reserve.toPrecision(3))} s kept to refit the best model on all rows.`
          : `${spent}.`;
      }
      case 'max-trials':
        return `It ran the ${maxTrials} trial${maxTrials === 1 ? '' : 's'} it was allowed.`;
      case 'threshold':
        return `A trial reached the target score of ${this.options.stopScore}.`;
      case 'cancelled':
        return 'It was stopped before its budget was spent.';
      case 'exhausted':
        return 'No learner had a trial left to run in the time left.';
    }
  }

  private interruptAll(reason: 'paused' | 'cancelled') {
    for (const flight of this.flights.values()) {
      if (flight.interruption) continue;
      flight.interruption = reason;
      flight.abort.abort();
    }
  }

  /** Waits until every running trial has stopped or finished. */
  private async settle() {
    while (this.flights.size) await Promise.all([...this.flights.values()].map((f) => f.done));
  }

  /** Starts a trial on the executor; `onEnd` hears whether it ran into the end of the search. */
  private dispatch(
    pending: Pending,
    stopAt: number,
    budget: number,
    onEnd: (ranOut: boolean) => void,
  ) {
    const { proposal, id } = pending;
    const { learner, params, fidelity } = proposal;
    const { fidelities } = this.prepared;
    const info: TrialInfo = {
      id,
      learner,
      params,
      source: proposal.source,
      rows: fidelities[fidelity] as number,
      fullFidelity: fidelity === fidelities.length - 1,
      featurization: featurizationOf(learner).name,
    };
    const cost = this.trialCost(learner, params, fidelity);
    // A trial may use the time left, but no more than its share: a quarter of the budget, or
    // three times what it is expected to take when that is more.
    const share = Math.max(0.25 * budget, 3 * cost * this.speed()) * 1000;
    const limit = Math.min(stopAt, this.clock() + share);
    const timeLimitMs = Number.isFinite(stopAt) ? Math.max(0, limit - this.clock()) : Infinity;
    const abort = new AbortController();
    let resolveDone = () => {};
    const flight: Flight = {
      pending,
      info,
      abort,
      interruption: null,
      limit,
      stopAt,
      cost,
      done: new Promise<void>((resolve) => (resolveDone = resolve)),
    };
    this.flights.set(id, flight);
    const startedAt = this.elapsedSeconds;
    this.emit({ type: 'trial-started', trial: info, elapsedSeconds: startedAt });
    const spec = { id, learner, params, rows: info.rows, timeLimitMs };
    const running = flight.interruption
      ? Promise.resolve(stoppedOutcome())
      : this.executor.run(spec, abort.signal).catch((error: unknown): TrialOutcome => ({
          ...stoppedOutcome(error instanceof Error ? error.message : String(error)),
          status: 'failed',
        }));
    void running.then((outcome) => {
      this.flights.delete(id);
      if (flight.interruption) {
        this.emit({ type: 'trial-interrupted', trial: id, reason: flight.interruption });
        this.requeue(pending);
      } else {
        onEnd(this.complete(flight, outcome, startedAt));
      }
      resolveDone();
    });
  }

  private requeue(pending: Pending) {
    const at = this.queue.findIndex((queued) => queued.id > pending.id);
    this.queue.splice(at < 0 ? this.queue.length : at, 0, pending);
  }

  /**
   * Records a finished trial at once (the leaderboard shows it) and holds its result for the
   * search state, which takes results in by id. Returns whether the search's time ran out.
   */
  private complete(flight: Flight, raw: TrialOutcome, startedAt: number): boolean {
    const { info, pending, cost } = flight;
    // Stopped without being asked to: the executor lost it (a worker that died).
    const outcome: TrialOutcome =
      raw.status === 'paused' || raw.status === 'cancelled'
        ? { ...raw, status: 'failed', error: raw.error ?? 'the trial stopped unexpectedly' }
        : raw;
    const record: TrialRecord = {
      ...info,
      status: outcome.status as TrialRecord['status'],
      score: outcome.score,
      foldScores: outcome.foldScores,
      fitSeconds: outcome.seconds,
      startedAt,
      ...(outcome.error ? { error: outcome.error } : {}),
    };
    const at = this.records.findIndex((existing) => existing.id > info.id);
    this.records.splice(at < 0 ? this.records.length : at, 0, record);
    this.byId.set(info.id, record);
    if (outcome.status === 'ok') {
      const meanFold =
        outcome.foldSeconds.reduce((sum, value) => sum + value, 0) / outcome.foldSeconds.length;
      // Fits grow a little slower than their rows (early stopping, shallower relative trees).
      const growth = Math.pow(this.prepared.target.y.length / info.rows, 0.9);
      this.refitEstimates.set(info.id, meanFold * growth);
      const { metric, plan, shape } = this.prepared;
      this.noise.set(
        info.id,
        scoreNoise(metric, plan, shape.classes, outcome.foldScores, outcome.predictions),
      );
      if (outcome.predictions) this.keepPredictions(info.id, outcome.predictions);
    }
    const stoppedByEnd = outcome.status === 'timeout' && flight.limit >= flight.stopAt;
    this.finished.set(info.id, { pending, record, outcome, cost, stoppedByEnd });
    this.emit({
      type: 'trial-finished',
      trial: record,
      best: this.best,
      elapsedSeconds: this.elapsedSeconds,
    });
    // The end of the search, not the learner, stopped it. Once that end has come there is no
    // time for more; before it (the trial was only projected to overrun), cheaper ones may fit.
    return stoppedByEnd && this.clock() >= flight.stopAt;
  }

  /** Takes finished results into the search state, in id order, up to `through`. */
  private applyFinished(through: number) {
    const ids = [...this.finished.keys()].filter((id) => id <= through).sort((a, b) => a - b);
    for (const id of ids) this.apply(this.finished.get(id) as Finished);
  }

  private apply({ pending, record, outcome, cost, stoppedByEnd }: Finished) {
    const { proposal, id } = pending;
    this.finished.delete(id);
    this.unapplied.delete(id);
    const { learner } = proposal;
    const state = this.states.find((candidate) => candidate.learner === learner) as LearnerState;
    const folds = this.prepared.plan.folds.length;
    state.report(proposal, this.lossOf(record), cost);
    // A trial stopped part-way counts at the pace it was going, so that it is not retried
    // while the time left is shorter.
    const done = outcome.foldSeconds.length;
    state.lastSeconds =
      outcome.status === 'timeout' && done > 0
        ? outcome.seconds + (outcome.foldSeconds[done - 1] as number) * (folds - done)
        : outcome.seconds;
    if (outcome.status === 'ok') {
      state.consecutiveFailures = 0;
      // Fits of milliseconds measure the fixed cost of a trial (threads, messages, folds), not
      // the machine's pace: counted, they would price every larger learner out of a short budget.
      if (outcome.seconds >= CALIBRATION_SECONDS) this.ratios.push(outcome.seconds / cost);
    } else if (!stoppedByEnd) {
      state.consecutiveFailures++;
      // A first trial that used up its whole share, not just the end of the search, shows the
      // learner is too slow for this budget.
      const tooSlow = outcome.status === 'timeout' && state.trials === 1;
      if (!state.dropped && (tooSlow || state.consecutiveFailures >= MAX_FAILURES)) {
        state.dropped =
          outcome.status === 'timeout'
            ? 'its trials do not finish in the time they are given'
            : `its trials fail: ${outcome.error ?? 'unknown error'}`;
        this.emit({ type: 'learner-dropped', learner, reason: state.dropped });
      }
    }
  }

  /** Keeps the validation predictions of the best trials only, to bound memory. */
  private keepPredictions(id: number, predictions: Float64Array) {
    this.predictions.set(id, predictions);
    if (this.predictions.size <= KEPT_PREDICTIONS) return;
    // The worst by loss, the later on ties: which ones are kept must not depend on the order in
    // which parallel trials finished.
    let worst = id;
    for (const trial of this.predictions.keys()) {
      const record = this.byId.get(trial) as TrialRecord;
      const current = this.byId.get(worst) as TrialRecord;
      const difference = this.lossOf(record) - this.lossOf(current);
      if (difference > 0 || (difference === 0 && trial > worst)) worst = trial;
    }
    this.predictions.delete(worst);
  }

  private chooseEnsemble(best: TrialRecord, budgetSeconds?: number): EnsembleChoice | null {
    const { metric, plan, shape } = this.prepared;
    const candidates = [...this.predictions.keys()]
      .map((trial) => this.byId.get(trial) as TrialRecord)
      .sort((a, b) => this.lossOf(a) - this.lossOf(b) || a.id - b.id)
      .slice(0, ENSEMBLE_CANDIDATES)
      .map((record) => ({
        record,
        predictions: this.predictions.get(record.id) as Float64Array,
        refitSeconds: this.refitEstimates.get(record.id) ?? 0,
      }));
    const allowance = Math.max(budgetSeconds ?? Infinity, this.refitEstimates.get(best.id) ?? 0);
    const choice = chooseEnsemble(
      best,
      candidates,
      metric,
      plan,
      shape.classes,
      allowance,
      this.setup.classWeight,
    );
    if (choice) this.emit({ type: 'ensemble', ensemble: choice });
    return choice;
  }
}
