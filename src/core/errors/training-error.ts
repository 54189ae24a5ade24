export type TrainingErrorKind =
  | 'invalid-input'
  | 'non-finite'
  | 'single-class'
  | 'empty-class'
  | 'too-large'
  | 'invalid-params'
  | 'device-lost'
  | 'unsupported'
  | 'cancelled';

/** A failure the user can act on; `where` names the column, row, parameter or class at fault. */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';
  constructor(
    readonly kind: TrainingErrorKind,
    message: string,
    readonly where?: string,
  ) {
    super(message);
  }
}

/** Throws a `cancelled` TrainingError if the signal was aborted. */
export function checkCancelled(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new TrainingError('cancelled', 'Training was cancelled.');
}

/**
 * Lets pending messages (cancellation, progress) through during long synchronous loops: resolves
 * in a new macrotask. A MessageChannel message is used, not setTimeout(0), which browsers clamp to
 * 4 ms once timers nest five deep: a CSV import that yielded once a megabyte sat idle for 0.6 s of
 * a 150 MB file in a Chromium worker.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
