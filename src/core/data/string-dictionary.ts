/**
 * V8 keeps substrings of 13 or more characters as views into their parent string, so a category
 * taken from a field would keep its whole 1 MB chunk alive. Strings that outlive a chunk are copied.
 */
export const detachString = (text: string) => (text.length < 13 ? text : (' ' + text).slice(1));

/**
 * Interns strings given as ranges of a larger text: a hash of the characters finds the entry in
 * an open-addressing table, and only a new value is cut out of the text. Codes are dense, in
 * order of first appearance.
 */
export class StringDictionary {
  readonly entries: string[] = [];
  private hashes = new Int32Array(64);
  private slots = new Int32Array(128).fill(-1);
  private mask = 127;

  get size(): number {
    return this.entries.length;
  }

  intern(text: string, start: number, end: number): number {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    hash ^= hash >>> 16;
    const length = end - start;
    const slots = this.slots;
    let slot = hash & this.mask;
    for (;;) {
      const code = slots[slot] as number;
      if (code < 0) break;
      if (this.hashes[code] === hash) {
        const entry = this.entries[code] as string;
        if (entry.length === length) {
          let i = 0;
          while (i < length && entry.charCodeAt(i) === text.charCodeAt(start + i)) i++;
          if (i === length) return code;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    const code = this.entries.length;
    this.entries.push(detachString(text.slice(start, end)));
    if (code === this.hashes.length) {
      const hashes = new Int32Array(code * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[code] = hash;
    slots[slot] = code;
    if (2 * this.entries.length > this.mask) this.rehash();
    return code;
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
