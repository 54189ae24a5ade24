import type { EncodingOption, ImportWarning, TextEncodingName } from './types';

export type DecodeStep =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      /** The text of this chunk before its first invalid byte, so the caller can name the line. */
      readonly textBefore: string;
    };

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];

/**
 * Turns a stream of byte chunks into text. In `auto` mode the bytes are read as UTF-8 until the
 * first invalid sequence; if everything before it was ASCII (identical in both encodings) the rest
 * is read as windows-1252, otherwise the file mixes encodings and decoding fails with the offset.
 */
export class TextStreamDecoder {
  encoding: TextEncodingName = 'utf-8';
  readonly warnings: ImportWarning[] = [];
  private decoder: TextDecoder | null = null;
  private started = false;
  private head: Uint8Array = new Uint8Array(0);
  private nonAsciiSeen = false;
  private replacementSeen = false;
  /** The last byte decoded may have begun a sequence the UTF-8 decoder still holds. */
  private mayHold = false;

  constructor(private readonly option: EncodingOption) {}

  decode(chunk: Uint8Array, final: boolean): DecodeStep {
    let bytes = chunk;
    if (!this.started) {
      bytes = concatBytes(this.head, chunk);
      if (bytes.length < 3 && !final) {
        this.head = bytes;
        return { ok: true, text: '' };
      }
      this.head = new Uint8Array(0);
      this.started = true;
      bytes = this.start(bytes);
    }
    if (this.encoding === 'windows-1252') return { ok: true, text: decodeWindows1252(bytes) };
    const decoder = this.decoder as TextDecoder;
    let text: string;
    if (bytes.length > 0) this.mayHold = (bytes[bytes.length - 1] as number) >= 0x80;
    try {
      text = decoder.decode(bytes, { stream: !final });
    } catch {
      const valid = bytes.subarray(0, firstInvalidUtf8(bytes));
      if (this.option === 'auto' && !this.nonAsciiSeen && isAscii(valid)) {
        this.encoding = 'windows-1252';
        this.decoder = null;
        this.warnings.push({
          code: 'encoding-fallback',
          message: 'The file is not valid UTF-8, so it was read as Latin-1 (windows-1252).',
        });
        return { ok: true, text: decodeWindows1252(bytes) };
      }
      return { ok: false, textBefore: new TextDecoder('utf-8').decode(valid) };
    }
    if (this.encoding === 'utf-8' && text.length !== bytes.length) this.nonAsciiSeen = true;
    if (this.option === 'utf-8' && !this.replacementSeen && text.includes('\ufffd')) {
      this.replacementSeen = true;
      this.warnings.push({
        code: 'replacement-characters',
        message: 'Some bytes are not valid UTF-8 and were replaced by “\ufffd”.',
      });
    }
    return { ok: true, text };
  }

  /**
   * Whether the next bytes, when all ASCII, would decode to exactly their own characters with
   * nothing changing here, so a caller may read them without decoding: true once the encoding
   * is settled on UTF-8 or windows-1252 (ASCII is the same in both) and the UTF-8 decoder holds
   * no unfinished sequence.
   */
  passesAscii(): boolean {
    if (!this.started) return false;
    if (this.encoding === 'windows-1252') return true;
    return this.encoding === 'utf-8' && !this.mayHold;
  }

  /** Picks the decoder from the byte-order mark and the option; returns the bytes after the mark. */
  private start(bytes: Uint8Array): Uint8Array {
    if (startsWith(bytes, UTF16LE_BOM) || startsWith(bytes, UTF16BE_BOM)) {
      this.encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
      this.decoder = new TextDecoder(this.encoding, { ignoreBOM: true });
      return bytes.subarray(2);
    }
    const rest = startsWith(bytes, UTF8_BOM) ? bytes.subarray(3) : bytes;
    if (this.option === 'latin1') {
      this.encoding = 'windows-1252';
    } else {
      this.encoding = 'utf-8';
      this.decoder = new TextDecoder('utf-8', { fatal: this.option === 'auto', ignoreBOM: true });
      if (rest !== bytes) this.nonAsciiSeen = true;
    }
    return rest;
  }
}

const isAscii = (bytes: Uint8Array) => bytes.every((byte) => byte < 0x80);

/** windows-1252's characters for bytes 0x80–0x9F; every other byte is its own code point. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const WINDOWS_1252 = Uint16Array.from({ length: 256 }, (_, byte) =>
  byte >= 0x80 && byte < 0xa0 ? (WINDOWS_1252_HIGH[byte - 0x80] as number) : byte,
);

/**
 * Decodes windows-1252 (what browsers use for “latin1”) by table: some runtimes' TextDecoder
 * reads 0x80–0x9F as C1 controls instead of €, ‘, ” and the like.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) units[i] = WINDOWS_1252[bytes[i] as number] as number;
  let text = '';
  for (let at = 0; at < units.length; at += 8192) {
    text += String.fromCharCode(...units.subarray(at, at + 8192));
  }
  return text;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The offset of the first byte that starts an invalid UTF-8 sequence, or `bytes.length`. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    if (i + length > bytes.length) return i;
    const second = bytes[i + 1] as number;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k] as number;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}

const MAGIC: readonly (readonly [readonly number[], string])[] = [
  [[0x50, 0x41, 0x52, 0x31], 'This is a Parquet file, not a text table: import it as Parquet.'],
  [
    [0x50, 0x4b, 0x03, 0x04],
    'This is a ZIP archive, not a text table (an Excel .xlsx workbook is one: save it as CSV).',
  ],
  [
    [0xd0, 0xcf, 0x11, 0xe0],
    'This is an Office document, not a text table (an Excel .xls workbook is one: save it as CSV).',
  ],
  [[0x1f, 0x8b], 'This is a gzip archive, not a text table: decompress it first.'],
  [[0x25, 0x50, 0x44, 0x46], 'This is a PDF document, not a text table.'],
  [[0x89, 0x50, 0x4e, 0x47], 'This is a PNG image, not a text table.'],
  [[0xff, 0xd8, 0xff], 'This is a JPEG image, not a text table.'],
  [[0x47, 0x49, 0x46, 0x38], 'This is a GIF image, not a text table.'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'This is an SQLite database, not a text table.'],
];

export interface BinaryFile {
  readonly message: string;
  /** The line of the first NUL byte, else 1. */
  readonly line: number;
}

/**
 * Says what a file is when its first bytes show it is not text: a known binary signature, a NUL
 * byte, or many control characters. UTF-16 text (which has NUL bytes) is recognised by its BOM.
 */
export function describeBinary(bytes: Uint8Array): BinaryFile | null {
  for (const [magic, what] of MAGIC) {
    if (startsWith(bytes, magic)) return { message: what, line: 1 };
  }
  if (startsWith(bytes, UTF16LE_BOM) || startsWith(bytes, UTF16BE_BOM)) return null;
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  let line = 1;
  for (let i = 0; i < sample.length; i++) {
    const byte = sample[i] as number;
    if (byte === 0x0a) line++;
    else if (byte === 0) {
      return {
        message: `Line ${line} contains a NUL byte: this looks like a binary file, not a text table.`,
        line,
      };
    } else if (byte < 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0c) control++;
  }
  if (sample.length >= 64 && control / sample.length > 0.01) {
    return {
      message:
        'This looks like a binary file (it is full of control characters), not a text table.',
      line: 1,
    };
  }
  return null;
}
