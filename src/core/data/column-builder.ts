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

/** A builder's cells and facts, as `exportState` gives them and `append` takes them. */
export interface BuilderState {
  readonly target: BuilderTarget;
  readonly mode: BuilderMode;
  readonly length: number;
  readonly values: Float64Array | null;
  readonly codes: Int32Array | null;
  readonly dictionary: readonly string[] | null;
  readonly allIntegerLiterals: boolean;
  readonly unsafeInteger: CellSample | null;
  readonly leadingZero: CellSample | null;
  readonly layout: number;
  readonly exactLayout: number;
  readonly keptRows: readonly number[] | null;
  readonly keptTexts: readonly string[] | null;
  readonly reformatted: boolean;
  readonly firstMismatch: CellSample | null;
  readonly failure: CellSample | null;
  readonly nested: boolean;
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

  /**
   * Everything this builder holds, to be joined after another's (`append`), e.g. in another
   * thread: the cells trimmed to their length (taken, as by `takeValues`), the strings, and the
   * facts the finish reads.
   */
  takeState(): BuilderState {
    const values = this.values && trimmed(this.values, this.length);
    const codes = this.codes && trimmed(this.codes, this.length);
    this.values = null;
    this.codes = null;
    return {
      target: this.target,
      mode: this.mode,
      length: this.length,
      values,
      codes,
      dictionary: this.strings ? this.strings.entries : null,
      allIntegerLiterals: this.allIntegerLiterals,
      unsafeInteger: this.unsafeInteger,
      leadingZero: this.leadingZero,
      layout: this.layout,
      exactLayout: this.exactLayout,
      keptRows: this.keptRows,
      keptTexts: this.keptTexts,
      reformatted: this.reformatted,
      firstMismatch: this.firstMismatch,
      failure: this.failure,
      nested: this.nested,
    };
  }

  /**
   * Whether `append(next)` can join the cells of `next` (a builder of the same column that read
   * the cells after these) so that this builder ends as if it had read them all itself: false
   * when the two disagree in a way only a read of every cell in order settles (a number column
   * whose later cells are text, two datetime layouts, texts already dropped).
   */
  canAppend(next: BuilderState): boolean {
    if (next.target !== this.target || this.failure !== null || next.failure !== null) return false;
    if (next.mode === EMPTY || this.mode === EMPTY) return true;
    if (this.mode === STRING) {
      if (next.mode === STRING) return !next.reformatted;
      // Cells read as numbers or datetimes are written back as this column's strings.
      return next.keptRows !== null;
    }
    if (next.mode !== this.mode) return false;
    return this.mode === NUMBER || this.layout === next.layout;
  }

  /**
   * Joins the cells of `next` after these (see `canAppend`, which must hold): its values or
   * codes, its strings (recoded into this dictionary in order of first appearance, as one read
   * would have coded them), and its facts with their rows moved past these.
   */
  append(next: BuilderState): void {
    const offset = this.length;
    const moved = (cell: CellSample | null) =>
      cell === null ? null : { row: cell.row + offset, text: cell.text };
    const total = offset + next.length;
    if (next.mode === EMPTY) {
      this.reserveExactly(total);
      while (this.length < total) this.pushMissingUnchecked();
      return;
    }
    if (this.mode === EMPTY) {
      // These cells were all missing: the column is what `next` made of its cells.
      this.mode = next.mode;
      this.layout = next.layout;
      this.exactLayout = next.exactLayout;
      this.reformatted = next.reformatted;
      this.firstMismatch = moved(next.firstMismatch);
      this.allIntegerLiterals = next.allIntegerLiterals;
      this.unsafeInteger = moved(next.unsafeInteger);
      this.leadingZero = moved(next.leadingZero);
      this.keptRows = next.keptRows && next.keptRows.map((row) => row + offset);
      this.keptTexts = next.keptTexts && [...next.keptTexts];
      this.nested = this.nested || next.nested;
      if (next.mode === STRING) {
        this.values = null;
        this.codes = new Int32Array(total).fill(-1);
        this.strings = new StringDictionary();
        this.capacity = total;
        this.appendCodes(next);
      } else {
        const values = new Float64Array(total).fill(NaN);
        values.set(next.values as Float64Array, offset);
        this.values = values;
        this.capacity = total;
        this.length = total;
      }
      return;
    }
    this.nested = this.nested || next.nested;
    if (this.mode === STRING) {
      this.reserveExactly(total);
      if (next.mode === STRING) this.appendCodes(next);
      else this.appendAsStrings(next);
      return;
    }
    this.allIntegerLiterals = this.allIntegerLiterals && next.allIntegerLiterals;
    this.unsafeInteger ??= moved(next.unsafeInteger);
    this.leadingZero ??= moved(next.leadingZero);
    const rows = this.keptRows;
    const texts = this.keptTexts;
    if (
      rows === null ||
      texts === null ||
      next.keptRows === null ||
      next.keptTexts === null ||
      rows.length + next.keptRows.length > KEPT_TEXT_CAP
    ) {
      this.keptRows = null;
      this.keptTexts = null;
    } else {
      for (const row of next.keptRows) rows.push(row + offset);
      for (const text of next.keptTexts) texts.push(text);
    }
    this.reserveExactly(total);
    (this.values as Float64Array).set(next.values as Float64Array, offset);
    this.length = total;
  }

  /** Appends the codes of a STRING-mode `next`, recoded into this dictionary. */
  private appendCodes(next: BuilderState): void {
    const strings = this.strings as StringDictionary;
    const recode = Int32Array.from(next.dictionary as string[], (text) =>
      strings.intern(text, 0, text.length),
    );
    const codes = this.codes as Int32Array;
    const from = next.codes as Int32Array;
    let at = this.length;
    for (let i = 0; i < next.length; i++) {
      const code = from[i] as number;
      codes[at++] = code < 0 ? -1 : (recode[code] as number);
    }
    this.length = at;
  }

  /** Appends the cells of a NUMBER- or DATETIME-mode `next` as the strings they were read from. */
  private appendAsStrings(next: BuilderState): void {
    const strings = this.strings as StringDictionary;
    const codes = this.codes as Int32Array;
    const values = next.values as Float64Array;
    const keptRows = next.keptRows as number[];
    const keptTexts = next.keptTexts as string[];
    let kept = 0;
    let at = this.length;
    for (let row = 0; row < next.length; row++) {
      const value = values[row] as number;
      if (value !== value) {
        codes[at++] = -1;
        continue;
      }
      let text: string;
      if (keptRows[kept] === row) text = keptTexts[kept++] as string;
      else if (next.mode === DATETIME) text = renderIsoDatetime(value, next.layout);
      else text = String(value);
      codes[at++] = strings.intern(text, 0, text.length);
    }
    this.length = at;
  }

  /**
   * Room for exactly `capacity` cells: the column is about to be finished at that length, so
   * no spare room is made (it would be cut again), and the cells move in one step.
   */
  private reserveExactly(capacity: number): void {
    if (capacity === this.capacity) return;
    if (this.values) this.values = resized(this.values, this.length, capacity);
    if (this.codes) this.codes = resized(this.codes, this.length, capacity);
    this.capacity = capacity;
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

/** `ArrayBuffer.prototype.transfer` (ES2024), where the runtime has it. */
type ResizableCopy = ArrayBuffer & { transfer?: (byteLength: number) => ArrayBuffer };

/**
 * The first `length` cells, in a buffer of exactly their size. A column is sent to the page and
 * stored whole, and a view of a larger buffer would carry its spare room there and make the
 * store copy it to write it, so the room is cut here instead: `transfer` moves the cells into a
 * buffer of the new size and frees the old one at once, where the runtime has it; elsewhere the
 * cells are copied and the old buffer is left to the collector.
 */
function trimmed<T extends Float64Array | Int32Array>(array: T, length: number): T {
  if (array.length === length) return array;
  const buffer = array.buffer as ResizableCopy;
  if (array.byteOffset === 0 && typeof buffer.transfer === 'function') {
    const moved = buffer.transfer(length * array.BYTES_PER_ELEMENT);
    return (array instanceof Float64Array ? new Float64Array(moved) : new Int32Array(moved)) as T;
  }
  return array.slice(0, length) as T;
}

/**
 * The first `length` cells in a buffer of `capacity`: moved by `transfer` where the runtime has
 * it (the old buffer is freed at once, not left to the collector), else copied.
 */
function resized<T extends Float64Array | Int32Array>(array: T, length: number, capacity: number): T {
  const buffer = array.buffer as ResizableCopy;
  const bytes = capacity * array.BYTES_PER_ELEMENT;
  if (array.byteOffset === 0 && typeof buffer.transfer === 'function') {
    const moved = buffer.transfer(bytes);
    return (array instanceof Float64Array ? new Float64Array(moved) : new Int32Array(moved)) as T;
  }
  const copy = (array instanceof Float64Array ? new Float64Array(capacity) : new Int32Array(capacity)) as T;
  copy.set(array.subarray(0, Math.min(length, capacity)));
  return copy;
}
