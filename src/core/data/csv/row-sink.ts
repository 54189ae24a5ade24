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
import type { StringDictionary } from '../string-dictionary';
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
   * Whether `readBytes` may store plain decimal numbers and ISO datetimes it reads itself, without
   * asking the missing tokens first: false when a token is itself such a value (`-999`), or the
   * delimiter could be part of a number.
   */
  readonly inlineNumbers: boolean;
  readonly inlineDates: boolean;
}

// Module-local bindings: some loaders turn every access to an imported binding into a getter
// call, which would cost a call per cell in `readRecord`.
const { DATETIME, NUMBER, STRING } = columnBuilder;
const { lastDatetime, parseIsoBytes } = datetimeText;
const { asciiString, finishHash, HASH_PRIME, HASH_SEED } = stringDictionary;

/** How `readRecord` reads a column's cells: itself, or through the column builder. */
const READ_NUMBER = 0;
const READ_DATETIME = 1;
const READ_STRING = 2;
const READ_OTHER = 3;

/** How a cell `readRecord` did not store is committed once its record proves complete. */
const CELL_NEW_STRING = 0;
const CELL_OTHER = 1;

/** `readRecord`'s results other than the position after the record. */
const RECORD_OTHER = -1;
const RECORD_INCOMPLETE = -2;
const RECORD_FAILED = -3;
/** The record holds a quote, a NUL or a byte past ASCII: it must be read as decoded text. */
const RECORD_TEXT = -4;

const POW10 = Array.from({ length: 16 }, (_, i) => Number(`1e${i}`));

/** `missing.isMissingBytes`, rejecting most cells by their first and last byte alone. */
function isMissing(missing: MissingTokens, bytes: Uint8Array, start: number, end: number) {
  const first = bytes[start] as number;
  if (missing.firstCodes[first] === 0 && first > 32 && (bytes[end - 1] as number) > 32) {
    return false;
  }
  return missing.isMissingBytes(bytes, start, end);
}

const NO_FLOATS = new Float64Array(0);
const NO_CODES = new Int32Array(0);

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
  /** The cells `readRecord` left for the commit: their columns, bounds, states and hashes. */
  private columns = new Int32Array(0);
  private bounds = new Int32Array(0);
  private states = new Uint8Array(0);
  private hashes = new Int32Array(0);
  /**
   * What `readRecord` needs of each builder, copied out of it (`refreshColumn`) whenever the
   * builder may have changed: how to read the column, where its values or codes go, and the
   * facts that decide whether a number or datetime can be stored without the builder.
   */
  private kinds = new Uint8Array(0);
  private floats: Float64Array[] = [];
  private codes: Int32Array[] = [];
  private dictionaries: (StringDictionary | null)[] = [];
  private layouts = new Int32Array(0);
  private keepsTexts = new Uint8Array(0);
  private integral = new Uint8Array(0);
  /**
   * 1 for the bytes that end a field: the delimiter, LF and CR, and the bytes the byte reader
   * leaves to the text reader (the quote, NUL, and every byte past ASCII).
   */
  private stops = new Uint8Array(256);
  private stopsFor = -1;
  private delimiterCode = -1;
  /** Line breaks in what `readBytes` (or `readLine`) read last. */
  lineBreaks = 0;
  /** `readBytes` stopped at a record that must be read as decoded text. */
  needsText = false;

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
    const width = names.length;
    this.columns = new Int32Array(width);
    this.bounds = new Int32Array(2 * width);
    this.states = new Uint8Array(width);
    this.hashes = new Int32Array(width);
    this.kinds = new Uint8Array(width);
    this.floats = new Array<Float64Array>(width).fill(NO_FLOATS);
    this.codes = new Array<Int32Array>(width).fill(NO_CODES);
    this.dictionaries = new Array<StringDictionary | null>(width).fill(null);
    this.layouts = new Int32Array(width);
    this.keepsTexts = new Uint8Array(width);
    this.integral = new Uint8Array(width);
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

  /** Copies out of builder `j` what `readRecord` needs; see `kinds`. */
  private refreshColumn(j: number): void {
    const builder = this.builders[j] as ColumnBuilder;
    const mode = builder.mode;
    let kind = READ_OTHER;
    if (mode === STRING) kind = READ_STRING;
    else if (mode === NUMBER && builder.inlineNumbers && this.options.inlineNumbers) {
      kind = READ_NUMBER;
    } else if (mode === DATETIME && builder.exactLayout >= 0 && this.options.inlineDates) {
      kind = READ_DATETIME;
    }
    this.kinds[j] = kind;
    this.floats[j] = builder.values ?? NO_FLOATS;
    this.codes[j] = builder.codes ?? NO_CODES;
    this.dictionaries[j] = builder.strings;
    this.layouts[j] = builder.exactLayout;
    this.keepsTexts[j] = builder.keepsTexts ? 1 : 0;
    this.integral[j] = builder.allIntegerLiterals ? 1 : 0;
  }

  private refreshColumns(): void {
    for (let j = 0; j < this.builders.length; j++) this.refreshColumn(j);
  }

  /**
   * `readRecord` writes cells at row `rows` without moving the builders' lengths, so a record it
   * gives up on needs no undoing; the lengths are set here before anything else reads them.
   */
  private syncLengths(): void {
    const rows = this.rows;
    for (const builder of this.builders) builder.length = rows;
  }

  /**
   * Reads the records of `bytes[0, end)`, where `bytes[end]` exists and holds a line feed (a
   * sentinel that ends every scan), up to the first record that holds a quote, a NUL or a byte
   * past ASCII (`needsText` is then set: the rest must be decoded). Records of exactly `width`
   * fields on one line
   * are read field by field in one pass: plain numbers and ISO datetimes are parsed as their
   * digits are scanned and written straight into their column, and strings are hashed on the
   * way and looked up in their dictionary. Everything else — the header, blank lines, rows of
   * another width, stray line breaks, and cells the shortcuts do not cover (missing tokens,
   * exponents, a column's first cell) — goes through the same code as text input, so the columns
   * come out exactly as `addFields` makes them. Returns how far the records were consumed (a
   * record cut off by the end of a chunk waits for the next), or −1 on an error (in `error`);
   * `lineBreaks` then holds the line breaks read.
   */
  readBytes(
    bytes: Uint8Array,
    end: number,
    final: boolean,
    newline: string,
    delimiter: string,
    quote: string,
    firstLine: number,
  ): number {
    const delimiterCode = delimiter.charCodeAt(0);
    const quoteCode = quote.charCodeAt(0);
    if (this.stopsFor !== delimiterCode * 65_536 + quoteCode) {
      const stops = this.stops;
      stops.fill(0);
      stops.fill(1, 128);
      stops[0] = 1;
      stops[10] = 1;
      stops[13] = 1;
      stops[delimiterCode] = 1;
      if (quoteCode < 256) stops[quoteCode] = 1;
      this.stopsFor = delimiterCode * 65_536 + quoteCode;
      this.delimiterCode = delimiterCode;
    }
    this.needsText = false;
    // The last byte of a line break, to tell a record that ended with one from the file's end.
    const breakCode = newline === '\r' ? 13 : 10;
    this.refreshColumns();
    let line = firstLine;
    let p = 0;
    while (p < end) {
      if (this.rows >= this.roomyRows) {
        this.syncLengths();
        this.updateRoom();
        this.refreshColumns();
      }
      let next =
        this.names === null ? RECORD_OTHER : this.readRecord(bytes, p, end, final, newline, line);
      if (next >= 0) {
        if (bytes[next - 1] === breakCode) line++;
      } else if (next === RECORD_OTHER) {
        this.syncLengths();
        next = this.readLine(bytes, p, end, final, newline, delimiter, line);
        this.refreshColumns();
        if (next >= 0) line += this.lineBreaks;
      }
      if (next === RECORD_TEXT) {
        this.needsText = true;
        break;
      }
      if (next === RECORD_INCOMPLETE) break;
      if (next === RECORD_FAILED) return -1;
      p = next;
    }
    this.syncLengths();
    this.lineBreaks = line - firstLine;
    return p;
  }

  /**
   * One record read the fast way (see `readBytes`): the position after it, or `RECORD_OTHER`
   * when it must be read as a line, `RECORD_TEXT` when as decoded text, `RECORD_INCOMPLETE`
   * when the chunk ends inside it, or `RECORD_FAILED`.
   */
  private readRecord(
    bytes: Uint8Array,
    start: number,
    end: number,
    final: boolean,
    newline: string,
    line: number,
  ): number {
    const builders = this.builders;
    const width = builders.length;
    const { kinds, floats, codes, dictionaries, stops, columns, bounds, states, hashes } = this;
    const { layouts, keepsTexts, integral } = this;
    const decimal = this.options.decimalCode;
    const delimiterCode = this.delimiterCode;
    const missing = this.options.missing;
    const row = this.rows;
    let deferred = 0;
    let p = start;
    let next = -1;
    for (let j = 0; j < width; j++) {
      const kind = kinds[j] as number;
      const fieldStart = p;
      let c = bytes[p] as number;
      let state = -1;
      if (kind === READ_NUMBER) {
        if (stops[c] === 1) (floats[j] as Float64Array)[row] = NaN;
        else {
          // Stores exactly the texts `parseNumberRange` reads on its fast path, without flags
          // that need the builder: an optional minus, digits without a leading zero, an
          // optional fraction, at most 15 digits in all. A text it would keep (`1.50`) only
          // once the builder keeps no more texts.
          const negative = c === 45;
          if (negative) c = bytes[++p] as number;
          const intStart = p;
          let mantissa = 0;
          while (c >= 48 && c <= 57) {
            mantissa = mantissa * 10 + (c - 48);
            c = bytes[++p] as number;
          }
          const intDigits = p - intStart;
          let ok = intDigits === 1 || (intDigits > 1 && bytes[intStart] !== 48);
          let fracDigits = 0;
          if (ok && c === decimal) {
            const fracStart = ++p;
            c = bytes[p] as number;
            while (c >= 48 && c <= 57) {
              mantissa = mantissa * 10 + (c - 48);
              c = bytes[++p] as number;
            }
            fracDigits = p - fracStart;
            ok = fracDigits > 0;
          }
          state = CELL_OTHER;
          if (ok && stops[c] === 1 && intDigits + fracDigits <= 15) {
            const value = fracDigits === 0 ? mantissa : mantissa / (POW10[fracDigits] as number);
            const canonical =
              decimal === 46 &&
              (fracDigits === 0 || bytes[p - 1] !== 48) &&
              (value === 0 ? !negative : value >= 1e-6);
            if (canonical || keepsTexts[j] === 0) {
              (floats[j] as Float64Array)[row] = negative ? -value : value;
              if (fracDigits > 0 && integral[j] === 1) {
                integral[j] = 0;
                (builders[j] as ColumnBuilder).allIntegerLiterals = false;
              }
              state = -1;
            }
          }
          while (stops[c] === 0) c = bytes[++p] as number;
          if (state >= 0 && isMissing(missing, bytes, fieldStart, p)) {
            (floats[j] as Float64Array)[row] = NaN;
            state = -1;
          }
        }
      } else if (kind === READ_STRING) {
        let hash = HASH_SEED;
        while (stops[c] === 0) {
          hash = Math.imul(hash ^ c, HASH_PRIME);
          c = bytes[++p] as number;
        }
        let code = -1;
        if (p > fieldStart && !isMissing(missing, bytes, fieldStart, p)) {
          hash = finishHash(hash);
          code = (dictionaries[j] as StringDictionary).findBytes(bytes, fieldStart, p, hash);
          if (code < 0) {
            state = CELL_NEW_STRING;
            hashes[deferred] = hash;
          }
        }
        (codes[j] as Int32Array)[row] = code;
      } else {
        while (stops[c] === 0) c = bytes[++p] as number;
        if (p === fieldStart) (floats[j] as Float64Array)[row] = NaN;
        else if (kind === READ_DATETIME) {
          const value = parseIsoBytes(bytes, fieldStart, p);
          if (value === value && lastDatetime.layout === layouts[j]) {
            (floats[j] as Float64Array)[row] = value;
          } else if (isMissing(missing, bytes, fieldStart, p)) {
            (floats[j] as Float64Array)[row] = NaN;
          } else state = CELL_OTHER;
        } else state = CELL_OTHER;
      }
      if (state >= 0) {
        columns[deferred] = j;
        bounds[2 * deferred] = fieldStart;
        bounds[2 * deferred + 1] = p;
        states[deferred++] = state;
      }
      // `c` is the byte after the field: the delimiter, a line break, the sentinel at `end`, or
      // a byte for the text reader.
      const last = j === width - 1;
      if (p === end) {
        if (!final) return RECORD_INCOMPLETE;
        if (!last) return RECORD_OTHER;
        next = end;
      } else if (c === delimiterCode) {
        if (last) return RECORD_OTHER;
        p++;
        continue;
      } else if (c !== 10 && c !== 13) {
        return RECORD_TEXT;
      } else if (!last) {
        return RECORD_OTHER;
      } else if (newline === '\n') {
        if (c !== 10) return RECORD_OTHER;
        next = p + 1;
      } else if (c !== 13) {
        return RECORD_OTHER;
      } else if (newline === '\r') {
        next = p + 1;
      } else {
        if (p + 1 === end) return final ? RECORD_OTHER : RECORD_INCOMPLETE;
        if (bytes[p + 1] !== 10) return RECORD_OTHER;
        next = p + 2;
      }
    }
    // A blank line of a one-column table is skipped, not read as a missing value.
    if (width === 1 && (p === start || (bytes[start] as number) <= 32)) return RECORD_OTHER;
    if (!this.admit(line)) return RECORD_FAILED;
    for (let k = 0; k < deferred; k++) {
      const j = columns[k] as number;
      const fieldStart = bounds[2 * k] as number;
      const fieldEnd = bounds[2 * k + 1] as number;
      if (states[k] === CELL_NEW_STRING) {
        const dictionary = dictionaries[j] as StringDictionary;
        (codes[j] as Int32Array)[row] = dictionary.internBytes(
          bytes,
          fieldStart,
          fieldEnd,
          hashes[k] as number,
        );
        continue;
      }
      const builder = builders[j] as ColumnBuilder;
      builder.length = row;
      if (!builder.pushBytes(bytes, fieldStart, fieldEnd)) {
        this.mismatch(j, asciiString(bytes, fieldStart, fieldEnd), line);
        return RECORD_FAILED;
      }
      this.refreshColumn(j);
    }
    this.rows = row + 1;
    return next;
  }

  /**
   * The record at `start` read as a line of text, as quote-free text input is: the header, a
   * blank line (skipped), or a row that `addFields` pads, cuts or refuses. Returns the position
   * after its line break, or `RECORD_TEXT`, `RECORD_INCOMPLETE` or `RECORD_FAILED`;
   * `lineBreaks` holds the line breaks it spans (with CRLF records, a lone LF inside one still
   * starts a line).
   */
  private readLine(
    bytes: Uint8Array,
    start: number,
    end: number,
    final: boolean,
    newline: string,
    delimiter: string,
    line: number,
  ): number {
    let lineEnd = -1;
    if (newline === '\r\n') {
      for (let k = bytes.indexOf(13, start); k >= 0 && k + 1 < end; k = bytes.indexOf(13, k + 1)) {
        if (bytes[k + 1] === 10) {
          lineEnd = k;
          break;
        }
      }
    } else {
      lineEnd = bytes.indexOf(newline === '\n' ? 10 : 13, start);
      if (lineEnd >= end) lineEnd = -1;
    }
    let next: number;
    if (lineEnd >= 0) next = lineEnd + newline.length;
    else if (final) next = lineEnd = end;
    else return RECORD_INCOMPLETE;
    const stops = this.stops;
    for (let k = start; k < lineEnd; k++) {
      const c = bytes[k] as number;
      if (stops[c] === 1 && c !== this.delimiterCode && c !== 10 && c !== 13) return RECORD_TEXT;
    }
    const text = asciiString(bytes, start, lineEnd);
    let breaks = next === lineEnd ? 0 : 1;
    if (newline === '\r\n') {
      for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) breaks++;
    }
    this.lineBreaks = breaks;
    const fields = text.split(delimiter);
    if (fields.length === 1 && text.trim() === '') return next;
    if (this.names === null) {
      if (!this.takeHeader(fields, line)) return RECORD_FAILED;
      if (this.options.header) return next;
    }
    return this.addFields(fields, line) ? next : RECORD_FAILED;
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
      decimal: this.options.decimalCode === 44 ? ',' : '.',
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
