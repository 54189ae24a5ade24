export type JobErrorKind = 'cancelled' | 'timeout' | 'crashed' | 'failed';

/** Why a job did not return a result; `kind` is what callers branch on. */
export class JobError extends Error {
  override readonly name = 'JobError';

  constructor(
    readonly kind: JobErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isJobError = (error: unknown, kind?: JobErrorKind): error is JobError =>
  error instanceof JobError && (kind === undefined || error.kind === kind);
