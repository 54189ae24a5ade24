import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ColumnProfile } from '../core/data/profile/types';
import type { ProfileHelper } from '../core/data/profile/profile';
import type { NumberColumn } from '../core/table';

/** Files at least this large are profiled by two threads where the machine has two processors. */
export const SHARED_PROFILE_BYTES = 16 * 1024 * 1024;

interface Reply {
  readonly profiles?: ColumnProfile[];
  readonly error?: string;
  readonly columns: NumberColumn[];
}

/**
 * A worker thread that summarises half of a table's number columns (profileTableShared), or null
 * where there is no second processor or the file is small. It starts loading at once, so that it
 * is ready once the file has been read; `close` ends it.
 */
export function startProfileHelper(
  bytes: number,
  minBytes = SHARED_PROFILE_BYTES,
): { helper: ProfileHelper; close: () => Promise<void> } | null {
  if (bytes < minBytes || availableParallelism() < 2) return null;
  const worker = new Worker(new URL('./threads/profile-thread.mjs', import.meta.url));
  worker.unref();
  let failure: Error | null = null;
  worker.on('error', (error) => {
    failure = error;
  });
  const helper: ProfileHelper = (columns, options) =>
    new Promise((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      const fail = (error: Error) => reject(error);
      worker.once('error', fail);
      worker.once('message', (reply: Reply) => {
        worker.off('error', fail);
        if (reply.profiles) resolve({ profiles: reply.profiles, columns: reply.columns });
        else reject(new Error(reply.error ?? 'The profile thread failed.'));
      });
      worker.postMessage(
        { columns, options },
        columns.map((column) => column.values.buffer as ArrayBuffer),
      );
    });
  return { helper, close: () => worker.terminate().then(() => undefined) };
}
