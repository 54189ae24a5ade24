import type { Column } from '../../table';
import * as columnBuilder from '../column-builder';
import { ColumnBuilder } from '../column-builder';
import * as datetimeText from '../datetime-text';
import { finishColumn, mismatchError, type FinishContext } from '../finish-column';
import { cleanHeaders, positionalNames } from '../headers';
import { LineMap } from '../line-map';
import type { MissingTokens } from '../missing';
import { overrideFor } from '../options';
import * as stringDictionary from '../string-dictionary';
import type { DateOrder, ImportError, ImportLimits, ImportWarning, TypeOverrides } from '../types';

export type RaggedRows = 'error' | 'pad' | 'truncate';

export interface RowSinkOptions {
  readonly header: boolean;
  readonly ragged: RaggedRows;
  readonly types: TypeOverrides | undefined;
  readonly dateOrder: DateOrder | undefined;
  readonly limits: ImportLimits;
  readonly missing: MissingTokens;
  readonly decimalCode: number;
  /**
   * Whether `addLine` may store plain decimal numbers and ISO datetimes it reads itself, without
   * asking the missing tokens first: false when a token is itself such a value (`-999`), or the
   * delimiter could be part of a number.
   */
  readonly inlineNumbers: boolean;
  readonly inlineDates: boolean;
}

// Module-local bindings: some loaders turn every access to an imported binding into a getter
// call, which would cost a call per cell in `addLine`.
const { DATETIME, NUMBER, STRING } = columnBuilder;
const { lastDatetime, parseIsoRange } = datetimeText;
const { finishHash, HASH_PRIME, HASH_SEED } = stringDictionary;

/** How `addLine` read each cell of a row before committing it. */
const STORED = 0;
const HASHED = 1;
const GENERIC = 2;

/** `addLine`'s results: the row was added, must be split another way, or failed. */
export const LINE_ADDED = 1;
export const LINE_OTHER = 0;
export const LINE_FAILED = -1;

const POW10 = Array.from({ length: 16 }, (_, i) => Number(`1e${i}`));

interface RowCount {
  count: number;
  line: number;
}

/**
 * Receives the records of a delimited file, whichever way they were split: the header, then
 * data rows as strings or as ranges of a chunk. It owns the column builders, the row limits and
 * the map from rows to lines, and stops at the first error.
 */
export class RowSink {
  names: string[] | null = null;
  builders: ColumnBuilder[] = [];
  rows = 0;
  error: ImportError | null = null;
  readonly warnings: ImportWarning[] = [];
  private readonly lineMap = new LineMap();
  private maxRows = Infinity;
  private readonly padded: RowCount = { count: 0, line: 0 };
  private readonly truncated: RowCount = { count: 0, line: 0 };
  private chunkRowStart = 0;
  private chunkLines = new Int32Array(1024);
  private chunkRows = 0;
  /** The smallest capacity among the builders: rows below it can be written without a check. */
  private roomyRows = 0;
  private bounds = new Int32Array(0);
  private states = new Uint8Array(0);
  private hashes = new Int32Array(0);
  /** The columns of the cells `addLine` left for the commit, with their bounds and states. */
  private columns = new Int32Array(0);

  constructor(private readonly options: RowSinkOptions) {}

  get width(): number {
    return this.builders.length;
  }

  lineOf(row: number): number | undefined {
    return this.lineMap.lineOf(row);
  }

  private fail(error: ImportError): false {
    this.error = error;
    this.builders = [];
    return false;
  }

  takeHeader(fields: readonly string[], line: number): boolean {
    const { limits } = this.options;
    if (fields.length > limits.maxColumns) {
      return this.fail({
        code: 'too-many-columns',
        message: `Line ${line} has ${fields.length} columns; the limit is ${limits.maxColumns}.`,
        line,
      });
    }
    let names: string[];
    if (!this.options.header) names = positionalNames(fields.length);
    else {
      const cleaned = cleanHeaders(fields);
      names = cleaned.names;
      this.warnings.push(...cleaned.warnings);
    }
    this.names = names;
    this.maxRows = Math.floor(limits.maxCells / Math.max(1, names.length));
    this.builders = names.map(
      (name) =>
        new ColumnBuilder(
          overrideFor(this.options.types, name) ?? 'infer',
          this.options.missing,
          this.options.decimalCode,
        ),
    );
    this.bounds = new Int32Array(2 * names.length);
    this.states = new Uint8Array(names.length);
    this.hashes = new Int32Array(names.length);
    this.columns = new Int32Array(names.length);
    this.updateRoom();
    return true;
  }

  private updateRoom(): void {
    let room = Infinity;
    for (const builder of this.builders) {
      if (builder.length >= builder.capacity) builder.reserve(Math.max(1024, 2 * builder.capacity));
      room = Math.min(room, builder.capacity);
    }
    this.roomyRows = room;
  }

  /** Sizes every column for `rows` rows at once (an estimate from the bytes read so far). */
  reserve(rows: number): void {
    const capacity = Math.min(rows, this.maxRows + 1);
    for (const builder of this.builders) builder.reserve(capacity);
    this.updateRoom();
  }

  beginChunk(): void {
    this.chunkRowStart = this.rows;
    this.chunkRows = 0;
  }

  /** Records where this chunk's rows start; one entry when they sit on consecutive lines. */
  endChunk(): void {
    const kept = this.chunkRows;
    if (kept === 0) return;
    const lines = this.chunkLines;
    const first = lines[0] as number;
    if (lines[kept - 1] === first + kept - 1) this.lineMap.add(this.chunkRowStart, first);
    else this.lineMap.add(this.chunkRowStart, first, lines.slice(0, kept));
  }

  private admit(line: number): boolean {
    if (this.rows >= this.maxRows) return this.fail(this.tooManyCells(line));
    if (this.chunkRows === this.chunkLines.length) {
      const lines = new Int32Array(this.chunkLines.length * 2);
      lines.set(this.chunkLines);
      this.chunkLines = lines;
    }
    this.chunkLines[this.chunkRows++] = line;
    return true;
  }

  /** A data row given as strings; rows of the wrong width are padded, cut or refused. */
  addFields(fields: readonly string[], line: number): boolean {
    let cells = fields;
    if (cells.length !== this.builders.length) {
      const fixed = this.fixRagged(cells, line);
      if (!fixed) return false;
      cells = fixed;
    }
    if (!this.admit(line)) return false;
    const builders = this.builders;
    for (let j = 0; j < builders.length; j++) {
      if (!(builders[j] as ColumnBuilder).pushText(cells[j] as string)) {
        return this.mismatch(j, cells[j] as string, line);
      }
    }
    this.rows++;
    return true;
  }

  /** A data row of exactly `width` fields given as [start, end) pairs into `text`. */
  addRanges(text: string, bounds: Int32Array, line: number): boolean {
    if (!this.admit(line)) return false;
    const builders = this.builders;
    for (let j = 0; j < builders.length; j++) {
      const start = bounds[2 * j] as number;
      const end = bounds[2 * j + 1] as number;
      if (!(builders[j] as ColumnBuilder).pushRange(text, start, end)) {
        return this.mismatch(j, text.slice(start, end), line);
      }
    }
    this.rows++;
    return true;
  }

  /**
   * Reads the quote-free record `text.slice(start, end)` field by field in one pass over its
   * bytes (`bytes` holds the same record at the same offsets, so the text must be ASCII): plain
   * numbers and datetimes are parsed as their digits are scanned and written straight into their
   * column, and strings are hashed on the way and interned once the record proves to have
   * exactly `width` fields. A record of any other width is undone and left to the caller
   * (`LINE_OTHER`), which splits it and applies the blank-line and ragged-row rules. Cells the
   * shortcuts do not cover (missing tokens, exponents, `1.50`, a column's first cell) go through
   * `ColumnBuilder.pushRange` as usual, so the columns come out exactly as `addRanges` makes them.
   */
  addLine(
    bytes: Uint8Array,
    text: string,
    start: number,
    end: number,
    delimiterCode: number,
    line: number,
  ): number {
    const builders = this.builders;
    const width = builders.length;
    if (this.rows >= this.roomyRows) this.updateRoom();
    const { bounds, states, hashes, columns } = this;
    const rows = this.rows;
    let deferred = 0;
    const { inlineNumbers, inlineDates } = this.options;
    let p = start;
    for (let j = 0; j < width; j++) {
      const builder = builders[j] as ColumnBuilder;
      const fieldStart = p;
      const mode = builder.mode;
      let state = GENERIC;
      if (mode === STRING) {
        let hash = HASH_SEED;
        while (p < end) {
          const code = bytes[p] as number;
          if (code === delimiterCode) break;
          hash = Math.imul(hash ^ code, HASH_PRIME);
          p++;
        }
        hashes[deferred] = finishHash(hash);
        state = HASHED;
      } else if (mode === NUMBER && inlineNumbers && builder.inlineNumbers) {
        // The shortcut takes exactly the texts `parseNumberRange` calls canonical: an optional
        // minus, digits without a leading zero, an optional fraction not ending in zero, at most
        // 15 digits in all, then the delimiter or the end of the record.
        const negative = p < end && bytes[p] === 45;
        if (negative) p++;
        const intStart = p;
        let mantissa = 0;
        while (p < end) {
          const digit = (bytes[p] as number) - 48;
          if (digit < 0 || digit > 9) break;
          mantissa = mantissa * 10 + digit;
          p++;
        }
        const intDigits = p - intStart;
        let ok = intDigits > 0 && (intDigits === 1 || bytes[intStart] !== 48);
        let fracDigits = 0;
        if (ok && p < end && bytes[p] === 46) {
          p++;
          const fracStart = p;
          while (p < end) {
            const digit = (bytes[p] as number) - 48;
            if (digit < 0 || digit > 9) break;
            mantissa = mantissa * 10 + digit;
            p++;
          }
          fracDigits = p - fracStart;
          ok = fracDigits > 0 && bytes[p - 1] !== 48;
        }
        if (ok && intDigits + fracDigits <= 15 && (p === end || bytes[p] === delimiterCode)) {
          const value = fracDigits === 0 ? mantissa : mantissa / (POW10[fracDigits] as number);
          if (value === 0 ? !negative : value >= 1e-6) {
            (builder.values as Float64Array)[builder.length++] = negative ? -value : value;
            if (fracDigits > 0) builder.allIntegerLiterals = false;
            state = STORED;
          }
        }
        while (p < end && bytes[p] !== delimiterCode) p++;
      } else {
        while (p < end && bytes[p] !== delimiterCode) p++;
        if (mode === DATETIME && inlineDates && p > fieldStart) {
          const value = parseIsoRange(text, fieldStart, p);
          if (value === value && lastDatetime.layout === builder.exactLayout) {
            (builder.values as Float64Array)[builder.length++] = value;
            state = STORED;
          }
        }
      }
      if (state !== STORED) {
        bounds[2 * deferred] = fieldStart;
        bounds[2 * deferred + 1] = p;
        states[deferred] = state;
        columns[deferred++] = j;
      }
      const last = j === width - 1;
      if (p < end ? last : !last) {
        // Another width: undo the cells stored so far (their flags are set again, alike, when
        // the caller adds the row its own way).
        for (let k = 0; k <= j; k++) (builders[k] as ColumnBuilder).length = rows;
        return LINE_OTHER;
      }
      p++;
    }
    if (!this.admit(line)) return LINE_FAILED;
    for (let k = 0; k < deferred; k++) {
      const j = columns[k] as number;
      const builder = builders[j] as ColumnBuilder;
      const fieldStart = bounds[2 * k] as number;
      const fieldEnd = bounds[2 * k + 1] as number;
      if (states[k] === HASHED) {
        builder.pushHashed(bytes, text, fieldStart, fieldEnd, hashes[k] as number);
      } else if (!builder.pushRange(text, fieldStart, fieldEnd)) {
        this.mismatch(j, text.slice(fieldStart, fieldEnd), line);
        return LINE_FAILED;
      }
    }
    this.rows++;
    return LINE_ADDED;
  }

  private mismatch(column: number, text: string, line: number): false {
    const builder = this.builders[column] as ColumnBuilder;
    const name = (this.names as string[])[column] as string;
    const failure = builder.failure ?? { row: this.rows, text };
    const type = builder.target === 'integer' ? 'integer' : 'number';
    return this.fail(mismatchError({ lineOf: () => line }, name, failure, type));
  }

  private fixRagged(fields: readonly string[], line: number): readonly string[] | null {
    const width = this.builders.length;
    const mode = this.options.ragged;
    if (fields.length > width) {
      let extraEmpty = true;
      for (let j = width; j < fields.length && extraEmpty; j++) {
        extraEmpty = (fields[j] as string).trim() === '';
      }
      if (extraEmpty || mode === 'truncate') {
        if (!extraEmpty && this.truncated.count++ === 0) this.truncated.line = line;
        return fields.slice(0, width);
      }
    } else if (mode !== 'error') {
      if (this.padded.count++ === 0) this.padded.line = line;
      const out = fields.slice();
      while (out.length < width) out.push('');
      return out;
    }
    const plural = fields.length === 1 ? '' : 's';
    const advice =
      fields.length > width ? 'choose to truncate long rows' : 'choose to pad short rows';
    this.fail({
      code: 'ragged-row',
      message: `Line ${line} has ${fields.length} field${plural}, but the header has ${width}. Fix the line, or ${advice}.`,
      line,
    });
    return null;
  }

  private tooManyCells(line: number): ImportError {
    const cells = this.options.limits.maxCells.toLocaleString('en-US');
    return {
      code: 'too-large',
      message: `The table would have more than ${cells} cells: ${this.builders.length} columns × ${this.maxRows.toLocaleString('en-US')} rows are reached at line ${line}. Import a sample, or fewer columns.`,
      line,
    };
  }

  /** The finished columns, or the first column that fails its chosen type. */
  finish(): { ok: true; columns: Column[] } | { ok: false; error: ImportError } {
    const names = this.names as string[];
    const context: FinishContext = {
      lineOf: (row) => this.lineMap.lineOf(row),
      ...(this.options.dateOrder ? { dateOrder: this.options.dateOrder } : {}),
    };
    const columns: Column[] = [];
    for (let j = 0; j < names.length; j++) {
      const finished = finishColumn(names[j] as string, this.builders[j] as ColumnBuilder, context);
      if (!finished.ok) return finished;
      columns.push(finished.column);
      this.warnings.push(...finished.warnings);
    }
    this.builders = [];
    for (const [rows, what] of [
      [this.padded, 'short row$ padded with missing values'],
      [this.truncated, "long row$ cut to the header's width"],
    ] as const) {
      if (rows.count === 0) continue;
      const noun = what.replace('$', rows.count === 1 ? '' : 's');
      this.warnings.push({
        code: 'ragged-rows',
        message: `${rows.count} ${noun} (the first on line ${rows.line}).`,
        line: rows.line,
      });
    }
    return { ok: true, columns };
  }
}
