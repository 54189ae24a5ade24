import Papa from 'papaparse';

export type Newline = '\n' | '\r\n' | '\r';

export const DELIMITER_CANDIDATES = [',', ';', '\t', '|'] as const;

/** The line break of the first record: the first `\n` outside quotes, or a lone `\r`. */
export function detectNewline(sample: string, quote: string): Newline {
  let quoted = false;
  let sawReturn = false;
  for (let i = 0; i < sample.length; i++) {
    const char = sample[i];
    if (char === quote) quoted = !quoted;
    else if (!quoted && char === '\n') return i > 0 && sample[i - 1] === '\r' ? '\r\n' : '\n';
    else if (!quoted && char === '\r') sawReturn = true;
  }
  return sawReturn ? '\r' : '\n';
}

export interface SampleRows {
  readonly delimiter: string;
  readonly rows: readonly string[][];
}

function parseSample(
  sample: string,
  delimiter: string,
  newline: Newline,
  quote: string,
  escape: string,
  complete: boolean,
): string[][] {
  const parser = new Papa.Parser({
    delimiter,
    newline,
    quoteChar: quote,
    escapeChar: escape,
    preview: 200,
  });
  const rows = parser.parse(sample, 0, !complete).data as string[][];
  return rows.filter((row) => !(row.length === 1 && (row[0] as string).trim() === ''));
}

/**
 * Picks the delimiter that splits the first 200 records into the most consistent number of fields
 * (at least two), preferring more fields on a tie, then the order `, ; tab |`. A file where none
 * splits is one column; its delimiter is one that does not occur in the sample.
 */
export function detectDelimiter(
  sample: string,
  newline: Newline,
  quote: string,
  escape: string,
  complete: boolean,
): SampleRows {
  let best: { delimiter: string; rows: string[][]; share: number; fields: number } | null = null;
  for (const delimiter of DELIMITER_CANDIDATES) {
    const rows = parseSample(sample, delimiter, newline, quote, escape, complete);
    if (rows.length === 0) continue;
    const frequency = new Map<number, number>();
    for (const row of rows) frequency.set(row.length, (frequency.get(row.length) ?? 0) + 1);
    let fields = 0;
    let count = 0;
    for (const [length, times] of frequency) {
      if (times > count || (times === count && length > fields)) {
        fields = length;
        count = times;
      }
    }
    if (fields < 2) continue;
    const share = count / rows.length;
    if (!best || share > best.share || (share === best.share && fields > best.fields)) {
      best = { delimiter, rows, share, fields };
    }
  }
  if (best) return { delimiter: best.delimiter, rows: best.rows };
  const unused = DELIMITER_CANDIDATES.find((candidate) => !sample.includes(candidate)) ?? ',';
  return { delimiter: unused, rows: parseSample(sample, unused, newline, quote, escape, complete) };
}

export function sampleRows(
  sample: string,
  delimiter: string,
  newline: Newline,
  quote: string,
  escape: string,
  complete: boolean,
): SampleRows {
  return { delimiter, rows: parseSample(sample, delimiter, newline, quote, escape, complete) };
}

const COMMA_DECIMAL = /^\s*[-+]?\d+,\d+\s*$/;
const POINT_DECIMAL = /^\s*[-+]?\d*\.\d+\s*$/;

/** `1,000` or `-25,500`: a thousands separator as much as a decimal comma. */
const THOUSANDS_OR_DECIMAL = /^\s*[-+]?[1-9]\d{0,2},\d{3}\s*$/;

/**
 * A decimal comma (`3,14`) is only possible when the comma is not the delimiter, and is chosen
 * when sample cells look like comma decimals and none look like point decimals. A cell such as
 * `1,000` counts only in a file separated by semicolons (where decimal commas are the custom);
 * elsewhere it is more likely a thousands separator.
 */
export function detectDecimal(sample: SampleRows): '.' | ',' {
  if (sample.delimiter === ',') return '.';
  // A single column has no delimiter to go by.
  const semicolons = sample.delimiter === ';' && sample.rows.some((row) => row.length > 1);
  let comma = 0;
  for (const row of sample.rows.slice(1)) {
    for (const cell of row) {
      if (POINT_DECIMAL.test(cell)) return '.';
      if (COMMA_DECIMAL.test(cell) && (semicolons || !THOUSANDS_OR_DECIMAL.test(cell))) comma++;
    }
  }
  return comma > 0 ? ',' : '.';
}
