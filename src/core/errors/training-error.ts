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

/** Lets pending messages (cancellation, progress) through during long synchronous loops. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
