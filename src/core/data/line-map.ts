/**
 * Maps data rows to the physical lines they start on. Rows usually follow lines one to one; a
 * chunk where they do not (blank lines skipped, quoted fields spanning lines) stores the line of
 * each of its rows.
 */
export class LineMap {
  private readonly rowStarts: number[] = [];
  private readonly lineStarts: number[] = [];
  private readonly rowLines: (Int32Array | null)[] = [];

  /** Rows from `rowStart` on start at `lineStart` (1-based), one per line unless `rowLines`. */
  add(rowStart: number, lineStart: number, rowLines: Int32Array | null = null): void {
    this.rowStarts.push(rowStart);
    this.lineStarts.push(lineStart);
    this.rowLines.push(rowLines);
  }

  lineOf(row: number): number | undefined {
    const starts = this.rowStarts;
    let low = 0;
    let high = starts.length - 1;
    if (high < 0 || row < (starts[0] as number)) return undefined;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= row) low = mid;
      else high = mid - 1;
    }
    const offset = row - (starts[low] as number);
    const lines = this.rowLines[low];
    if (lines) return offset < lines.length ? (lines[offset] as number) : undefined;
    return (this.lineStarts[low] as number) + offset;
  }

  /** The entries, to be joined after another map's (`append`). */
  toJSON(): LineMapEntries {
    return { rowStarts: this.rowStarts, lineStarts: this.lineStarts, rowLines: this.rowLines };
  }

  /** Adds the entries of rows read after these: `rows` rows and `lines` lines further on. */
  append(entries: LineMapEntries, rows: number, lines: number): void {
    for (let k = 0; k < entries.rowStarts.length; k++) {
      const rowLines = entries.rowLines[k];
      this.add(
        (entries.rowStarts[k] as number) + rows,
        (entries.lineStarts[k] as number) + lines,
        rowLines ? rowLines.map((line) => line + lines) : null,
      );
    }
  }
}

export interface LineMapEntries {
  readonly rowStarts: readonly number[];
  readonly lineStarts: readonly number[];
  readonly rowLines: readonly (Int32Array | null)[];
}
