import Papa from 'papaparse';
import { Table } from '../../table';
import { describeBinary, TextStreamDecoder } from '../encoding';
import { parseIsoDatetime } from '../datetime-text';
import { MissingTokens } from '../missing';
import { parseNumberText } from '../number-text';
import { asciiString } from '../string-dictionary';
import { checkImportOptions, isAborted, resolveLimits, unknownOverrideWarnings } from '../options';
import {
  cancelledError,
  DEFAULT_MISSING,
  type ImportError,
  type ImportLimits,
  type ImportOptions,
  type ImportResult,
} from '../types';
import { RowSink, type RaggedRows } from './row-sink';
import { scanRecords } from './scan';
import { detectDecimal, detectDelimiter, detectNewline, sampleRows, type Newline } from './sniff';

export type { RaggedRows } from './row-sink';

export interface CsvOptions extends ImportOptions {
  /** One character, or `auto` (the default) to choose among `, ; tab |`. */
  readonly delimiter?: string;
  readonly quote?: string;
  /** The character that escapes a quote inside a quoted field; by default the quote itself (`""`). */
  readonly escape?: string;
  /** Whether the first record names the columns (default true). */
  readonly header?: boolean;
  readonly decimal?: '.' | ',' | 'auto';
  /**
   * Records with a different number of fields than the header: `error` (the default), `pad`
   * (fill short records with missing values), or `truncate` (also drop the extra fields of long
   * records). Extra fields that are all empty (a trailing delimiter) are always dropped.
   */
  readonly ragged?: RaggedRows;
  /** The input's size when known, for progress and to size the columns once. */
  readonly totalBytes?: number;
  /** Bytes parsed at a time (default 1 MiB): cancellation and progress act between chunks. */
  readonly chunkBytes?: number;
  /**
   * `auto` (the default) splits chunks without quotes directly and the rest with papaparse;
   * `papaparse` sends every chunk through papaparse.
   */
  readonly splitter?: 'auto' | 'papaparse';
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  readonly bytes: number;
  readonly totalBytes?: number;
  readonly rows: number;
}

/** A CSV import fed chunk by chunk, e.g. from a file stream in a worker. */
export interface CsvImporter {
  /** Adds bytes; false once the import has failed or was cancelled (stop reading then). */
  push(chunk: Uint8Array): boolean;
  /** Ends the input and returns the table, or the error that stopped the import. */
  finish(): ImportResult;
  readonly bytesRead: number;
  readonly rowsRead: number;
}

const SNIFF_CHARS = 64 * 1024;
const NO_BYTES = new Uint8Array(0);
const BINARY_SNIFF_BYTES = 8192;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export function createCsvImporter(options: CsvOptions = {}): CsvImporter {
  return new CsvImport(options, false);
}

/** Parses a whole CSV (bytes, or text already decoded, e.g. pasted). */
export function parseCsv(input: Uint8Array | string, options: CsvOptions = {}): ImportResult {
  const sized = { ...options, totalBytes: options.totalBytes ?? input.length };
  const importer = new CsvImport(sized, typeof input === 'string');
  if (typeof input === 'string') importer.pushString(input);
  else importer.push(input);
  return importer.finish();
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Whether every byte is ASCII and none is NUL, read four bytes at a time where aligned. */
function isPlainAscii(bytes: Uint8Array): boolean {
  const { length, byteOffset } = bytes;
  const head = Math.min(length, (4 - (byteOffset & 3)) & 3);
  const words = (length - head) >>> 2;
  let i = 0;
  for (; i < head; i++) {
    const byte = bytes[i] as number;
    if (byte === 0 || byte >= 128) return false;
  }
  const view = words > 0 ? new Uint32Array(bytes.buffer, byteOffset + head, words) : null;
  for (let k = 0; k < words; k++) {
    const word = (view as Uint32Array)[k] as number;
    // A set high bit, or a zero byte (which borrows through `word - 0x01010101`).
    if (((word | ((word - 0x01010101) & ~word)) & 0x80808080) !== 0) return false;
  }
  for (i = head + 4 * words; i < length; i++) {
    const byte = bytes[i] as number;
    if (byte === 0 || byte >= 128) return false;
  }
  return true;
}

const countChar = (text: string, char: string, from: number, to: number) => {
  let count = 0;
  let at = text.indexOf(char, from);
  while (at >= 0 && at < to) {
    count++;
    at = text.indexOf(char, at + 1);
  }
  return count;
};

const isBlankRow = (row: readonly string[]) => row.length === 1 && (row[0] as string).trim() === '';

function singleCharacter(
  value: string | undefined,
  fallback: string,
  what: string,
): string | ImportError {
  const chosen = value === '\\t' ? '\t' : (value ?? fallback);
  if (chosen.length !== 1 || chosen === '\n' || chosen === '\r') {
    return { code: 'invalid-options', message: `The ${what} must be a single character.` };
  }
  return chosen;
}

/**
 * The byte reader stores plain numbers and ISO datetimes without asking the missing tokens, so
 * it may only when no token is itself such a value; numbers also need a delimiter that cannot be
 * part of one.
 */
function inlineCells(missing: readonly string[], delimiter: string) {
  const tokens = missing.map((token) => token.trim());
  const delimiterInNumbers = /[-.\d]/.test(delimiter);
  return {
    inlineNumbers:
      !delimiterInNumbers && tokens.every((token) => Number.isNaN(parseNumberText(token))),
    inlineDates: tokens.every((token) => Number.isNaN(parseIsoDatetime(token))),
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/**
 * The streaming CSV import: bytes are decoded chunk by chunk, the first 64 KB choose the line
 * break, delimiter and decimal mark, and each chunk's complete records go to the row sink. The
 * incomplete last record waits in `pending` for the next chunk, up to `maxLineChars`.
 */
class CsvImport implements CsvImporter {
  private readonly limits: ImportLimits;
  private readonly decoder: TextStreamDecoder | null;
  private readonly chunkBytes: number;
  private quote = '"';
  private escape = '"';
  private state: 'start' | 'rows' | 'done' = 'start';
  private result: ImportResult | null = null;
  private pending = '';
  /** The line `pending` starts on. */
  private pendingLine = 1;
  private parser: Papa.Parser | null = null;
  private newline: Newline = '\n';
  private newlineChar = '\n';
  private delimiter = ',';
  private decimal: '.' | ',' = '.';
  private sink: RowSink | null = null;
  private reserved = false;
  private rows = 0;
  private bytes = 0;
  /**
   * Holds a chunk's bytes after the record carried over from the last, then a line feed that
   * ends every scan of the byte reader.
   */
  private scratch = new Uint8Array(0);
  /** The first bytes, held until there are enough to tell a binary file. */
  private head: Uint8Array | null = new Uint8Array(0);

  constructor(
    private readonly options: CsvOptions,
    textInput: boolean,
  ) {
    this.limits = resolveLimits(options.limits);
    this.decoder = textInput ? null : new TextStreamDecoder(options.encoding ?? 'auto');
    this.chunkBytes = Math.max(1024, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    const invalid = checkImportOptions(options);
    const quote = singleCharacter(options.quote, '"', 'quote');
    const escape = singleCharacter(
      options.escape,
      typeof quote === 'string' ? quote : '"',
      'escape',
    );
    if (invalid) this.fail(invalid);
    else if (typeof quote !== 'string') this.fail(quote);
    else if (typeof escape !== 'string') this.fail(escape);
    else if (options.totalBytes !== undefined && options.totalBytes > this.limits.maxBytes) {
      this.fail(this.tooManyBytes(1));
    } else {
      this.quote = quote;
      this.escape = escape;
    }
  }

  get bytesRead() {
    return this.bytes;
  }

  get rowsRead() {
    return this.sink?.rows ?? this.rows;
  }

  push(chunk: Uint8Array): boolean {
    for (let offset = 0; offset < chunk.length; offset += this.chunkBytes) {
      if (this.state === 'done') return false;
      if (isAborted(this.options.signal)) return this.fail(cancelledError());
      if (!this.pushBytes(chunk.subarray(offset, offset + this.chunkBytes), false)) return false;
    }
    return this.state !== 'done';
  }

  pushString(text: string): boolean {
    for (let offset = 0; offset < text.length; offset += this.chunkBytes) {
      if (this.state === 'done') return false;
      if (isAborted(this.options.signal)) return this.fail(cancelledError());
      const piece = text.slice(offset, offset + this.chunkBytes);
      this.bytes += piece.length;
      if (!this.pushText(piece, false)) return false;
      this.reportProgress();
    }
    return this.state !== 'done';
  }

  finish(): ImportResult {
    if (this.result) return this.result;
    if (isAborted(this.options.signal)) return this.failed(cancelledError());
    const ok = this.decoder ? this.pushBytes(new Uint8Array(0), true) : this.pushText('', true);
    return ok ? this.complete() : (this.result ?? this.failed(cancelledError()));
  }

  private pushBytes(bytes: Uint8Array, final: boolean): boolean {
    this.bytes += bytes.length;
    if (this.bytes > this.limits.maxBytes) return this.fail(this.tooManyBytes(this.pendingLine));
    let input = bytes;
    if (this.head !== null) {
      // The first 8 KB are judged together, however the stream happens to be chunked.
      input = concatBytes(this.head, bytes);
      if (input.length < BINARY_SNIFF_BYTES && !final) {
        this.head = input;
        return true;
      }
      this.head = null;
      const binary = describeBinary(input);
      if (binary) return this.fail({ code: 'binary', ...binary });
    }
    const decoder = this.decoder as TextStreamDecoder;
    if (this.state === 'rows' && this.options.splitter !== 'papaparse' && decoder.passesAscii()) {
      // ASCII needs no decoding: records are read straight from the bytes, up to the first
      // that holds anything else.
      const length = this.toScratch(this.pending, input);
      if (length >= 0) {
        const ok = this.parseBytes(length, final, true);
        if (ok && !final) this.reportProgress();
        return ok;
      }
    }
    const ok = this.decodeText(input, final);
    if (ok && !final) this.reportProgress();
    return ok;
  }

  private decodeText(bytes: Uint8Array, final: boolean): boolean {
    const step = (this.decoder as TextStreamDecoder).decode(bytes, final);
    if (!step.ok) {
      const line = this.lineAtEnd(step.textBefore);
      return this.fail({
        code: 'encoding',
        message: `Line ${line} is not valid UTF-8, though earlier lines are: the file mixes encodings. Choose the encoding (e.g. Latin-1) to read it anyway.`,
        line,
      });
    }
    const ascii = step.text.length === bytes.length && isPlainAscii(bytes);
    return this.pushText(step.text, final, ascii);
  }

  /** The line at the end of `pending` followed by `more`. */
  private lineAtEnd(more: string): number {
    // Before the line break is chosen, it is judged from what was read, as it will be then.
    const char =
      this.state === 'start'
        ? detectNewline(this.pending + more, this.quote) === '\r'
          ? '\r'
          : '\n'
        : this.newlineChar;
    return (
      this.pendingLine +
      countChar(this.pending, char, 0, this.pending.length) +
      countChar(more, char, 0, more.length)
    );
  }

  /** `ascii`: `text` was decoded from as many bytes, all ASCII and none NUL. */
  private pushText(text: string, final: boolean, ascii = false): boolean {
    const nul = ascii ? -1 : text.indexOf('\u0000');
    if (nul >= 0) {
      const line = this.lineAtEnd(text.slice(0, nul));
      return this.fail({
        code: 'binary',
        message: `Line ${line} contains a NUL byte: this looks like a binary file, not a text table.`,
        line,
      });
    }
    this.pending += text;
    if (this.state === 'start') {
      if (!final && this.pending.length < SNIFF_CHARS) return true;
      if (!this.sniff(final)) return false;
      if (this.options.splitter !== 'papaparse') {
        const length = this.toScratch(this.pending, NO_BYTES);
        if (length >= 0) return this.parseBytes(length, final, false);
      }
    }
    return this.parsePending(final);
  }

  /**
   * Writes `carried + bytes` into `scratch`, then a line feed; returns their length, or −1 when
   * `carried` (text read before, e.g. the unfinished record of the previous chunk) is not ASCII
   * or holds a quote.
   */
  private toScratch(carried: string, bytes: Uint8Array): number {
    const length = carried.length + bytes.length;
    if (this.scratch.length < length + 1) {
      this.scratch = new Uint8Array(Math.ceil((length + 1) * 1.25));
    }
    const scratch = this.scratch;
    const quote = this.quote.charCodeAt(0);
    for (let i = 0; i < carried.length; i++) {
      const code = carried.charCodeAt(i);
      if (code >= 128 || code === quote) return -1;
      scratch[i] = code;
    }
    scratch.set(bytes, carried.length);
    scratch[length] = 10;
    return length;
  }

  /**
   * Reads the records in `scratch[0, length)` from the bytes while they are quote-free ASCII;
   * what follows the last complete record waits in `pending`. From the first record that holds
   * anything else, the rest is read as text: decoded, when the bytes are undecoded input
   * (`undecoded`), else already text.
   */
  private parseBytes(length: number, final: boolean, undecoded: boolean): boolean {
    const sink = this.sink as RowSink;
    let consumed = 0;
    // Only text that is read at once can end in a line this long: judge it as text.
    if (!final || length <= this.limits.maxLineChars) {
      sink.beginChunk();
      const { newline, delimiter, quote, pendingLine } = this;
      consumed = sink.readBytes(
        this.scratch,
        length,
        final,
        newline,
        delimiter,
        quote,
        pendingLine,
      );
      sink.endChunk();
      if (consumed < 0) return this.fail(sink.error as ImportError);
      this.pendingLine += sink.lineBreaks;
      if (!sink.needsText) {
        this.pending = final ? '' : asciiString(this.scratch, consumed, length);
        this.reserveRows();
        if (!final && this.pending.length > this.limits.maxLineChars) {
          return this.fail(this.lineTooLong(this.pending, 0));
        }
        return true;
      }
    }
    // The bytes before `consumed` were ASCII, which decodes alike in every encoding the decoder
    // can be reading now, and it holds no unfinished sequence: the rest can be decoded afresh.
    const rest = this.scratch.subarray(consumed, length);
    this.pending = '';
    return undecoded
      ? this.decodeText(rest, final)
      : this.pushText(asciiString(rest, 0, rest.length), final);
  }

  private sniff(final: boolean): boolean {
    const sample = this.pending.slice(0, SNIFF_CHARS);
    const complete = final && sample.length === this.pending.length;
    if (complete && sample.trim() === '') {
      return this.fail({ code: 'empty', message: 'The file is empty.', line: 1 });
    }
    this.newline = detectNewline(sample, this.quote);
    this.newlineChar = this.newline === '\r' ? '\r' : '\n';
    const chosen = this.options.delimiter;
    let rows;
    if (chosen === undefined || chosen === 'auto') {
      rows = detectDelimiter(sample, this.newline, this.quote, this.escape, complete);
    } else {
      const delimiter = singleCharacter(chosen, ',', 'delimiter');
      if (typeof delimiter !== 'string') return this.fail(delimiter);
      if (delimiter === this.quote || delimiter === this.escape) {
        return this.fail({
          code: 'invalid-options',
          message: 'The delimiter must differ from the quote and escape characters.',
        });
      }
      rows = sampleRows(sample, delimiter, this.newline, this.quote, this.escape, complete);
    }
    this.delimiter = rows.delimiter;
    const decimal = this.options.decimal ?? 'auto';
    this.decimal = decimal === 'auto' ? detectDecimal(rows) : decimal;
    if (this.decimal === this.delimiter) {
      return this.fail({
        code: 'invalid-options',
        message: 'The decimal mark and the delimiter must differ.',
      });
    }
    this.parser = new Papa.Parser({
      delimiter: this.delimiter,
      newline: this.newline,
      quoteChar: this.quote,
      escapeChar: this.escape,
    });
    this.sink = new RowSink({
      header: this.options.header !== false,
      ragged: this.options.ragged ?? 'error',
      types: this.options.types,
      dateOrder: this.options.dateOrder,
      limits: this.limits,
      missing: new MissingTokens(this.options.missing),
      decimalCode: this.decimal.charCodeAt(0),
      ...inlineCells(this.options.missing ?? DEFAULT_MISSING, this.delimiter),
    });
    this.state = 'rows';
    return true;
  }

  private parsePending(final: boolean): boolean {
    const text = this.pending;
    const limit = this.limits.maxLineChars;
    if (final && text.length > limit) {
      const lastBreak = text.lastIndexOf(this.newlineChar);
      if (text.length - lastBreak - 1 > limit) {
        return this.fail(this.lineTooLong(text, lastBreak + 1));
      }
    }
    const sink = this.sink as RowSink;
    const quoted = text.indexOf(this.quote) >= 0;
    let consumed: number;
    let newlines: number;
    sink.beginChunk();
    if (!quoted && this.options.splitter !== 'papaparse') {
      const lastBreak = text.lastIndexOf(this.newline);
      consumed = final ? text.length : lastBreak < 0 ? 0 : lastBreak + this.newline.length;
      const header = this.options.header !== false;
      const { newline, delimiter, pendingLine } = this;
      const lines = scanRecords(text, consumed, newline, delimiter, sink, pendingLine, header);
      sink.endChunk();
      if (lines < 0) return this.fail(sink.error as ImportError);
      newlines = lines;
    } else {
      const parsed = this.parseWithPapa(text, final, sink);
      sink.endChunk();
      if (!parsed) return false;
      [consumed, newlines] = parsed;
    }
    this.pending = final ? '' : text.slice(consumed);
    this.pendingLine += newlines;
    this.reserveRows();
    if (!final && this.pending.length > limit) return this.fail(this.lineTooLong(this.pending, 0));
    return true;
  }

  /** Splits text that holds quotes with papaparse; returns [characters consumed, line breaks]. */
  private parseWithPapa(text: string, final: boolean, sink: RowSink): [number, number] | null {
    const result = (this.parser as Papa.Parser).parse(text, 0, !final) as Papa.ParseResult<
      string[]
    >;
    const rows = result.data;
    const consumed = final ? text.length : result.meta.cursor;
    // Every record ends with a line break, except the input's last, which papaparse returns
    // even when empty.
    const breaks = final ? rows.length - 1 : rows.length;
    const newlines = countChar(text, this.newlineChar, 0, consumed);
    const firstLine = this.pendingLine;
    const rowLines = newlines === breaks ? null : this.linesOfRows(rows, firstLine);
    const lineAt = (k: number) => (rowLines ? (rowLines[k] as number) : firstLine + k);

    for (const error of result.errors) {
      const row = error.row ?? 0;
      if (!final && row >= rows.length) continue;
      const line = lineAt(Math.min(row, Math.max(0, rows.length - 1)));
      this.fail({
        code: 'malformed-quotes',
        message:
          error.code === 'MissingQuotes'
            ? `Line ${line}: a quoted field is never closed.`
            : `Line ${line}: a quoted field is malformed (a closing quote must be followed by the delimiter or the end of the line).`,
        line,
      });
      return null;
    }
    const header = this.options.header !== false;
    for (let k = 0; k < rows.length; k++) {
      const fields = rows[k] as string[];
      if (isBlankRow(fields)) continue;
      const line = lineAt(k);
      if (sink.names === null) {
        if (!sink.takeHeader(fields, line)) break;
        if (header) continue;
      }
      if (!sink.addFields(fields, line)) break;
    }
    if (sink.error) {
      this.fail(sink.error);
      return null;
    }
    return [consumed, newlines];
  }

  /** Lines of each record in a chunk where quoted fields hold line breaks. */
  private linesOfRows(rows: readonly string[][], firstLine: number): Int32Array {
    const lines = new Int32Array(rows.length);
    let line = firstLine;
    for (let k = 0; k < rows.length; k++) {
      lines[k] = line;
      line += 1;
      for (const field of rows[k] as string[]) {
        if (field.length > 0) line += countChar(field, this.newlineChar, 0, field.length);
      }
    }
    return lines;
  }

  /** Once the first rows show the bytes per row, size every column for the whole input. */
  private reserveRows(): void {
    const total = this.options.totalBytes;
    const sink = this.sink as RowSink;
    if (this.reserved || total === undefined || sink.rows < 100) return;
    this.reserved = true;
    const read = Math.max(1, this.bytes - this.pending.length);
    sink.reserve(Math.ceil((total / read) * sink.rows * 1.02) + 1024);
  }

  private complete(): ImportResult {
    const sink = this.sink;
    if (sink === null || sink.names === null) {
      return this.failed({ code: 'empty', message: 'The file has no rows.', line: 1 });
    }
    const names = sink.names;
    if (sink.rows === 0) {
      const columns = `${names.length} ${names.length === 1 ? 'column' : 'columns'}`;
      return this.failed({
        code: 'empty',
        message: `The file has a header (${columns}) but no rows.`,
        line: 2,
      });
    }
    const finished = sink.finish();
    if (!finished.ok) return this.failed(finished.error);
    const warnings = [
      ...(this.decoder?.warnings ?? []),
      ...sink.warnings,
      ...unknownOverrideWarnings(this.options.types, names),
    ];
    this.state = 'done';
    this.result = {
      ok: true,
      table: new Table(finished.columns),
      warnings,
      meta: {
        format: 'csv',
        bytes: this.bytes,
        rows: sink.rows,
        columns: finished.columns.length,
        ...(this.decoder ? { encoding: this.decoder.encoding } : {}),
        delimiter: this.delimiter,
        decimal: this.decimal,
        header: this.options.header !== false,
      },
    };
    this.rows = sink.rows;
    this.sink = null;
    return this.result;
  }

  private reportProgress(): void {
    const onProgress = this.options.onProgress;
    if (!onProgress || this.state === 'done') return;
    const total = this.options.totalBytes;
    onProgress({
      bytes: this.bytes,
      ...(total === undefined ? {} : { totalBytes: total }),
      rows: this.rowsRead,
    });
  }

  private tooManyBytes(line: number): ImportError {
    return {
      code: 'too-large',
      message: `The file is larger than the limit of ${formatBytes(this.limits.maxBytes)}.`,
      line,
    };
  }

  private lineTooLong(text: string, from: number): ImportError {
    const line = this.pendingLine + countChar(this.pending, this.newlineChar, 0, from);
    const openQuote = text.indexOf(this.quote, from) >= 0;
    return {
      code: 'line-too-long',
      message: `Line ${line} is longer than ${formatBytes(this.limits.maxLineChars)}${openQuote ? ': a quoted field may never be closed' : ' with no line break'}.`,
      line,
    };
  }

  private fail(error: ImportError): false {
    this.failed(error);
    return false;
  }

  private failed(error: ImportError): ImportResult {
    this.state = 'done';
    this.sink = null;
    this.pending = '';
    this.result = { ok: false, error };
    return this.result;
  }
}
