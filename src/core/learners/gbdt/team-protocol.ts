import { wordGroups } from './binning';
import { accumulateGroups, accumulateRows, type HistogramSource } from './histogram';
import { partitionInto, type PartitionRule } from './partition';
import { SplitChoice, findBestSplit, type SplitConstraints } from './split';

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
  /**
   * Per helper: the left and the right rows of the blocks it partitions (`rows` each), then the
   * left count of each of its blocks (`MAX_TASKS`).
   */
  readonly sides: SharedArrayBuffer;
  /**
   * The histograms the caller hands out (`pool` of `histogramLength` float64 values), so helpers
   * can look for splits in them.
   */
  readonly histograms: SharedArrayBuffer;
  readonly pool: number;
  readonly missingBin: SharedArrayBuffer;
  /** Split jobs: the candidate features, then (float64) the constraints and each node's sums. */
  readonly features: SharedArrayBuffer;
  readonly scan: SharedArrayBuffer;
  /** Per helper: the best split it found for each task of a split job (`SPLIT_VALUES` each). */
  readonly splits: SharedArrayBuffer;
  readonly histogramLength: number;
  /** How many helpers the staging memory has room for. */
  readonly helpers: number;
  readonly rows: number;
  readonly cols: number;
  readonly constantHessian: boolean;
}

/*
 * The control words of a session (an Int32Array over `HistogramSession.control`).
 *
 * A job is one node histogram, whose tasks are consecutive pairs of word groups; the partition
 * of one node's rows, whose tasks are consecutive blocks of them; or the search for the best
 * splits of two sibling nodes, one task each. The caller writes the job's parameters, sets every
 * task's STATE to (tag, PENDING), then publishes CLAIM = (tag << TASK_BITS) | 0 and SEQ, whose
 * low bits are the tag. Anyone claims task `t` by moving CLAIM from (tag, t) to (tag, t + 1) with
 * compare-and-swap, so each task has one owner.
 *
 * The caller does the tasks it claims straight into its own memory. A helper does its tasks in
 * its own staging memory and then hands each over by moving the task's STATE from
 * (tag, PENDING) to (tag, DELIVERED + helper). Once the caller has run out of tasks to claim, it
 * copies delivered tasks from staging; a task still pending after a while (its helper was
 * descheduled) it takes back by moving STATE to (tag, ABANDONED) and does itself. Exactly one of
 * the two swaps succeeds, so a task is used once, and the caller never waits long for a thread
 * the operating system has put aside: on a busy machine that wait, not the work, is what makes
 * helpers slower than none. While it builds a histogram task a helper bumps its progress word
 * every `PROGRESS_ROWS` rows, so the caller waits as long as a helper is getting on with its
 * rows and takes the task back soon after it stops.
 *
 * A helper that finds the job moved on (a stale tag) claims nothing; one that is still working
 * on an abandoned task writes only to its own staging memory, which the caller reads only for
 * tasks that helper delivered later, and reads (never writes) the shared row index, gradients
 * and histograms, so stale work is harmless. Tags are 20 bits: a helper would have to sleep
 * through a million jobs inside one task for a stale swap to succeed.
 */
export const CLAIM = 0;
export const SEQ = 1;
export const STOP = 2;
export const JOINED = 3;
export const KIND = 4;
export const START = 5;
export const COUNT = 6;
export const TASKS = 7;
export const GROUP_COUNT = 8;
/** Partition jobs: rows per block, then the split's rule. */
export const BLOCK = 9;
export const RULE_COLUMN = 10;
export const RULE_SHIFT = 11;
export const RULE_BIN = 12;
export const RULE_MISSING = 13;
export const RULE_MISSING_LEFT = 14;
/** Split jobs: the candidate feature count, then each task's histogram (its place in the pool). */
export const FEATURE_COUNT = 15;
export const SPLIT_HISTOGRAMS = 16;
/** Histogram jobs: their word groups, then (after room for every group) each task's state. */
export const GROUPS = 18;
export const TASK_BITS = 12;
export const TASK_MASK = (1 << TASK_BITS) - 1;
export const TAG_MASK = (1 << (32 - TASK_BITS)) - 1;
export const STATE_BITS = 8;
export const PENDING = 0;
export const ABANDONED = 1;
export const DELIVERED = 2;

export const HISTOGRAM_JOB = 0;
export const PARTITION_JOB = 1;
export const SPLIT_JOB = 2;

/** Split jobs have one task per sibling. */
export const SPLIT_TASKS = 2;
/** A found split as float64 values: gain, feature, bin, missing left, left sums and count. */
export const SPLIT_VALUES = 7;
/** Where the constraints (l2, min samples, min hessian, hessian slot), then sums, are in `scan`. */
const SCAN_CONSTRAINTS = 0;
export const SCAN_SUMS = 4;
export const scanValues = () => SCAN_SUMS + 3 * SPLIT_TASKS;

/** The most blocks a partition job is cut into. */
export const MAX_BLOCKS = 8;

/** How many tasks a session's control words have room for. */
export const maxTasks = (cols: number) => Math.max(MAX_BLOCKS, wordGroups(cols));

/** How many int32 control words a session over `cols` features and `helpers` helpers needs. */
export const controlWords = (cols: number, helpers: number) =>
  GROUPS + wordGroups(cols) + maxTasks(cols) + helpers;

/**
 * Rows a helper adds to a histogram task between two bumps of its progress word (after the task
 * states): about 40 µs of work, so the caller can tell a helper that is slow from one that the
 * operating system has put aside.
 */
export const PROGRESS_ROWS = 2048;

/**
 * How long (in polls of the job counter, about 10 ns each) an idle helper polls before it
 * sleeps: about 0.6 ms. Jobs of one tree come tens to hundreds of microseconds apart, and a
 * sleeping thread takes about as long to wake, so a helper stays awake through a tree; polling
 * much longer would take processor time from the training thread on a busy machine, where every
 * thread gets a share of the cores.
 */
const IDLE_POLLS = 1 << 16;

/** Claims the next task of the job tagged `tag`; -1 when none is left or the job has moved on. */
export function claimTask(control: Int32Array, tag: number): number {
  for (;;) {
    const claim = Atomics.load(control, CLAIM);
    if (claim >>> TASK_BITS !== tag) return -1;
    const task = claim & TASK_MASK;
    if (task >= Atomics.load(control, TASKS)) return -1;
    if (Atomics.compareExchange(control, CLAIM, claim, claim + 1) === claim) return task;
  }
}

export interface SharedViews {
  readonly control: Int32Array;
  /** Where task states start in `control`: after room for every word group. */
  readonly states: number;
  /** Where the helpers' progress words start in `control`: after every task state. */
  readonly progress: number;
  readonly source: HistogramSource;
  readonly rowIndex: Uint32Array;
  /** The staging histogram of each helper. */
  readonly staging: Float64Array[];
  /** The left rows, right rows and block left counts of each helper's partition tasks. */
  readonly lefts: Uint32Array[];
  readonly rights: Uint32Array[];
  readonly leftCounts: Int32Array[];
  readonly bases: Int32Array;
  readonly histograms: Float64Array[];
  readonly missingBin: Uint8Array;
  readonly features: Int32Array;
  readonly scan: Float64Array;
  /** The split results of each helper. */
  readonly splits: Float64Array[];
}

/** Bytes of `HistogramSession.sides` that each helper owns. */
export const sideBytes = (rows: number, cols: number) => 4 * (2 * rows + maxTasks(cols));

export function viewsOf(session: HistogramSession): SharedViews {
  const { rows, cols, helpers } = session;
  const length = session.histogramLength;
  const side = sideBytes(rows, cols);
  return {
    control: new Int32Array(session.control),
    states: GROUPS + wordGroups(cols),
    progress: GROUPS + wordGroups(cols) + maxTasks(cols),
    source: {
      rows,
      cols,
      words: new Uint32Array(session.words),
      offsets: new Int32Array(session.offsets),
      gradients: new Float32Array(session.gradients),
      hessians: new Float32Array(session.hessians),
      constantHessian: session.constantHessian,
    },
    rowIndex: new Uint32Array(session.rowIndex),
    staging: Array.from(
      { length: helpers },
      (_, helper) => new Float64Array(session.staging, 8 * helper * length, length),
    ),
    lefts: Array.from(
      { length: helpers },
      (_, helper) => new Uint32Array(session.sides, helper * side, rows),
    ),
    rights: Array.from(
      { length: helpers },
      (_, helper) => new Uint32Array(session.sides, helper * side + 4 * rows, rows),
    ),
    leftCounts: Array.from(
      { length: helpers },
      (_, helper) => new Int32Array(session.sides, helper * side + 8 * rows, maxTasks(cols)),
    ),
    bases: new Int32Array(8),
    histograms: Array.from(
      { length: session.pool },
      (_, at) => new Float64Array(session.histograms, 8 * at * length, length),
    ),
    missingBin: new Uint8Array(session.missingBin),
    features: new Int32Array(session.features),
    scan: new Float64Array(session.scan),
    splits: Array.from(
      { length: helpers },
      (_, helper) =>
        new Float64Array(
          session.splits,
          8 * helper * SPLIT_TASKS * SPLIT_VALUES,
          SPLIT_TASKS * SPLIT_VALUES,
        ),
    ),
  };
}

/** Writes the split constraints of the current fit where split tasks read them. */
export function writeConstraints(scan: Float64Array, constraints: SplitConstraints) {
  scan[SCAN_CONSTRAINTS] = constraints.l2;
  scan[SCAN_CONSTRAINTS + 1] = constraints.minSamplesLeaf;
  scan[SCAN_CONSTRAINTS + 2] = constraints.minHessian;
  scan[SCAN_CONSTRAINTS + 3] = constraints.hessianSlot;
}

/**
 * Finds the best split of the node of task `task` of the current split job into `choice`. The
 * node's histogram is only read, so a helper still scanning an abandoned task is harmless.
 */
export function runSplitTask(views: SharedViews, task: number, choice: SplitChoice) {
  const { control, scan, source } = views;
  const sums = SCAN_SUMS + 3 * task;
  findBestSplit(
    views.histograms[control[SPLIT_HISTOGRAMS + task] as number] as Float64Array,
    scan[sums] as number,
    scan[sums + 1] as number,
    scan[sums + 2] as number,
    views.features,
    control[FEATURE_COUNT] as number,
    source.offsets,
    views.missingBin,
    {
      l2: scan[SCAN_CONSTRAINTS] as number,
      minSamplesLeaf: scan[SCAN_CONSTRAINTS + 1] as number,
      minHessian: scan[SCAN_CONSTRAINTS + 2] as number,
      hessianSlot: scan[SCAN_CONSTRAINTS + 3] === 1 ? 1 : 2,
    },
    choice,
  );
}

/** Stores `choice` as the result of task `task` in `out`. */
export function storeSplit(out: Float64Array, task: number, choice: SplitChoice) {
  const at = task * SPLIT_VALUES;
  out[at] = choice.gain;
  out[at + 1] = choice.feature;
  out[at + 2] = choice.bin;
  out[at + 3] = choice.missingLeft ? 1 : 0;
  out[at + 4] = choice.leftGradient;
  out[at + 5] = choice.leftHessian;
  out[at + 6] = choice.leftCount;
}

/** Reads the result of task `task` from `from` into `choice`. */
export function loadSplit(from: Float64Array, task: number, choice: SplitChoice) {
  const at = task * SPLIT_VALUES;
  choice.gain = from[at] as number;
  choice.feature = from[at + 1] as number;
  choice.bin = from[at + 2] as number;
  choice.missingLeft = from[at + 3] === 1;
  choice.leftGradient = from[at + 4] as number;
  choice.leftHessian = from[at + 5] as number;
  choice.leftCount = from[at + 6] as number;
}

/**
 * Builds task `task` of the current histogram job (one pair of word groups, or a last single
 * one). A helper passes its progress word, which it bumps every `PROGRESS_ROWS` rows.
 */
export function runHistogramTask(
  views: SharedViews,
  task: number,
  histogram: Float64Array,
  progress = -1,
) {
  const { control, source, rowIndex, bases } = views;
  const groupCount = control[GROUP_COUNT] as number;
  const k = 2 * task;
  const group = control[GROUPS + k] as number;
  const partner = k + 1 < groupCount ? (control[GROUPS + k + 1] as number) : -1;
  const start = control[START] as number;
  const count = control[COUNT] as number;
  const { gradients, hessians } = source;
  if (progress < 0) {
    accumulateGroups(
      source,
      histogram,
      rowIndex,
      start,
      count,
      gradients,
      hessians,
      group,
      partner,
      bases,
    );
    return;
  }
  const first = Math.min(count, PROGRESS_ROWS);
  accumulateGroups(
    source,
    histogram,
    rowIndex,
    start,
    first,
    gradients,
    hessians,
    group,
    partner,
    bases,
  );
  for (let done = first; done < count; done += PROGRESS_ROWS) {
    Atomics.add(control, progress, 1);
    accumulateRows(
      source,
      histogram,
      rowIndex,
      start + done,
      Math.min(PROGRESS_ROWS, count - done),
      gradients.subarray(done),
      source.constantHessian ? hessians : hessians.subarray(done),
      group,
      partner,
      bases,
    );
  }
}

/** The split rule of the current partition job. */
export function ruleOf(control: Int32Array): PartitionRule {
  return {
    column: control[RULE_COLUMN] as number,
    shift: control[RULE_SHIFT] as number,
    bin: control[RULE_BIN] as number,
    missingCode: control[RULE_MISSING] as number,
    missingGoesLeft: control[RULE_MISSING_LEFT] === 1 ? 1 : 0,
  };
}

/** The rows `[from, to)` of block `task` of the current partition job. */
export function blockOf(control: Int32Array, task: number): [number, number] {
  const start = control[START] as number;
  const block = control[BLOCK] as number;
  const from = start + task * block;
  return [from, Math.min(start + (control[COUNT] as number), from + block)];
}

/**
 * Partitions block `task` of the current partition job into `left` and `right` (at the block's
 * own positions) and records its left count in `leftCounts[task]`.
 */
export function runPartitionTask(
  views: SharedViews,
  task: number,
  left: Uint32Array,
  right: Uint32Array,
  leftCounts: Int32Array,
) {
  const { control, source, rowIndex } = views;
  const [from, to] = blockOf(control, task);
  leftCounts[task] = partitionInto(source.words, ruleOf(control), rowIndex, from, to, left, right);
}

/** Polls `control[index]` while it equals `value`, up to `polls` times; returns the last read. */
function pollWhile(control: Int32Array, index: number, value: number, polls: number) {
  let current = Atomics.load(control, index);
  for (let i = 0; current === value && i < polls; i++) current = Atomics.load(control, index);
  return current;
}

/**
 * A helper's loop: polls, then sleeps, until the caller publishes a job, does the tasks it
 * claims in its staging memory and delivers them, and returns when the session stops. A task
 * that fails is simply not delivered: the caller does it itself.
 */
export function serveHistogramJobs(session: HistogramSession) {
  const views = viewsOf(session);
  const { control, states } = views;
  const helper = Atomics.add(control, JOINED, 1);
  // More helpers than the session made room for: the extra ones have nowhere to work.
  if (helper >= session.helpers) return;
  const staging = views.staging[helper] as Float64Array;
  const left = views.lefts[helper] as Uint32Array;
  const right = views.rights[helper] as Uint32Array;
  const leftCounts = views.leftCounts[helper] as Int32Array;
  const splits = views.splits[helper] as Float64Array;
  const choice = new SplitChoice();
  const progress = views.progress + helper;
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
        const kind = control[KIND];
        if (kind === PARTITION_JOB) {
          runPartitionTask(views, task, left, right, leftCounts);
        } else if (kind === SPLIT_JOB) {
          runSplitTask(views, task, choice);
          storeSplit(splits, task, choice);
        } else {
          runHistogramTask(views, task, staging, progress);
        }
      } catch {
        continue;
      }
      Atomics.compareExchange(control, states + task, pending, delivered);
    }
  }
}
