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
}
