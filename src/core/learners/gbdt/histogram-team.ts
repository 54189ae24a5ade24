import { TrainingError } from '../../errors/training-error';
import type { BinnedData } from './binning';
import {
  accumulateGroups,
  buildHistogram,
  gatherGradients,
  groupEnd,
  groupStart,
  type HistogramSource,
} from './histogram';

/**
 * Builds node histograms for the grower. The serial builder runs on the caller's thread; the
 * shared one splits each histogram's word groups between the caller and helper threads.
 */
export interface HistogramBuilder {
  /**
   * Fills the word groups `groups[0 … groupCount - 1]` of `histogram` from the rows
   * `rowIndex[start … end - 1]`; `rowsInOrder` says `rowIndex[start + i] = i`.
   */
  build(
    histogram: Float64Array,
    rowIndex: Uint32Array,
    start: number,
    end: number,
    gradients: Float32Array,
    hessians: Float32Array,
    rowsInOrder: boolean,
    groups: Int32Array,
    groupCount: number,
  ): void;
  /** Releases the helpers (if any) for the next fit. */
  close(): void;
}

/**
 * Helper threads that build histogram parts in shared memory, provided by the platform: worker
 * threads in Node, Web Workers in a cross-origin-isolated page. Core only posts them a session
 * and coordinates through `Atomics`, so it stays free of platform APIs.
 */
export interface HistogramHelpers {
  /** How many helper threads work beside the caller. */
  readonly size: number;
  /**
   * Hands every helper the shared memory of one fit; each then runs `serveHistogramJobs(session)`.
   * Delivery may be late: work a helper has not claimed is done by the caller.
   */
  share(session: HistogramSession): void;
}

/** What a helper needs for one fit. Every buffer is shared memory. */
export interface HistogramSession {
  readonly control: SharedArrayBuffer;
  readonly words: SharedArrayBuffer;
  readonly offsets: SharedArrayBuffer;
  readonly rowIndex: SharedArrayBuffer;
  readonly gradients: SharedArrayBuffer;
  readonly hessians: SharedArrayBuffer;
  readonly histogram: SharedArrayBuffer;
  readonly rows: number;
  readonly cols: number;
  readonly constantHessian: boolean;
}

export class SerialHistogramBuilder implements HistogramBuilder {
  private readonly gatheredGradients: Float32Array;
  private readonly gatheredHessians: Float32Array;
  private readonly bases = new Int32Array(8);

  constructor(
    private readonly binned: BinnedData,
    private readonly constantHessian: boolean,
  ) {
    this.gatheredGradients = new Float32Array(binned.rows);
    this.gatheredHessians = new Float32Array(constantHessian ? 0 : binned.rows);
  }

  build(
    histogram: Float64Array,
    rowIndex: Uint32Array,
    start: number,
    end: number,
    gradients: Float32Array,
    hessians: Float32Array,
    rowsInOrder: boolean,
    groups: Int32Array,
    groupCount: number,
  ) {
    const { binned } = this;
    const source: HistogramSource = {
      rows: binned.rows,
      cols: binned.cols,
      words: binned.words,
      offsets: binned.offsets,
      gradients,
      hessians,
      constantHessian: this.constantHessian,
    };
    buildHistogram(
      source,
      histogram,
      rowIndex,
      start,
      end,
      groups,
      groupCount,
      this.gatheredGradients,
      this.gatheredHessians,
      this.bases,
      rowsInOrder,
    );
  }

  close() {}
}

/*
 * The control words of a session (an Int32Array over `HistogramSession.control`).
 *
 * A job is one histogram; its tasks are consecutive pairs of word groups. The caller writes a
 * job's parameters, resets DONE, then publishes CLAIM = (tag << TASK_BITS) | 0 and bumps SEQ.
 * Anyone claims task `t` by moving CLAIM from (tag, t) to (tag, t + 1) with compare-and-swap,
 * having read TASKS after seeing the tag. A successful swap with `t < TASKS` proves the job was
 * not finished at that moment, so its parameters cannot change until this task is counted in
 * DONE; a helper that wakes late sees a stale tag and claims nothing. The caller starts the next
 * job only once DONE equals TASKS.
 */
const CLAIM = 0;
const SEQ = 1;
const DONE = 2;
const STOP = 3;
const FAILED = 4;
const COUNT = 5;
const TASKS = 6;
const GROUPS = 16;
const TASK_BITS = 12;
const TASK_MASK = (1 << TASK_BITS) - 1;
const TAG_MASK = (1 << (32 - TASK_BITS)) - 1;

/** Histograms smaller than this many row × feature updates are not worth waking a helper for. */
const PARALLEL_WORK = 1 << 16;

/** A job whose helpers show no progress for this long is abandoned with an error. */
const STALL_MS = 60_000;

/** Claims the next task of the job tagged `tag`; -1 when none is left or the job has moved on. */
function claimTask(control: Int32Array, tag: number): number {
  for (;;) {
    const claim = Atomics.load(control, CLAIM);
    if (claim >>> TASK_BITS !== tag) return -1;
    const task = claim & TASK_MASK;
    if (task >= Atomics.load(control, TASKS)) return -1;
    if (Atomics.compareExchange(control, CLAIM, claim, claim + 1) === claim) return task;
  }
}

interface SharedViews {
  readonly control: Int32Array;
  readonly source: HistogramSource;
  readonly rowIndex: Uint32Array;
  readonly histogram: Float64Array;
  readonly bases: Int32Array;
}

function viewsOf(session: HistogramSession): SharedViews {
  const gradients = new Float32Array(session.gradients);
  return {
    control: new Int32Array(session.control),
    source: {
      rows: session.rows,
      cols: session.cols,
      words: new Uint32Array(session.words),
      offsets: new Int32Array(session.offsets),
      gradients,
      hessians: new Float32Array(session.hessians),
      constantHessian: session.constantHessian,
    },
    rowIndex: new Uint32Array(session.rowIndex),
    histogram: new Float64Array(session.histogram),
    bases: new Int32Array(8),
  };
}

/** Runs task `task` of the current job: one pair of word groups (or a last single one). */
function runTask(views: SharedViews, task: number) {
  const { control, source, rowIndex, histogram, bases } = views;
  const groupCount = control[GROUPS - 1] as number;
  const k = 2 * task;
  accumulateGroups(
    source,
    histogram,
    rowIndex,
    0,
    control[COUNT] as number,
    source.gradients,
    source.hessians,
    control[GROUPS + k] as number,
    k + 1 < groupCount ? (control[GROUPS + k + 1] as number) : -1,
    bases,
  );
}

/**
 * A helper's loop: sleeps until the caller publishes a job, works on its tasks, and returns when
 * the session stops. A failing task is recorded so the caller can raise it, and still counted as
 * done so nobody waits for it.
 */
export function serveHistogramJobs(session: HistogramSession) {
  const views = viewsOf(session);
  const { control } = views;
  let seen = 0;
  for (;;) {
    Atomics.wait(control, SEQ, seen);
    if (Atomics.load(control, STOP) !== 0) return;
    seen = Atomics.load(control, SEQ);
    const tag = seen & TAG_MASK;
    for (let task = claimTask(control, tag); task >= 0; task = claimTask(control, tag)) {
      try {
        runTask(views, task);
      } catch {
        Atomics.store(control, FAILED, 1);
      }
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  }
}

const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));

/**
 * Splits each large enough histogram between the caller and `helpers`; smaller ones are built
 * serially. Either way every bin sums its rows in row order, so the result is bit-for-bit the
 * serial builder's.
 */
export class SharedHistogramBuilder implements HistogramBuilder {
  private readonly views: SharedViews;
  private readonly serial: SerialHistogramBuilder;
  private readonly canSleep: boolean;
  private seq = 0;

  constructor(
    private readonly binned: BinnedData,
    constantHessian: boolean,
    histogramLength: number,
    helpers: HistogramHelpers,
  ) {
    const { rows, cols, words, offsets } = binned;
    const session: HistogramSession = {
      control: shared(4 * (GROUPS + words.length / rows)),
      words: shared(words.byteLength),
      offsets: shared(offsets.byteLength),
      rowIndex: shared(4 * rows),
      gradients: shared(4 * rows),
      hessians: shared(constantHessian ? 0 : 4 * rows),
      histogram: shared(8 * histogramLength),
      rows,
      cols,
      constantHessian,
    };
    this.views = viewsOf(session);
    (this.views.source.words as Uint32Array).set(words);
    (this.views.source.offsets as Int32Array).set(offsets);
    this.serial = new SerialHistogramBuilder(binned, constantHessian);
    this.canSleep = sleepAllowed(this.views.control);
    try {
      helpers.share(session);
    } catch (error) {
      // Helpers that did receive the session must not wait for jobs that will never come.
      this.close();
      throw error;
    }
  }

  build(
    histogram: Float64Array,
    rowIndex: Uint32Array,
    start: number,
    end: number,
    gradients: Float32Array,
    hessians: Float32Array,
    rowsInOrder: boolean,
    groups: Int32Array,
    groupCount: number,
  ) {
    const count = end - start;
    if (groupCount < 2 || count * groupCount * 4 < PARALLEL_WORK) {
      this.serial.build(
        histogram,
        rowIndex,
        start,
        end,
        gradients,
        hessians,
        rowsInOrder,
        groups,
        groupCount,
      );
      return;
    }
    const { control, source } = this.views;
    this.views.rowIndex.set(rowIndex.subarray(start, end));
    if (rowsInOrder) {
      source.gradients.set(gradients.subarray(0, count));
      if (!source.constantHessian) source.hessians.set(hessians.subarray(0, count));
    } else {
      const from = { ...source, gradients, hessians };
      gatherGradients(from, rowIndex, start, count, source.gradients, source.hessians);
    }
    const tasks = (groupCount + 1) >> 1;
    control[COUNT] = count;
    control[TASKS] = tasks;
    control[GROUPS - 1] = groupCount;
    control.set(groups.subarray(0, groupCount), GROUPS);
    Atomics.store(control, DONE, 0);
    this.seq = (this.seq + 1) | 0;
    const tag = this.seq & TAG_MASK;
    Atomics.store(control, CLAIM, (tag << TASK_BITS) >>> 0);
    Atomics.store(control, SEQ, this.seq);
    Atomics.notify(control, SEQ);

    for (let task = claimTask(control, tag); task >= 0; task = claimTask(control, tag)) {
      runTask(this.views, task);
      Atomics.add(control, DONE, 1);
    }
    this.awaitDone(tasks);
    if (Atomics.load(control, FAILED) !== 0) {
      throw new TrainingError(
        'device-lost',
        'A histogram helper thread failed while building a node histogram.',
        'gbdt helpers',
      );
    }
    const { offsets } = this.binned;
    const cols = this.binned.cols;
    const staged = this.views.histogram;
    for (let k = 0; k < groupCount; k++) {
      const group = groups[k] as number;
      const from = groupStart(offsets, group);
      histogram.set(staged.subarray(from, groupEnd(offsets, cols, group)), from);
    }
  }

  /** Waits for the helpers' claimed tasks: a short spin, then sleeps (where the thread may). */
  private awaitDone(tasks: number) {
    const { control } = this.views;
    let spins = 0;
    let waited = 0;
    let done = Atomics.load(control, DONE);
    while (done < tasks) {
      if (spins < 2000 || !this.canSleep) {
        spins++;
      } else {
        const before = done;
        Atomics.wait(control, DONE, done, 5);
        waited = Atomics.load(control, DONE) === before ? waited + 5 : 0;
        if (waited >= STALL_MS) {
          throw new TrainingError(
            'device-lost',
            `A histogram helper thread stopped responding for ${STALL_MS / 1000} s.`,
            'gbdt helpers',
          );
        }
      }
      done = Atomics.load(control, DONE);
    }
  }

  close() {
    const { control } = this.views;
    Atomics.store(control, STOP, 1);
    Atomics.store(control, SEQ, (this.seq + 1) | 0);
    Atomics.notify(control, SEQ);
  }
}

/** Whether this thread may block in `Atomics.wait` (a browser page's main thread may not). */
function sleepAllowed(control: Int32Array): boolean {
  try {
    Atomics.wait(control, STOP, 1, 0);
    return true;
  } catch {
    return false;
  }
}
