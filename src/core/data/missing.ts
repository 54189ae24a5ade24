import { asciiString } from './string-dictionary';
import { DEFAULT_MISSING } from './types';

/**
 * Recognises missing-value tokens with as little work as possible per cell: most cells are
 * rejected by their length or first character, and candidates are compared in place, without
 * cutting the cell out of its line.
 */
export class MissingTokens {
  private readonly tokens: Set<string>;
  private readonly byLength: string[][] = [];
  /** 1 for the ASCII characters a token starts with: other cells are rejected at once. */
  readonly firstCodes = new Uint8Array(128);
  private readonly anyNonAsciiStart: boolean;
  private readonly maxLength: number;

  constructor(tokens: readonly string[] = DEFAULT_MISSING) {
    this.tokens = new Set(tokens.map((token) => token.trim()).filter((token) => token !== ''));
    let nonAscii = false;
    let maxLength = 0;
    for (const token of this.tokens) {
      const code = token.charCodeAt(0);
      if (code < 128) this.firstCodes[code] = 1;
      else nonAscii = true;
      maxLength = Math.max(maxLength, token.length);
      (this.byLength[token.length] ??= []).push(token);
    }
    this.anyNonAsciiStart = nonAscii;
    this.maxLength = maxLength;
  }

  /** Empty, blank, or one of the tokens (surrounding spaces ignored). */
  isMissing(text: string): boolean {
    return this.isMissingRange(text, 0, text.length);
  }

  /** `isMissing(text.slice(start, end))`. */
  isMissingRange(text: string, start: number, end: number): boolean {
    const n = end - start;
    if (n <= 0) return true;
    const first = text.charCodeAt(start);
    if (first <= 32 || text.charCodeAt(end - 1) <= 32) {
      const trimmed = text.slice(start, end).trim();
      return trimmed === '' || this.tokens.has(trimmed);
    }
    if (n > this.maxLength) return false;
    if (first < 128 ? this.firstCodes[first] === 0 : !this.anyNonAsciiStart) return false;
    const candidates = this.byLength[n];
    if (candidates === undefined) return false;
    for (const token of candidates) {
      let i = 0;
      while (i < n && token.charCodeAt(i) === text.charCodeAt(start + i)) i++;
      if (i === n) return true;
    }
    return false;
  }

  /** `isMissingRange` of the ASCII bytes `bytes[start, end)`. */
  isMissingBytes(bytes: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    if (n <= 0) return true;
    const first = bytes[start] as number;
    if (first <= 32 || (bytes[end - 1] as number) <= 32) {
      return this.isMissing(asciiString(bytes, start, end));
    }
    if (n > this.maxLength || first >= 128 || this.firstCodes[first] === 0) return false;
    const candidates = this.byLength[n];
    if (candidates === undefined) return false;
    for (const token of candidates) {
      let i = 0;
      while (i < n && token.charCodeAt(i) === bytes[start + i]) i++;
      if (i === n) return true;
    }
    return false;
  }
}

/**
 * The missing-value tokens a person typed as one line: separated by commas, each trimmed, blanks
 * and repeats dropped. An empty line leaves only empty cells missing (so that a code such as
 * `NA`, Namibia, is kept as a value).
 */
export function parseMissingList(text: string): string[] {
  const tokens: string[] = [];
  for (const part of text.split(',')) {
    const token = part.trim();
    if (token !== '' && !tokens.includes(token)) tokens.push(token);
  }
  return tokens;
}

/** The tokens as `parseMissingList` reads them back: the default list without the empty cell. */
export function formatMissingList(tokens: readonly string[] = DEFAULT_MISSING): string {
  return tokens.filter((token) => token.trim() !== '').join(', ');
}

/** Whether `tokens` read the same cells as missing as the default list does. */
export function isDefaultMissing(tokens: readonly string[]): boolean {
  const given = new Set(tokens.map((token) => token.trim()).filter((token) => token !== ''));
  const defaults = DEFAULT_MISSING.filter((token) => token !== '');
  return given.size === defaults.length && defaults.every((token) => given.has(token));
}
