const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * Hashes already computed for whole buffers elsewhere (the data worker hashes the columns it
 * builds), so the page need not digest them again: a digest copies its input on the calling
 * thread, which for a large table is both a second copy and a long task. Only immutable buffers
 * (a dataset's columns) may be remembered.
 */
const known = new WeakMap<ArrayBufferLike, Map<string, string>>();

/** A view's place in its buffer, the key under which facts about its bytes are remembered. */
export const spanOf = (view: ArrayBufferView) => `${view.byteOffset}:${view.byteLength}`;

/** Remembers the sha-256 (hex) of the bytes `view` covers. */
export function rememberHash(view: ArrayBufferView, hash: string): void {
  let spans = known.get(view.buffer);
  if (!spans) known.set(view.buffer, (spans = new Map()));
  spans.set(spanOf(view), hash);
}

export async function sha256(data: Uint8Array | ArrayBuffer): Promise<string> {
  const view = data instanceof Uint8Array ? data : new Uint8Array(data);
  const remembered = known.get(view.buffer)?.get(spanOf(view));
  if (remembered) return remembered;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>);
  return hex(new Uint8Array(digest));
}
