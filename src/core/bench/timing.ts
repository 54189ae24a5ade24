import type { MeasureContext } from './types';

/** performance.now is coarsened (to 0.1 ms or worse) where the page is not cross-origin isolated. */
const CLOCK_RESOLUTION_MS = 0.1;

/** How long a measurement may run before it lets its thread handle messages (cancel, crash). */
const PAUSE_EVERY_MS = 50;

export const elapsedSince = (now: () => number, start: number): number =>
  Math.max(now() - start, CLOCK_RESOLUTION_MS);

/**
 * Returns a checkpoint to call between units of work. It throws once the job is aborted and, at
 * most every PAUSE_EVERY_MS, awaits `context.pause` so the thread can read incoming messages:
 * CPU and WASM kernels resolve their results as microtasks and would otherwise never let a
 * cancel request in.
 */
export function checkpoints(context: MeasureContext): () => Promise<void> {
  const { pause, signal, now } = context;
  let last = pause ? now() : 0;
  return async () => {
    signal?.throwIfAborted();
    if (!pause || now() - last < PAUSE_EVERY_MS) return;
    await pause();
    last = now();
    signal?.throwIfAborted();
  };
}
