import type { BinnedData } from './binning';
import {
  PlainPool,
  scanNode,
  type HistogramBuilder,
  type PartitionRule,
  type SplitRequest,
} from './histogram-builder';
import {
  accumulateGroups,
  gatherGradients,
  groupEnd,
  groupStart,
  subtractGroup,
  subtractInPlace,
} from './histogram';
import { partitionInPlace } from './partition';
import type { SplitConstraints } from './split';
import {
  ABANDONED,
  BLOCK,
  CLAIM,
  COUNT,
  DELIVERED,
  FEATURE_COUNT,
  GROUP_COUNT,
  GROUPS,
  HISTOGRAM_JOB,
  KIND,
  MAX_BLOCKS,
  PARTITION_JOB,
  PROGRESS_ROWS,
  PENDING,
  RULE_BIN,
  RULE_COLUMN,
  RULE_MISSING,
  RULE_MISSING_LEFT,
  RULE_SHIFT,
  SCAN_SUMS,
  SEQ,
  SPLIT_HISTOGRAMS,
  SPLIT_JOB,
  SPLIT_TASKS,
  SPLIT_VALUES,
  START,
  STATE_BITS,
  STOP,
  TAG_MASK,
  TASK_BITS,
  TASKS,
  blockOf,
  claimTask,
  controlWords,
  loadSplit,
  maxTasks,
  runHistogramTask,
  runPartitionTask,
  runSplitTask,
  scanValues,
  sideBytes,
  viewsOf,
  writeConstraints,
  type HistogramSession,
  type SharedViews,
} from './team-protocol';

export { serveHistogramJobs, type HistogramSession } from './team-protocol';

/**
 * Helper threads that share partitioning and histogram building in shared memory, provided by
 * the platform: worker threads in Node, Web Workers in a cross-origin-isolated page. Core only
 * posts them a session and coordinates through `Atomics`, so it stays free of platform APIs.
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

/** Exported for tests that play a misbehaving helper. */
export const CLAIM_PROTOCOL = { CLAIM, SEQ, STOP, KIND, TASKS, TASK_BITS, TAG_MASK } as const;

/**
 * Histograms with fewer row × feature updates than this are built by the caller alone: below
 * it, the hand-off (gathering into shared memory, the helper's cache misses on a new node's rows,
 * copying its part back) costs about as much as the helper saves.
 */
const PARALLEL_WORK = 1 << 16;

/** Partitions of fewer rows than this are done by the caller alone, for the same reason. */
const PARALLEL_ROWS = 1 << 13;

/** The fewest rows in one block of a shared partition. */
const MIN_BLOCK = 1 << 12;

/**
 * Polls (about 10 ns each) between two looks at the helpers' progress while waiting for a
 * histogram task: about the time of four `PROGRESS_ROWS` slices (20 ns a row each), so a helper
 * whose caches are cold is not mistaken for one that has stopped.
 */
const PROGRESS_POLLS = (4 * PROGRESS_ROWS * 20) / 10;

/** The most memory given to histograms that helpers can read; past it, nodes are scanned alone. */
const SHARED_HISTOGRAM_BYTES = 1 << 26;

/** The most large jobs done alone after helpers keep failing to deliver (a few trees' worth). */
const MAX_BACKOFF = 64;

/** How a shared job ended, for the back-off. */
interface JobOutcome {
  abandoned: boolean;
  delivered: boolean;
}

const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));

/*
 * Element loops for copies into shared memory: V8 copies shared typed arrays (`set`,
 * `copyWithin`) with per-element relaxed atomics, about 1.4 ns an element against 1 ns for a
 * loop here (and 0.1 ns for a plain `set` between unshared arrays).
 */
function copyRows(from: Uint32Array, at: number, count: number, to: Uint32Array, into: number) {
  for (let i = 0; i < count; i++) to[into + i] = from[at + i] as number;
}

function copyValues(from: Float32Array, count: number, to: Float32Array) {
  for (let i = 0; i < count; i++) to[i] = from[i] as number;
}

/** How many bins a split scan reads at most. */
const histogramLengthOf = (binned: BinnedData) => binned.offsets[binned.cols] as number;

/**
 * Shares each large enough partition and histogram, and the split search of every pair of
 * siblings, between the caller and `helpers`; smaller jobs are done serially. Either way every
 * bin sums its rows in row order, every partition is stable and every split search scans the
 * same bins, so the trees are bit-for-bit the serial builder's.
 */
export class SharedHistogramBuilder implements HistogramBuilder {
  readonly rowIndex: Uint32Array;
  private readonly views: SharedViews;
  /** Free histograms in shared memory, then where each one is in the session's pool. */
  private readonly free: Float64Array[];
  private readonly poolIndex = new Map<Float64Array, number>();
  private readonly overflow: PlainPool;
  private kind = HISTOGRAM_JOB;
  /** Tasks the caller did itself in the current job. */
  private readonly mine: Uint8Array;
  /** Which helper delivered each task of the current job (-1: the caller did it). */
  private readonly owner: Int32Array;
  /** The caller's partition blocks: left and right rows, and left counts. */
  private readonly left: Uint32Array;
  private readonly right: Uint32Array;
  private readonly leftCounts: Int32Array;
  private readonly outcome: JobOutcome = { abandoned: false, delivered: false };
  private readonly helpers: number;
  /** The nodes of the current split job. */
  private readonly requests: (SplitRequest | null)[] = [null, null];
  private seq = 0;
  /** Large jobs still to do alone before helpers are offered work again. */
  private skip = 0;
  /** What `skip` is set to when a helper next fails to deliver; doubles each time it does. */
  private backoff = 0;

  /**
   * `liveHistograms` is how many histograms the grower holds at most at once (open nodes and the
   * one being built); they are allocated in shared memory, within `SHARED_HISTOGRAM_BYTES`.
   */
  constructor(
    private readonly binned: BinnedData,
    constantHessian: boolean,
    histogramLength: number,
    helpers: HistogramHelpers,
    private readonly constraints: SplitConstraints,
    liveHistograms: number,
  ) {
    const { rows, cols, words, offsets } = binned;
    const pool = Math.max(
      0,
      Math.min(liveHistograms, Math.floor(SHARED_HISTOGRAM_BYTES / (8 * histogramLength))),
    );
    const session: HistogramSession = {
      control: shared(4 * controlWords(cols, helpers.size)),
      words: shared(words.byteLength),
      offsets: shared(offsets.byteLength),
      rowIndex: shared(4 * rows),
      gradients: shared(4 * rows),
      hessians: shared(constantHessian ? 0 : 4 * rows),
      staging: shared(8 * helpers.size * histogramLength),
      sides: shared(helpers.size * sideBytes(rows, cols)),
      histograms: shared(8 * pool * histogramLength),
      pool,
      missingBin: shared(cols),
      features: shared(4 * cols),
      scan: shared(8 * scanValues()),
      splits: shared(8 * helpers.size * SPLIT_TASKS * SPLIT_VALUES),
      histogramLength,
      helpers: helpers.size,
      rows,
      cols,
      constantHessian,
    };
    this.helpers = helpers.size;
    this.views = viewsOf(session);
    (this.views.source.words as Uint32Array).set(words);
    (this.views.source.offsets as Int32Array).set(offsets);
    this.views.missingBin.set(binned.missingBin);
    writeConstraints(this.views.scan, constraints);
    this.rowIndex = this.views.rowIndex;
    this.free = this.views.histograms.slice().reverse();
    this.views.histograms.forEach((histogram, at) => this.poolIndex.set(histogram, at));
    this.overflow = new PlainPool(histogramLength);
    this.mine = new Uint8Array(maxTasks(cols));
    this.owner = new Int32Array(maxTasks(cols));
    this.left = new Uint32Array(rows);
    this.right = new Uint32Array(rows);
    this.leftCounts = new Int32Array(maxTasks(cols));
    try {
      helpers.share(session);
    } catch (error) {
      // Helpers that did receive the session must not wait for jobs that will never come.
      this.close();
      throw error;
    }
  }

  acquire() {
    return this.free.pop() ?? this.overflow.acquire();
  }

  release(histogram: Float64Array) {
    if (this.poolIndex.has(histogram)) this.free.push(histogram);
    else this.overflow.release(histogram);
  }

  findSplits(
    first: SplitRequest,
    second: SplitRequest | null,
    features: Int32Array,
    featureCount: number,
  ) {
    const { views, binned, constraints } = this;
    const firstAt = first.histogram ? this.poolIndex.get(first.histogram) : undefined;
    const secondAt = second?.histogram ? this.poolIndex.get(second.histogram) : undefined;
    if (!second || firstAt === undefined || secondAt === undefined || this.skip > 0) {
      scanNode(first, features, featureCount, binned, constraints);
      if (second) scanNode(second, features, featureCount, binned, constraints);
      return;
    }
    // Two siblings: the caller scans one while a helper scans the other.
    const { control, scan } = views;
    views.features.set(features.subarray(0, featureCount));
    control[FEATURE_COUNT] = featureCount;
    control[SPLIT_HISTOGRAMS] = firstAt;
    control[SPLIT_HISTOGRAMS + 1] = secondAt;
    scan[SCAN_SUMS] = first.gradient;
    scan[SCAN_SUMS + 1] = first.hessian;
    scan[SCAN_SUMS + 2] = first.count;
    scan[SCAN_SUMS + 3] = second.gradient;
    scan[SCAN_SUMS + 4] = second.hessian;
    scan[SCAN_SUMS + 5] = second.count;
    control[TASKS] = SPLIT_TASKS;
    this.kind = SPLIT_JOB;
    this.requests[0] = first;
    this.requests[1] = second;
    // A scan takes about 5 ns a bin, half a poll: wait about twice as long as the helper's scan
    // (it started with ours, or a little later).
    this.runJob(SPLIT_TASKS, histogramLengthOf(binned), null, null, 0);
    this.requests[0] = null;
    this.requests[1] = null;
  }

  partition(start: number, end: number, rule: PartitionRule) {
    const count = end - start;
    if (count < PARALLEL_ROWS || this.skip > 0) {
      if (count >= PARALLEL_ROWS) this.skip--;
      return partitionInPlace(this.binned.words, rule, this.rowIndex, start, end, this.right);
    }
    const { control } = this.views;
    const tasks = Math.min(MAX_BLOCKS, Math.max(2, Math.floor(count / MIN_BLOCK)));
    this.kind = PARTITION_JOB;
    control[START] = start;
    control[COUNT] = count;
    control[TASKS] = tasks;
    control[BLOCK] = Math.ceil(count / tasks);
    control[RULE_COLUMN] = rule.column;
    control[RULE_SHIFT] = rule.shift;
    control[RULE_BIN] = rule.bin;
    control[RULE_MISSING] = rule.missingCode;
    control[RULE_MISSING_LEFT] = rule.missingGoesLeft;
    // A partition takes about 6 ns a row: wait at most about as long as two blocks take.
    this.runJob(tasks, Math.ceil((count * 1.2) / tasks), null, null, 0);

    // Stitch the blocks together: every block's left rows in block order, then the right rows.
    const { rowIndex, owner, views } = this;
    let at = start;
    for (let task = 0; task < tasks; task++) {
      const from = blockOf(control, task)[0];
      const helper = owner[task] as number;
      const lefts = helper < 0 ? this.left : (views.lefts[helper] as Uint32Array);
      const counts = helper < 0 ? this.leftCounts : (views.leftCounts[helper] as Int32Array);
      const leftCount = counts[task] as number;
      copyRows(lefts, from, leftCount, rowIndex, at);
      at += leftCount;
    }
    const leftEnd = at;
    for (let task = 0; task < tasks; task++) {
      const [from, to] = blockOf(control, task);
      const helper = owner[task] as number;
      const rights = helper < 0 ? this.right : (views.rights[helper] as Uint32Array);
      const counts = helper < 0 ? this.leftCounts : (views.leftCounts[helper] as Int32Array);
      const rightCount = to - from - (counts[task] as number);
      copyRows(rights, from, rightCount, rowIndex, at);
      at += rightCount;
    }
    return leftEnd;
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
    const { binned, views } = this;
    const { control, source } = views;
    const { offsets, cols } = binned;
    const count = end - start;
    if (rowsInOrder) {
      copyValues(gradients, count, source.gradients);
      if (!source.constantHessian) copyValues(hessians, count, source.hessians);
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
    this.kind = HISTOGRAM_JOB;
    control[START] = start;
    control[COUNT] = count;
    control[TASKS] = tasks;
    control[GROUP_COUNT] = groupCount;
    control.set(groups.subarray(0, groupCount), GROUPS);
    // A task (eight features) takes about 20 ns a row, two polls: a helper that started its
    // last task with ours and runs a little slower (its caches are colder) needs a fraction of
    // that, so wait about half a task at most.
    this.runJob(tasks, count, histogram, parent, groupCount);
  }

  /**
   * Publishes the job whose parameters are in place, does the tasks the caller claims, then
   * collects the helpers' tasks, waiting `patience` polls in all (a poll of shared memory takes
   * about 10 ns in V8) for those still pending before
   * taking them back. Histogram jobs are assembled into `histogram` as tasks complete; the
   * caller of a partition job stitches the blocks together from `owner`.
   */
  private runJob(
    tasks: number,
    patience: number,
    histogram: Float64Array | null,
    parent: Float64Array | null,
    groupCount: number,
  ) {
    const { views, mine, owner, outcome } = this;
    const { control, states } = views;
    this.seq = (this.seq + 1) | 0;
    const tag = this.seq & TAG_MASK;
    const pending = (tag << STATE_BITS) | PENDING;
    control[KIND] = this.kind;
    control.fill(pending, states, states + tasks);
    mine.fill(0, 0, tasks);
    owner.fill(-1, 0, tasks);
    Atomics.store(control, CLAIM, (tag << TASK_BITS) >>> 0);
    Atomics.store(control, SEQ, this.seq);
    Atomics.notify(control, SEQ);

    for (let task = claimTask(control, tag); task >= 0; task = claimTask(control, tag)) {
      mine[task] = 1;
      this.runOwn(task, histogram, parent, groupCount);
    }
    let polls = patience;
    let progress = this.helperProgress();
    outcome.abandoned = false;
    outcome.delivered = false;
    for (let task = 0; task < tasks; task++) {
      if (mine[task] === 1) continue;
      let state = Atomics.load(control, states + task);
      while (state === pending) {
        if (polls-- <= 0) {
          // Out of patience, but a helper that is still getting through its rows is worth
          // waiting for: give it as long again, until its progress stops.
          const now = this.helperProgress();
          if (this.kind !== HISTOGRAM_JOB || now === progress) break;
          progress = now;
          polls = PROGRESS_POLLS;
        }
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
        outcome.abandoned = true;
        this.runOwn(task, histogram, parent, groupCount);
      } else {
        outcome.delivered = true;
        const helper = (state & ((1 << STATE_BITS) - 1)) - DELIVERED;
        owner[task] = helper;
        if (this.kind === SPLIT_JOB) {
          loadSplit(
            views.splits[helper] as Float64Array,
            task,
            (this.requests[task] as SplitRequest).split,
          );
        } else if (histogram) {
          this.takeDelivered(
            views.staging[helper] as Float64Array,
            histogram,
            parent,
            groupCount,
            task,
          );
        }
      }
    }
    // On a busy machine a helper is often descheduled while it holds a task, and the time spent
    // waiting for it and then doing its task anyway is lost. So after a task had to be taken
    // back, the next large jobs are done alone, for longer each time it happens again, until
    // helpers deliver again: on a quiet machine they always help, on a crowded one they cost
    // next to nothing.
    if (outcome.abandoned) {
      this.backoff = Math.min(MAX_BACKOFF, 2 * this.backoff + 1);
      this.skip = this.backoff;
    } else if (outcome.delivered) {
      this.backoff = 0;
    }
  }

  /** The sum of the helpers' progress words: it moves while any helper is building rows. */
  private helperProgress() {
    const { control, progress } = this.views;
    let sum = 0;
    for (let helper = 0; helper < this.helpers; helper++) {
      sum += Atomics.load(control, progress + helper);
    }
    return sum;
  }

  /** Does task `task` of the current job on the caller's thread. */
  private runOwn(
    task: number,
    histogram: Float64Array | null,
    parent: Float64Array | null,
    groupCount: number,
  ) {
    if (this.kind === SPLIT_JOB) {
      runSplitTask(this.views, task, (this.requests[task] as SplitRequest).split);
      return;
    }
    if (!histogram) {
      runPartitionTask(this.views, task, this.left, this.right, this.leftCounts);
      return;
    }
    runHistogramTask(this.views, task, histogram);
    if (parent) this.subtractTask(parent, histogram, groupCount, task);
  }

  /** `parent -= histogram` over the word groups of task `task`. */
  private subtractTask(
    parent: Float64Array,
    histogram: Float64Array,
    groupCount: number,
    task: number,
  ) {
    const { offsets, cols } = this.binned;
    const { control } = this.views;
    const last = Math.min(groupCount, 2 * task + 2);
    for (let k = 2 * task; k < last; k++) {
      subtractGroup(parent, histogram, offsets, cols, control[GROUPS + k] as number);
    }
  }

  /** Copies task `task`'s word groups from a helper's staging histogram, subtracting from `parent`. */
  private takeDelivered(
    staging: Float64Array,
    histogram: Float64Array,
    parent: Float64Array | null,
    groupCount: number,
    task: number,
  ) {
    const { offsets, cols } = this.binned;
    const { control } = this.views;
    const last = Math.min(groupCount, 2 * task + 2);
    for (let k = 2 * task; k < last; k++) {
      const group = control[GROUPS + k] as number;
      const to = groupEnd(offsets, cols, group);
      // One pass, element by element: bulk copies out of shared memory are an order of
      // magnitude slower in V8 than this loop.
      if (parent) {
        for (let j = groupStart(offsets, group); j < to; j++) {
          const value = staging[j] as number;
          histogram[j] = value;
          parent[j] = (parent[j] as number) - value;
        }
      } else {
        for (let j = groupStart(offsets, group); j < to; j++) histogram[j] = staging[j] as number;
      }
    }
  }

  close() {
    const { control } = this.views;
    Atomics.store(control, STOP, 1);
    Atomics.store(control, SEQ, (this.seq + 1) | 0);
    Atomics.notify(control, SEQ);
  }
}
