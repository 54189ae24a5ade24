import type { LogicalType } from '../table';
import * as datetimeText from './datetime-text';
import type { MissingTokens } from './missing';
import * as numberText from './number-text';
import { asciiString, detachString, StringDictionary } from './string-dictionary';

// Module-local bindings: some loaders turn every access to an imported binding into a getter
// call, which would cost a call per cell in the loops below.
const { parseNumberRange, lastNumber, CANONICAL, INTEGER_LITERAL, LEADING_ZERO, UNSAFE_INTEGER } =
  numberText;
const { parseIsoRange, lastDatetime, isRenderableLayout, renderIsoDatetime } = datetimeText;
const CANONICAL_INTEGER = CANONICAL | INTEGER_LITERAL;

export const EMPTY = 0;
export const NUMBER = 1;
export const DATETIME = 2;
export const STRING = 3;
export type BuilderMode = typeof EMPTY | typeof NUMBER | typeof DATETIME | typeof STRING;

/**
 * What a builder is asked for: `infer` a type from the cells, keep `string`s (a typed source's
 * text column: categorical or text decided at the end), or hold the cells to a type the user chose.
 */
export type BuilderTarget = 'infer' | 'string' | LogicalType;

/** A cell worth naming in a message: its row (0-based, data rows only) and its text. */
export interface CellSample {
  readonly row: number;
  readonly text: string;
}

/**
 * Texts kept for cells whose number or datetime cannot give the text back (`1.50`, `007`), so a
 * column that turns out to be text keeps every cell as written. Past this many per column the
 * texts are dropped and such a column's earlier cells are rewritten from their values.
 */
const KEPT_TEXT_CAP = 16_384;
const MIN_CAPACITY = 1024;
const MAX_SAFE = 2 ** 53;

const sample = (row: number, text: string, start: number, end: number): CellSample => ({
  row,
  text: detachString(text.slice(start, end)),
});

/**
 * Builds one column from a stream of cells straight into typed arrays. It starts by guessing the
 * narrowest mode (number, then ISO datetime) and falls back to dictionary-encoded strings at the
 * first cell that does not fit, converting what it has so far. Cells arrive as ranges of a line
 * or chunk, so numbers and datetimes are read in place, and a string is only cut out the first
 * time it is seen.
 */
export class ColumnBuilder {
  mode: BuilderMode = EMPTY;
  length = 0;
  capacity: number;
  values: Float64Array | null;
  codes: Int32Array | null = null;
  /** The distinct strings (STRING mode). */
  strings: StringDictionary | null = null;

  allIntegerLiterals = true;
  unsafeInteger: CellSample | null = null;
  leadingZero: CellSample | null = null;
  /** The layout datetimes are written back in: the first cell's. */
  private layout = -1;
  /** Equal to `layout` when that layout can be written back exactly, so matching cells skip work. */
  exactLayout = -1;
  private keptRows: number[] | null = [];
  private keptTexts: string[] | null = [];
  /** Some cells were rewritten from their values when the column fell back to strings. */
  reformatted = false;
  /** The first cell that did not fit the guessed number or datetime mode. */
  firstMismatch: CellSample | null = null;
  /** For a column held to a numeric type: the first cell that is not one. */
  failure: CellSample | null = null;
  /** Objects or arrays were written as JSON text. */
  nested = false;
  /**
   * Whether a reader may store plain decimal numbers (`-12.5`, `7`) it parsed itself straight
   * into `values` (NUMBER mode): the column is inferred or held to `numeric`, so a number needs
   * no check beyond what `keepsTexts` says.
   */
  readonly inlineNumbers: boolean;

  constructor(
    readonly target: BuilderTarget,
    private readonly missing: MissingTokens,
    readonly decimalCode = 46,
    capacity = MIN_CAPACITY,
  ) {
    this.capacity = Math.max(16, capacity);
    this.inlineNumbers = target === 'infer' || target === 'numeric';
    if (target === 'numeric' || target === 'integer') this.mode = NUMBER;
    else if (target === 'datetime') this.mode = DATETIME;
    else if (target !== 'infer') this.mode = STRING;
    if (this.mode === STRING) {
      this.values = null;
      this.codes = new Int32Array(this.capacity);
      this.strings = new StringDictionary();
    } else {
      this.values = new Float64Array(this.capacity);
    }
  }

  /** The distinct strings so far, by code (STRING mode). */
  get dictionary(): readonly string[] {
    return this.strings?.entries ?? [];
  }

  /** Adds one cell of text; false when a column held to a numeric type gets something else. */
  pushText(text: string): boolean {
    return this.pushRange(text, 0, text.length);
  }

  /** Adds the cell `text.slice(start, end)` without making the slice unless it must be kept. */
  pushRange(text: string, start: number, end: number): boolean {
    if (this.length === this.capacity) this.grow();
    if (this.missing.isMissingRange(text, start, end)) {
      this.pushMissingUnchecked();
      return true;
    }
    const mode = this.mode;
    if (mode === NUMBER) {
      const value = parseNumberRange(text, start, end, this.decimalCode);
      if (value === value) {
        (this.values as Float64Array)[this.length] = value;
        const flags = lastNumber.flags;
        if ((flags & INTEGER_LITERAL) === 0) {
          this.allIntegerLiterals = false;
          if (this.target === 'integer' && !Number.isInteger(value) && this.failure === null) {
            this.failure = sample(this.length, text, start, end);
          }
        }
        if (flags !== CANONICAL_INTEGER && flags !== CANONICAL) {
          this.noteNumberText(text, start, end, flags, value);
        }
        this.length++;
        return this.failure === null;
      }
      return this.mismatch(text, start, end);
    }
    if (mode === STRING) {
      (this.codes as Int32Array)[this.length++] = (this.strings as StringDictionary).intern(
        text,
        start,
        end,
      );
      return true;
    }
    if (mode === DATETIME) {
      const value = parseIsoRange(text, start, end);
      if (value === value) {
        (this.values as Float64Array)[this.length] = value;
        if (lastDatetime.layout !== this.exactLayout) {
          this.noteLayout(text, start, end, lastDatetime.layout);
        }
        this.length++;
        return true;
      }
      return this.mismatch(text, start, end);
    }
    return this.pushFirst(text, start, end);
  }

  /** `pushRange` of a cell given as ASCII bytes. */
  pushBytes(bytes: Uint8Array, start: number, end: number): boolean {
    const text = asciiString(bytes, start, end);
    return this.pushRange(text, 0, text.length);
  }

  /**
   * Whether number and datetime cells whose value does not give their text back (`1.50`) still
   * have their text kept; once the kept texts are dropped, such cells need no more than a value.
   */
  get keepsTexts(): boolean {
    return this.keptRows !== null;
  }

  /** Adds a number from a typed source (JSON, Parquet). */
  pushNumber(value: number): boolean {
    if (!Number.isFinite(value)) return this.pushText(String(value));
    if (this.mode === EMPTY && this.target === 'infer') this.mode = NUMBER;
    if (this.mode !== NUMBER) return this.pushText(String(value));
    if (this.length === this.capacity) this.grow();
    (this.values as Float64Array)[this.length] = value;
    if (!Number.isInteger(value) || Math.abs(value) > MAX_SAFE) {
      this.allIntegerLiterals = false;
      if (this.target === 'integer' && this.failure === null) {
        this.failure = { row: this.length, text: String(value) };
      }
    }
    this.length++;
    return this.failure === null;
  }

  /** Adds a JSON value: objects and arrays are kept as their JSON text. */
  pushValue(value: unknown): boolean {
    if (value === null || value === undefined) {
      this.pushMissing();
      return true;
    }
    switch (typeof value) {
      case 'number':
        return this.pushNumber(value);
      case 'string':
        return this.pushText(value);
      case 'boolean':
        return this.pushText(value ? 'true' : 'false');
      case 'bigint':
        return this.pushText(value.toString());
      default:
        this.nested = true;
        return this.pushText(
          JSON.stringify(value, (_, inner) => (typeof inner === 'bigint' ? String(inner) : inner)),
        );
    }
  }

  pushMissing(): void {
    if (this.length === this.capacity) this.grow();
    this.pushMissingUnchecked();
  }

  padTo(length: number): void {
    while (this.length < length) this.pushMissing();
  }

  private pushMissingUnchecked(): void {
    if (this.mode === STRING) (this.codes as Int32Array)[this.length++] = -1;
    else (this.values as Float64Array)[this.length++] = NaN;
  }

  /** The first present cell of an inferred column picks its mode. */
  private pushFirst(text: string, start: number, end: number): boolean {
    if (!Number.isNaN(parseNumberRange(text, start, end, this.decimalCode))) {
      this.mode = NUMBER;
    } else if (!Number.isNaN(parseIsoRange(text, start, end))) {
      this.mode = DATETIME;
    } else {
      this.toStrings();
    }
    return this.pushRange(text, start, end);
  }

  private noteNumberText(text: string, start: number, end: number, flags: number, value: number) {
    if (flags & LEADING_ZERO && this.leadingZero === null && value !== 0) {
      this.leadingZero = sample(this.length, text, start, end);
    }
    if (flags & UNSAFE_INTEGER && this.unsafeInteger === null) {
      this.unsafeInteger = sample(this.length, text, start, end);
    }
    if ((flags & CANONICAL) === 0) this.keepText(text, start, end);
  }

  private noteLayout(text: string, start: number, end: number, layout: number): void {
    if (this.layout < 0) {
      this.layout = layout;
      if (isRenderableLayout(layout)) {
        this.exactLayout = layout;
        return;
      }
    }
    this.keepText(text, start, end);
  }

  private keepText(text: string, start: number, end: number): void {
    const rows = this.keptRows;
    if (rows === null) return;
    if (rows.length >= KEPT_TEXT_CAP) {
      this.keptRows = null;
      this.keptTexts = null;
      return;
    }
    rows.push(this.length);
    (this.keptTexts as string[]).push(detachString(text.slice(start, end)));
  }

  private mismatch(text: string, start: number, end: number): boolean {
    if (this.target === 'numeric' || this.target === 'integer') {
      if (this.failure === null) this.failure = sample(this.length, text, start, end);
      (this.values as Float64Array)[this.length++] = NaN;
      return false;
    }
    if (this.firstMismatch === null) this.firstMismatch = sample(this.length, text, start, end);
    this.toStrings();
    return this.pushRange(text, start, end);
  }

  /** Re-encodes the cells so far as strings, from the kept texts or by writing the values back. */
  private toStrings(): void {
    const values = this.values;
    const codes = new Int32Array(this.capacity);
    const strings = new StringDictionary();
    this.strings = strings;
    this.codes = codes;
    const previous = this.mode;
    this.mode = STRING;
    this.values = null;
    if (values === null) return;
    const keptRows = this.keptRows;
    const keptTexts = this.keptTexts;
    if (keptRows === null && previous !== EMPTY) this.reformatted = true;
    let next = 0;
    for (let row = 0; row < this.length; row++) {
      const value = values[row] as number;
      if (value !== value) {
        codes[row] = -1;
        continue;
      }
      let text: string;
      if (keptRows !== null && keptRows[next] === row)
        text = (keptTexts as string[])[next++] as string;
      else if (previous === DATETIME) text = renderIsoDatetime(value, this.layout);
      else text = String(value);
      codes[row] = strings.intern(text, 0, text.length);
    }
    this.keptRows = null;
    this.keptTexts = null;
  }

  private grow(): void {
    this.resize(Math.max(MIN_CAPACITY, this.capacity * 2));
  }

  /** Makes room for `capacity` cells in one step, when the caller can estimate the row count. */
  reserve(capacity: number): void {
    if (capacity > this.capacity) this.resize(capacity);
  }

  private resize(capacity: number): void {
    if (this.values) {
      const values = new Float64Array(capacity);
      values.set(this.values.subarray(0, this.length));
      this.values = values;
    }
    if (this.codes) {
      const codes = new Int32Array(capacity);
      codes.set(this.codes.subarray(0, this.length));
      this.codes = codes;
    }
    this.capacity = capacity;
  }

  /** The finished numbers, trimmed to length (NUMBER, DATETIME and EMPTY modes). */
  takeValues(): Float64Array {
    const values = this.values ?? new Float64Array(0);
    this.values = null;
    return trimmed(values, this.length);
  }

  /** The finished codes, trimmed to length (STRING mode). */
  takeCodes(): Int32Array {
    const codes = this.codes ?? new Int32Array(0);
    this.codes = null;
    return trimmed(codes, this.length);
  }
}

/** The share of a column's buffer left spare that `trimmed` keeps rather than copy the column. */
export const SPARE_ROOM_KEPT = 1 / 16;

/** `ArrayBuffer.prototype.transfer` (ES2024), where the runtime has it. */
type ResizableCopy = ArrayBuffer & { transfer?: (byteLength: number) => ArrayBuffer };

/**
 * The first `length` cells. A column whose spare room is small (SPARE_ROOM_KEPT, as a row
 * estimate from the first rows usually leaves) stays a view of its buffer: moving it into a
 * buffer of its size copies it (`transfer` to a shorter length allocates anew), about 0.1 s for
 * a million-row table's columns, and the store copies only the cells a view covers. A column
 * with more room is moved where the runtime can (`transfer`, which frees the old buffer at once)
 * and copied elsewhere: a copy holds the column twice until the collector finds the old buffer.
 */
function trimmed<T extends Float64Array | Int32Array>(array: T, length: number): T {
  if (array.length === length) return array;
  if (array.length - length <= array.length * SPARE_ROOM_KEPT) {
    return array.subarray(0, length) as T;
  }
  const buffer = array.buffer as ResizableCopy;
  if (array.byteOffset === 0 && typeof buffer.transfer === 'function') {
    const moved = buffer.transfer(length * array.BYTES_PER_ELEMENT);
    return (array instanceof Float64Array ? new Float64Array(moved) : new Int32Array(moved)) as T;
  }
  return array.slice(0, length) as T;
}
