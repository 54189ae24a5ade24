/** performance.now is coarsened (to 0.1 ms or worse) where the page is not cross-origin isolated. */
const CLOCK_RESOLUTION_MS = 0.1;

export const elapsedSince = (now: () => number, start: number): number =>
  Math.max(now() - start, CLOCK_RESOLUTION_MS);
