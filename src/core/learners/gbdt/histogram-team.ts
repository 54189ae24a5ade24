import { wordGroups, type BinnedData } from './binning';
import {
  accumulateGroups,
  buildHistogram,
  gatherGradients,
  groupEnd,
  groupStart,
  subtractGroup,
  subtractInPlace,
  type HistogramSource,
} from './histogram';

/**
 * Owns the memory that histogram building reads and writes (the row index the grower partitions
 * and the histogram buffers) and builds node histograms in it. The serial builder works on the
 * caller's thread; the shared one keeps the row index in a `SharedArrayBuffer`, so helper threads
 * read node rows where the grower partitions them, and splits each large histogram's word groups
 * between the caller and the helpers.
 */
export interface HistogramBuilder {
  /** The grower's row index: node rows are `rowIndex[start … end - 1]`. */
  readonly rowIndex: Uint32Array;
  /** A histogram buffer (contents undefined) to pass to `build`. */
  acquire(): Float64Array;
  release(histogram: Float64Array): void;
  /**
   * Fills the word groups `groups[0 … groupCount - 1]` of `histogram` from the rows
   * `rowIndex[start … end - 1]` (`rowsInOrder` says `rowIndex[start + i] = i`), then, unless
   * `parent` is null, subtracts it from `parent` over the same groups, which turns the parent's
   * histogram into that of its other child.
   */
  build(
    histogram: Float64Array,
    start: number,
    end: number,
    gradients: Float32Array,
    hessians: Float32Array,
    rowsInOrder: boolean,
    groups: Int32Array,
    groupCount: number,
    parent: Float64Array | null,
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
  /** The current node's gradients (and hessians) in node order. */
  readonly gradients: SharedArrayBuffer;
  readonly hessians: SharedArrayBuffer;
  /** One histogram of `histogramLength` float64 values per helper, which it fills for the caller. */
  readonly staging: SharedArrayBuffer;
  readonly histogramLength: number;
  /** How many helpers the staging memory has room for. */
  readonly helpers: number;
  readonly rows: number;
  readonly cols: number;
  readonly constantHessian: boolean;
}

/** Histogram buffers for one fit, reused from node to node and tree to tree. */
class PlainPool {
  private readonly free: Float64Array[] = [];

  constructor(private readonly length: number) {}

  acquire(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.length);
  }

  release(histogram: Float64Array) {
    this.free.push(histogram);
  }
}

export class SerialHistogramBuilder implements HistogramBuilder {
  readonly rowIndex: Uint32Array;
  private readonly pool: PlainPool;
  private readonly gatheredGradients: Float32Array;
  private readonly gatheredHessians: Float32Array;
  private readonly bases = new Int32Array(8);

  constructor(
    private readonly binned: BinnedData,
    private readonly constantHessian: boolean,
    histogramLength: number,
  ) {
    this.rowIndex = new Uint32Array(binned.rows);
    this.pool = new PlainPool(histogramLength);
    this.gatheredGradients = new Float32Array(binned.rows);
    this.gatheredHessians = new Float32Array(constantHessian ? 0 : binned.rows);
  }

  acquire() {
    return this.pool.acquire();
  }

  release(histogram: Float64Array) {
    this.pool.release(histogram);
  }

  build(
    histogram: Float64Array,
    start: number,
    end: number,
    gradients: Float32Array,
    hessians: Float32Array,
    rowsInOrder: boolean,
    groups: Int32Array,
    groupCount: number,
    parent: Float64Array | null,
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
      this.rowIndex,
      start,
      end,
      groups,
      groupCount,
      this.gatheredGradients,
      this.gatheredHessians,
      this.bases,
      rowsInOrder,
    );
    if (parent) {
      subtractInPlace(parent, histogram, binned.offsets, binned.cols, groups, groupCount);
    }
  }

  close() {}
}

/*
 * The control words of a session (an Int32Array over `HistogramSession.control`).
 *
 * A job is one node histogram; its tasks are consecutive pairs of word groups. The caller writes
 * the job's parameters, sets every task's STATE to (tag, PENDING), then publishes
 * CLAIM = (tag << TASK_BITS) | 0 and bumps SEQ. Anyone claims task `t` by moving CLAIM from
 * (tag, t) to (tag, t + 1) with compare-and-swap, so each task has one owner.
 *
 * The caller builds the tasks it claims straight into the node's histogram. A helper builds its
 * tasks into its own staging histogram and then hands each over by moving the task's STATE from
 * (tag, PENDING) to (tag, DELIVERED + helper). Once the caller has run out of tasks to claim, it
 * copies delivered tasks from staging; a task still pending after a while (its helper was
 * descheduled, or is slow) it takes back by moving STATE to (tag, ABANDONED) and builds itself.
 * Exactly one of the two swaps succeeds, so a task is used once, and the caller never waits
 * for a thread the operating system has put aside: on a busy machine that wait, not the work,
 * is what made helpers slower than none.
 *
 * A helper that finds the job moved on (a stale tag) claims nothing; one that is still working
 * on an abandoned task writes only to its own staging histogram, which the caller reads only
 * for tasks that helper delivered later, and reads (never writes) the shared row index and
 * gradients, so stale work is harmless. Tags are 20 bits: a helper would have to sleep through
 * a million jobs inside one task for a stale swap to succeed.
 */
const CLAIM = 0;
const SEQ = 1;
const STOP = 2;
const JOINED = 3;
const START = 4;
const COUNT = 5;
const TASKS = 6;
const GROUP_COUNT = 7;
/** The job's word groups, then the state of each of its tasks. */
const GROUPS = 8;
const TASK_BITS = 12;
const TASK_MASK = (1 << TASK_BITS) - 1;
const TAG_MASK = (1 << (32 - TASK_BITS)) - 1;
const STATE_BITS = 8;
const PENDING = 0;
const ABANDONED = 1;
const DELIVERED = 2;

/** Where a helper finds the job counter and claims, for tests that play a misbehaving helper. */
export const CLAIM_PROTOCOL = { CLAIM, SEQ, STOP, TASKS, TASK_BITS, TAG_MASK } as const;

/**
 * Histograms with fewer row × feature updates than this are built by the caller alone: below
 * it, the hand-off (gathering into shared memory, the helper's cache misses on a new node's rows,
 * copying its part back) costs about as much as the helper saves.
 */
const PARALLEL_WORK = 1 << 17;

/** The most large histograms built alone after helpers keep failing to deliver (about two trees). */
const MAX_BACKOFF = 64;

/**
 * How long (in polls of the job counter, tens of microseconds) an idle helper polls before
 * it sleeps. Jobs of one tree come tens to hundreds of microseconds apart, about what a sleeping
 * thread takes to wake; polling much longer would take processor time from the training thread
 * on a busy machine, where every thread gets a share of the cores.
 */
const IDLE_POLLS = 1 << 15;

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
  /** Where task states start in `control`: after room for every word group. */
  readonly states: number;
  readonly source: HistogramSource;
  readonly rowIndex: Uint32Array;
  /** The staging histogram of each helper. */
  readonly staging: Float64Array[];
  readonly bases: Int32Array;
}

function viewsOf(session: HistogramSession): SharedViews {
  const length = session.histogramLength;
  return {
    control: new Int32Array(session.control),
    states: GROUPS + wordGroups(session.cols),
    source: {
      rows: session.rows,
      cols: session.cols,
      words: new Uint32Array(session.words),
      offsets: new Int32Array(session.offsets),
      gradients: new Float32Array(session.gradients),
      hessians: new Float32Array(session.hessians),
      constantHessian: session.constantHessian,
    },
    rowIndex: new Uint32Array(session.rowIndex),
    staging: Array.from(
      { length: session.helpers },
      (_, helper) => new Float64Array(session.staging, 8 * helper * length, length),
    ),
    bases: new Int32Array(8),
  };
}

/** Builds task `task` of the current job (one pair of word groups, or a last single one). */
function runTask(views: SharedViews, task: number, histogram: Float64Array) {
  const { control, source, rowIndex, bases } = views;
  const groupCount = control[GROUP_COUNT] as number;
  const k = 2 * task;
  accumulateGroups(
    source,
    histogram,
    rowIndex,
    control[START] as number,
    control[COUNT] as number,
    source.gradients,
    source.hessians,
    control[GROUPS + k] as number,
    k + 1 < groupCount ? (control[GROUPS + k + 1] as number) : -1,
    bases,
  );
}

/** Polls `control[index]` while it equals `value`, up to `polls` times; returns the last read. */
function pollWhile(control: Int32Array, index: number, value: number, polls: number) {
  let current = Atomics.load(control, index);
  for (let i = 0; current === value && i < polls; i++) current = Atomics.load(control, index);
  return current;
}

/**
 * A helper's loop: polls, then sleeps, until the caller publishes a job, builds the tasks it
 * claims into its staging histogram and delivers them, and returns when the session stops. A
 * task that fails is simply not delivered: the caller builds it itself.
 */
export function serveHistogramJobs(session: HistogramSession) {
  const views = viewsOf(session);
  const { control, states } = views;
  const helper = Atomics.add(control, JOINED, 1);
  // More helpers than the session made room for: the extra ones have nowhere to build.
  if (helper >= session.helpers) return;
  const staging = views.staging[helper] as Float64Array;
  let seen = 0;
  for (;;) {
    if (pollWhile(control, SEQ, seen, IDLE_POLLS) === seen) Atomics.wait(control, SEQ, seen);
    if (Atomics.load(control, STOP) !== 0) return;
    seen = Atomics.load(control, SEQ);
    const tag = seen & TAG_MASK;
    const pending = (tag << STATE_BITS) | PENDING;
    const delivered = (tag << STATE_BITS) | (DELIVERED + helper);
    for (let task = claimTask(control, tag); task >= 0; task = claimTask(control, tag)) {
      try {
        runTask(views, task, staging);
      } catch {
        continue;
      }
      Atomics.compareExchange(control, states + task, pending, delivered);
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
  readonly rowIndex: Uint32Array;
  private readonly views: SharedViews;
  private readonly pool: PlainPool;
  /** Tasks the caller built itself in the current job. */
  private readonly mine: Uint8Array;
  private seq = 0;
  /** Large histograms still to build alone before helpers are offered work again. */
  private skip = 0;
  /** What `skip` is set to when a helper next fails to deliver; doubles each time it does. */
  private backoff = 0;

  constructor(
    private readonly binned: BinnedData,
    constantHessian: boolean,
    histogramLength: number,
    helpers: HistogramHelpers,
  ) {
    const { rows, cols, words, offsets } = binned;
    const groupCount = words.length / rows;
    const session: HistogramSession = {
      control: shared(4 * (GROUPS + 2 * groupCount)),
      words: shared(words.byteLength),
      offsets: shared(offsets.byteLength),
      rowIndex: shared(4 * rows),
      gradients: shared(4 * rows),
      hessians: shared(constantHessian ? 0 : 4 * rows),
      staging: shared(8 * helpers.size * histogramLength),
      histogramLength,
      helpers: helpers.size,
      rows,
      cols,
      constantHessian,
    };
    this.views = viewsOf(session);
    (this.views.source.words as Uint32Array).set(words);
    (this.views.source.offsets as Int32Array).set(offsets);
    this.rowIndex = this.views.rowIndex;
    this.pool = new PlainPool(histogramLength);
    this.mine = new Uint8Array(groupCount);
    try {
      helpers.share(session);
    } catch (error) {
      // Helpers that did receive the session must not wait for jobs that will never come.
      this.close();
      throw error;
    }
  }

  acquire() {
    return this.pool.acquire();
  }

  release(histogram: Float64Array) {
    this.pool.release(histogram);
  }

  build(
    histogram: Float64Array,
    start: number,
    end: number,
    gradients: Float32Array,
    hessians: Float32Array,
    rowsInOrder: boolean,
    groups: Int32Array,
    groupCount: number,
    parent: Float64Array | null,
  ) {
    const { binned, views, mine } = this;
    const { control, source, states } = views;
    const { offsets, cols } = binned;
    const count = end - start;
    if (rowsInOrder) {
      source.gradients.set(gradients.subarray(0, count));
      if (!source.constantHessian) source.hessians.set(hessians.subarray(0, count));
    } else {
      const from = { ...source, gradients, hessians };
      gatherGradients(from, this.rowIndex, start, count, source.gradients, source.hessians);
    }
    const large = groupCount >= 2 && count * groupCount * 4 >= PARALLEL_WORK;
    if (!large || this.skip > 0) {
      if (large) this.skip--;
      for (let k = 0; k < groupCount; k += 2) {
        accumulateGroups(
          source,
          histogram,
          this.rowIndex,
          start,
          count,
          source.gradients,
          source.hessians,
          groups[k] as number,
          k + 1 < groupCount ? (groups[k + 1] as number) : -1,
          views.bases,
        );
      }
      if (parent) subtractInPlace(parent, histogram, offsets, cols, groups, groupCount);
      return;
    }

    const tasks = (groupCount + 1) >> 1;
    this.seq = (this.seq + 1) | 0;
    const tag = this.seq & TAG_MASK;
    const pending = (tag << STATE_BITS) | PENDING;
    control[START] = start;
    control[COUNT] = count;
    control[TASKS] = tasks;
    control[GROUP_COUNT] = groupCount;
    control.set(groups.subarray(0, groupCount), GROUPS);
    control.fill(pending, states, states + tasks);
    mine.fill(0, 0, tasks);
    Atomics.store(control, CLAIM, (tag << TASK_BITS) >>> 0);
    Atomics.store(control, SEQ, this.seq);
    Atomics.notify(control, SEQ);

    for (let task = claimTask(control, tag); task >= 0; task = claimTask(control, tag)) {
      mine[task] = 1;
      runTask(views, task, histogram);
      if (parent) this.subtractTask(parent, histogram, groups, groupCount, task);
    }
    // A helper's task takes about as long as one of ours: wait that long for it at most.
    let polls = count * 8;
    let abandoned = false;
    let delivered = false;
    for (let task = 0; task < tasks; task++) {
      if (mine[task] === 1) continue;
      let state = Atomics.load(control, states + task);
      while (state === pending && polls > 0) {
        polls--;
        state = Atomics.load(control, states + task);
      }
      if (state === pending) {
        state = Atomics.compareExchange(
          control,
          states + task,
          pending,
          (tag << STATE_BITS) | ABANDONED,
        );
      }
      if (state === pending) {
        abandoned = true;
        runTask(views, task, histogram);
        if (parent) this.subtractTask(parent, histogram, groups, groupCount, task);
      } else {
        delivered = true;
        const helper = (state & ((1 << STATE_BITS) - 1)) - DELIVERED;
        this.takeDelivered(
          views.staging[helper] as Float64Array,
          histogram,
          parent,
          groups,
          groupCount,
          task,
        );
      }
    }
    // On a busy machine a helper is often descheduled while it holds a task, and the time spent
    // waiting for it and then building its task anyway is lost. So after a task had to be taken
    // back, the next large histograms are built alone, for longer each time it happens again,
    // until helpers deliver again: on a quiet machine they always help, on a crowded one they
    // cost next to nothing.
    if (abandoned) {
      this.backoff = Math.min(MAX_BACKOFF, 2 * this.backoff + 1);
      this.skip = this.backoff;
    } else if (delivered) {
      this.backoff = 0;
    }
  }

  /** `parent -= histogram` over the word groups of task `task`. */
  private subtractTask(
    parent: Float64Array,
    histogram: Float64Array,
    groups: Int32Array,
    groupCount: number,
    task: number,
  ) {
    const { offsets, cols } = this.binned;
    const k = 2 * task;
    subtractGroup(parent, histogram, offsets, cols, groups[k] as number);
    if (k + 1 < groupCount)
      subtractGroup(parent, histogram, offsets, cols, groups[k + 1] as number);
  }

  /** Copies task `task`'s word groups from a helper's staging histogram, subtracting from `parent`. */
  private takeDelivered(
    staging: Float64Array,
    histogram: Float64Array,
    parent: Float64Array | null,
    groups: Int32Array,
    groupCount: number,
    task: number,
  ) {
    const { offsets, cols } = this.binned;
    const last = Math.min(groupCount, 2 * task + 2);
    for (let k = 2 * task; k < last; k++) {
      const group = groups[k] as number;
      const from = groupStart(offsets, group);
      const to = groupEnd(offsets, cols, group);
      histogram.set(staging.subarray(from, to), from);
      if (parent) subtractGroup(parent, histogram, offsets, cols, group);
    }
  }

  close() {
    const { control } = this.views;
    Atomics.store(control, STOP, 1);
    Atomics.store(control, SEQ, (this.seq + 1) | 0);
    Atomics.notify(control, SEQ);
  }
}
