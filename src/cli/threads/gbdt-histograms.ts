import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HELPER_CELLS } from '../../core/learners/gbdt/train';
import type { HistogramHelpers, HistogramSession } from '../../core/learners/gbdt/histogram-team';

export interface NodeHistogramHelpers extends HistogramHelpers {
  /** Resolves once every helper has loaded (fits work before that, just without them). */
  ready(): Promise<void>;
  /** Stops the helper threads. */
  close(): Promise<void>;
}

/**
 * More helpers than this find little to do: a histogram of 30 features is four tasks (pairs of
 * four-feature word groups), a split search two (one per sibling), a partition at most eight
 * blocks, and nodes below ~2k rows are not shared at all.
 */
const MAX_HELPERS = 3;

/**
 * Worker threads that share gbdt tree growing (partitions, histograms, split searches) with the
 * training thread: one fewer than the processor count by default (the training thread works
 * too), at most three. Threads are unreferenced, so they never keep the process alive, and a
 * thread that fails is dropped from later fits.
 */
export function startHistogramHelpers(
  size = Math.max(0, Math.min(MAX_HELPERS, availableParallelism() - 1)),
): NodeHistogramHelpers {
  const url = new URL('./gbdt-histogram-thread.mjs', import.meta.url);
  const workers = new Set<Worker>();
  const ready: Promise<void>[] = [];
  for (let i = 0; i < size; i++) {
    const worker = new Worker(url);
    worker.unref();
    workers.add(worker);
    ready.push(
      new Promise((resolve) => {
        worker.once('message', () => resolve());
        worker.once('error', () => resolve());
        worker.once('exit', () => resolve());
      }),
    );
    // A failed thread is forgotten; the fit it was helping finishes its work on its own thread
    // or reports the stall.
    worker.on('error', () => workers.delete(worker));
    worker.on('exit', () => workers.delete(worker));
  }
  return {
    get size() {
      return workers.size;
    },
    share(session: HistogramSession) {
      for (const worker of workers) worker.postMessage(session);
    },
    async ready() {
      await Promise.all(ready);
    },
    async close() {
      await Promise.all([...workers].map((worker) => worker.terminate()));
      workers.clear();
    },
  };
}

/**
 * Helpers for a gbdt fit on `rows` × `cols` values when the data is large enough for them to
 * take part and this machine has a processor to spare; otherwise undefined (no thread started).
 */
export function spareHistogramHelpers(
  rows: number,
  cols: number,
): NodeHistogramHelpers | undefined {
  if (rows * cols < HELPER_CELLS || availableParallelism() < 2) return undefined;
  return startHistogramHelpers();
}
