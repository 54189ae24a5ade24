import { spanOf } from './hash';

/**
 * Blob values made ahead of a write, for bytes the store is about to write (a new dataset's
 * columns). In Chromium, making a `Blob` of a column hands its bytes to the browser process and
 * holds the calling thread for as long as that takes (6–8 ms a megabyte, most of it waiting): made
 * on another thread while the data worker profiles the table, it costs the import almost no time
 * of its own. Kept by buffer and span, as remembered hashes are; only for immutable buffers.
 */
const prepared = new WeakMap<ArrayBufferLike, Map<string, Blob>>();

/** Remembers a `Blob` holding exactly the bytes `view` covers, for the next write of them. */
export function rememberBlob(view: ArrayBufferView, blob: Blob): void {
  if (blob.size !== view.byteLength) {
    throw new RangeError(`A blob of ${blob.size} bytes cannot stand for ${view.byteLength}.`);
  }
  let spans = prepared.get(view.buffer);
  if (!spans) prepared.set(view.buffer, (spans = new Map()));
  spans.set(spanOf(view), blob);
}

/**
 * The `Blob` remembered for the bytes `view` covers, with the given type, or undefined; it is
 * forgotten once taken, so it lives no longer than the write that uses it.
 */
export function takeBlob(view: ArrayBufferView, type: string): Blob | undefined {
  const spans = prepared.get(view.buffer);
  const span = spanOf(view);
  const blob = spans?.get(span);
  if (!spans || !blob) return undefined;
  spans.delete(span);
  if (spans.size === 0) prepared.delete(view.buffer);
  return blob.type === type ? blob : undefined;
}
