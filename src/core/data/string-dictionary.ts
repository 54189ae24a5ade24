/**
 * V8 keeps substrings of 13 or more characters as views into their parent string, so a category
 * taken from a field would keep its whole 1 MB chunk alive. Strings that outlive a chunk are copied.
 */
export const detachString = (text: string) => (text.length < 13 ? text : (' ' + text).slice(1));

export const HASH_SEED = 0x811c9dc5;
export const HASH_PRIME = 0x01000193;

/**
 * FNV-1a over the UTF-16 code units of `text.slice(start, end)`, with the high half folded into
 * the low bits that pick a slot. Callers that scan a range anyway fold
 * `hash = Math.imul(hash ^ code, HASH_PRIME)` from `HASH_SEED` and finish with `finishHash`; over
 * ASCII bytes this gives the same hash as over the same text, so one dictionary serves both.
 */
export function hashRange(text: string, start: number, end: number): number {
  let hash = HASH_SEED;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), HASH_PRIME);
  return finishHash(hash);
}

export const finishHash = (hash: number) => hash ^ (hash >>> 16);

const ASCII_PIECE = 4096;

/** The string of ASCII bytes `bytes[start, end)`. */
export function asciiString(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= ASCII_PIECE) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  let text = '';
  for (let at = start; at < end; at += ASCII_PIECE) {
    const piece = bytes.subarray(at, Math.min(end, at + ASCII_PIECE));
    text += String.fromCharCode.apply(null, piece as unknown as number[]);
  }
  return text;
}

/** Past this many bytes, new ASCII entries are no longer copied into the byte pool. */
const POOL_CAP = 16 * 1024 * 1024;

/**
 * Interns strings given as ranges of a larger text, or of ASCII bytes: a hash of the characters
 * finds the entry in an open-addressing table, and only a new value is cut out. Codes are dense,
 * in order of first appearance.
 */
export class StringDictionary {
  readonly entries: string[] = [];
  private hashes = new Int32Array(64);
  private lengths = new Int32Array(64);
  private slots = new Int32Array(128).fill(-1);
  private mask = 127;
  /**
   * The ASCII entries' characters as bytes, so `findBytes` compares a candidate byte to byte:
   * `poolStarts[code]` is where entry `code` starts in `pool`, or −1 when it is not there.
   */
  private pool = new Uint8Array(1024);
  private poolLength = 0;
  private poolStarts = new Int32Array(64);

  get size(): number {
    return this.entries.length;
  }

  intern(text: string, start: number, end: number): number {
    return this.internHashed(text, start, end, hashRange(text, start, end));
  }

  /** `intern` with the range's `hashRange` already computed, e.g. while it was being scanned. */
  internHashed(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.slots;
    let slot = hash & this.mask;
    for (;;) {
      const code = slots[slot] as number;
      if (code < 0) break;
      if (this.hashes[code] === hash && this.lengths[code] === length) {
        const entry = this.entries[code] as string;
        let i = 0;
        while (i < length && entry.charCodeAt(i) === text.charCodeAt(start + i)) i++;
        if (i === length) return code;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.add(detachString(text.slice(start, end)), hash, slot);
  }

  /**
   * The code of the ASCII bytes `bytes[start, end)` with hash `hash` (as `hashRange` computes
   * it), or −1 when they are not an entry yet.
   */
  findBytes(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.slots;
    const hashes = this.hashes;
    const lengths = this.lengths;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const code = slots[slot] as number;
      if (code < 0) return -1;
      if (hashes[code] === hash && lengths[code] === length) {
        const at = this.poolStarts[code] as number;
        let i = 0;
        if (at >= 0) {
          const pool = this.pool;
          while (i < length && pool[at + i] === bytes[start + i]) i++;
        } else {
          const entry = this.entries[code] as string;
          while (i < length && entry.charCodeAt(i) === bytes[start + i]) i++;
        }
        if (i === length) return code;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** `findBytes`, adding the bytes as a new entry when they are not one yet. */
  internBytes(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const code = this.findBytes(bytes, start, end, hash);
    if (code >= 0) return code;
    let slot = hash & this.mask;
    while ((this.slots[slot] as number) >= 0) slot = (slot + 1) & this.mask;
    return this.add(asciiString(bytes, start, end), hash, slot);
  }

  private add(entry: string, hash: number, slot: number): number {
    const code = this.entries.length;
    this.entries.push(entry);
    if (code === this.hashes.length) {
      this.hashes = grown(this.hashes, code * 2);
      this.lengths = grown(this.lengths, code * 2);
      this.poolStarts = grown(this.poolStarts, code * 2);
    }
    this.hashes[code] = hash;
    this.lengths[code] = entry.length;
    this.poolStarts[code] = this.toPool(entry);
    this.slots[slot] = code;
    if (2 * this.entries.length > this.mask) this.rehash();
    return code;
  }

  /** Copies an ASCII entry into the pool; returns where it starts, or −1. */
  private toPool(entry: string): number {
    const length = entry.length;
    const at = this.poolLength;
    if (at + length > POOL_CAP) return -1;
    if (at + length > this.pool.length) {
      const pool = new Uint8Array(Math.min(POOL_CAP, 2 * (at + length)));
      pool.set(this.pool.subarray(0, at));
      this.pool = pool;
    }
    const pool = this.pool;
    for (let i = 0; i < length; i++) {
      const code = entry.charCodeAt(i);
      if (code >= 128) return -1;
      pool[at + i] = code;
    }
    this.poolLength = at + length;
    return at;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let code = 0; code < this.entries.length; code++) {
      let slot = (this.hashes[code] as number) & mask;
      while ((slots[slot] as number) >= 0) slot = (slot + 1) & mask;
      slots[slot] = code;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function grown(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size);
  out.set(array);
  return out;
}
