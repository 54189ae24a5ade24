import type { Table } from '../core/table';
import { columnPayloads } from '../store/datasets';
import { rememberBlob, takeBlob } from '../store/prepared-blobs';
import { BLOB_VALUE_BYTES, type BlobInput } from '../store/workspace-store';
import type { BlobReply, BlobRequest } from './blob-protocol';

/**
 * Makes `Blob`s of bytes on another thread. In Chromium `new Blob([bytes])` holds its thread
 * while the bytes go to the browser process (6–8 ms a megabyte, mostly waiting): the data worker
 * hands a new dataset's columns to a maker while it profiles them, and the store then writes
 * the blobs made (see `prepared-blobs`) instead of making them on the import's own thread.
 */
export interface BlobMaker {
  /** A `Blob` of a copy of `bytes`; the caller's bytes are not kept or moved. */
  make(bytes: Uint8Array, type: string): Promise<Blob>;
  close(): void;
}

/** The part of a `Worker` a blob maker uses. */
export interface BlobWorker {
  postMessage(message: BlobRequest, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<BlobReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/**
 * Buffers the bytes are copied into and moved to the maker's thread in. One: the next column is
 * copied as soon as it comes back (a copy takes a few milliseconds, a blob some fifty), and no
 * more memory than one column is added. With two, the 148 MB benchmark import was not clearly
 * faster (profile and save 2.94 against 2.99 s) and its renderer peaked about 13 MB higher.
 */
const STAGING_BUFFERS = 1;

interface Waiter {
  resolve: (buffer: ArrayBuffer) => void;
  reject: (error: Error) => void;
}

/** A blob maker that runs on `worker` (see `workers/blob.worker.ts`). */
export function workerBlobMaker(worker: BlobWorker): BlobMaker {
  const pending = new Map<
    number,
    { resolve: (blob: Blob) => void; reject: (error: Error) => void }
  >();
  const free: ArrayBuffer[] = [];
  const waiting: Waiter[] = [];
  let staged = 0;
  let nextId = 0;
  let failure: Error | null = null;

  const fail = (error: Error) => {
    if (failure) return;
    failure = error;
    for (const job of pending.values()) job.reject(error);
    pending.clear();
    for (const waiter of waiting.splice(0)) waiter.reject(error);
    worker.terminate();
  };

  const release = (buffer: ArrayBuffer) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(buffer);
    else free.push(buffer);
  };

  worker.onmessage = ({ data }) => {
    const job = pending.get(data.id);
    pending.delete(data.id);
    release(data.buffer);
    if (!job) return;
    if (data.blob) job.resolve(data.blob);
    else job.reject(new Error(data.error ?? 'The blob could not be made.'));
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(new Error(event.message || 'The blob worker failed.'));
  };

  /** A staging buffer of at least `size` bytes, once one is free. */
  const stage = async (size: number): Promise<ArrayBuffer> => {
    let buffer = free.pop();
    if (!buffer && staged < STAGING_BUFFERS) {
      staged++;
      buffer = new ArrayBuffer(size);
    }
    buffer ??= await new Promise<ArrayBuffer>((resolve, reject) =>
      waiting.push({ resolve, reject }),
    );
    return buffer.byteLength >= size ? buffer : new ArrayBuffer(size);
  };

  return {
    async make(bytes, type) {
      if (failure) throw failure;
      const buffer = await stage(bytes.byteLength);
      if (failure) throw failure;
      new Uint8Array(buffer, 0, bytes.byteLength).set(bytes);
      const id = nextId++;
      const made = new Promise<Blob>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ id, buffer, length: bytes.byteLength, type }, [buffer]);
      return made;
    },
    close() {
      fail(new Error('The blob maker was closed.'));
    },
  };
}

/**
 * Has `maker` make the blobs the store will write for `table`'s columns (those large enough to be
 * stored as `Blob` values), and remembers them for that write. Runs beside the profile: each copy
 * and hand-over happens when the data worker's thread is free between profile steps. Best effort:
 * a column whose blob could not be made, or any once `signal` aborts, is left for the store to
 * make. Returns the columns' bytes, for `forgetColumnBlobs` once the write is over.
 */
export async function prepareColumnBlobs(
  table: Table,
  maker: BlobMaker,
  signal: AbortSignal,
): Promise<Uint8Array[]> {
  const payloads = columnPayloads(table).filter(
    (payload) => payload.data.byteLength >= BLOB_VALUE_BYTES,
  );
  // Two lanes: while one waits for its blob, the other waits for the staging buffer, and copies
  // into it the moment it comes back. Each column is started only while the import goes on.
  let next = 0;
  const lane = async () => {
    while (next < payloads.length && !signal.aborted) {
      const { data, type } = payloads[next++] as BlobInput;
      try {
        const blob = await maker.make(data, type as string);
        if (!signal.aborted) rememberBlob(data, blob);
      } catch {
        // The store makes this one itself.
      }
    }
  };
  await Promise.all([lane(), lane()]);
  return payloads.map((payload) => payload.data);
}

/** Drops the blobs made for these bytes that the write did not take (say, it was cancelled). */
export function forgetColumnBlobs(views: readonly Uint8Array[]): void {
  for (const view of views) takeBlob(view, '');
}
