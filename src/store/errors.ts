export type StoreErrorKind =
  | 'quota'
  | 'stale-schema'
  | 'newer-schema'
  | 'not-found'
  | 'immutable'
  | 'invalid'
  | 'conflict'
  | 'unavailable';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    readonly where?: string,
  ) {
    super(message);
  }
}

export const isQuotaError = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'name' in error &&
  ((error as { name: unknown }).name === 'QuotaExceededError' ||
    (error as { name: unknown }).name === 'NS_ERROR_DOM_QUOTA_REACHED');

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** Maps a low-level failure to a StoreError; `bytes` is how much the failed write tried to add. */
export function toStoreError(error: unknown, context: { bytes?: number } = {}): unknown {
  if (error instanceof StoreError) return error;
  if (isQuotaError(error)) {
    const size = context.bytes ? ` (about ${megabytes(context.bytes)})` : '';
    return new StoreError(
      'quota',
      `Not enough storage space to save this${size}. Nothing was changed: everything stored before is intact. ` +
        'Free space by deleting datasets or models you no longer need, or export the workspace as a backup first.',
    );
  }
  if (typeof error === 'object' && error !== null && 'name' in error) {
    const { name, message } = error as { name: string; message?: string };
    if (name === 'VersionError') {
      return new StoreError(
        'newer-schema',
        'This browser holds a workspace saved by a newer version of Bunsen. Reload the page to get the newer version.',
      );
    }
    if (name === 'ConstraintError') {
      return new StoreError('conflict', message || 'A record with this id already exists.');
    }
  }
  return error;
}
