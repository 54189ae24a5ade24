import type { Column } from '../../table';
import { ColumnBuilder } from '../column-builder';
import { finishColumn, mismatchError, type FinishContext } from '../finish-column';
import { cleanHeaders, positionalNames } from '../headers';
import { LineMap } from '../line-map';
import type { MissingTokens } from '../missing';
import { overrideFor } from '../options';
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
}

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
    return true;
  }

  /** Sizes every column for `rows` rows at once (an estimate from the bytes read so far). */
  reserve(rows: number): void {
    const capacity = Math.min(rows, this.maxRows + 1);
    for (const builder of this.builders) builder.reserve(capacity);
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
