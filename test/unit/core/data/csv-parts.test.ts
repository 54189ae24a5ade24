import { describe, expect, it } from 'vitest';
import {
  createCsvImporter,
  nextLineStart,
  parseCsv,
  type CsvOptions,
  type ImportResult,
} from '../../../../src/core/data';
import { randomInt, seededRandom, type Random } from '../../../../src/core/random';

/** Bytes the first part's importer reads before its layout is asked for (past the 64 KB sniff). */
const HEAD = 72 * 1024;

type Outcome = ImportResult | 'joined-none' | 'no-layout';

/**
 * A file read as the browser's import reads a large one: the first part's importer reads the
 * head, the file is cut at the first line break after `at`, a second importer reads the rest
 * with the first's layout, and its part crosses a thread (a structured clone) to be joined.
 */
function parseInTwo(bytes: Uint8Array, at: number, options: CsvOptions = {}): Outcome {
  const first = createCsvImporter({ ...options, totalBytes: bytes.length });
  first.push(bytes.subarray(0, HEAD));
  const layout = first.layout();
  if (layout === null) return 'no-layout';
  const from = Math.max(at, HEAD);
  const cut = from + nextLineStart(bytes.subarray(from), layout.newline);
  first.push(bytes.subarray(HEAD, cut));
  const second = createCsvImporter({
    ...options,
    totalBytes: bytes.length - cut,
    continuation: layout,
  });
  second.push(bytes.subarray(cut));
  const part = second.finishPart();
  if (!part.ok) return 'joined-none';
  return first.finishWith([structuredClone(part.part)]) ?? 'joined-none';
}

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[randomInt(random, items.length)] as T;

interface Shape {
  readonly delimiter: string;
  readonly newline: string;
  /** Cells that make a column change type, appear only after this share of the rows. */
  readonly late: number;
  readonly latin1: boolean;
  readonly bom: boolean;
}

const KINDS = [
  'float',
  'trailing-zeros',
  'integer',
  'leading-zeros',
  'category',
  'boolean',
  'date',
  'timestamp',
  'mixed-dates',
  'quoted-text',
  'sparse',
  'numbers-then-text',
  'empty-then-numbers',
  'accents',
] as const;

/** A table of about 160 KB whose columns are of many kinds, some changing late in the file. */
function generate(random: Random, shape: Shape): Uint8Array {
  const columns = 3 + randomInt(random, 8);
  const kinds = Array.from({ length: columns }, () => pick(random, KINDS));
  let rows = 1000;
  const cell = (kind: (typeof KINDS)[number], row: number): string => {
    const late = row >= rows * shape.late;
    switch (kind) {
      case 'float':
        return (random() * 1000 - 500).toFixed(3);
      case 'trailing-zeros':
        return (randomInt(random, 100) / 4).toFixed(2);
      case 'integer':
        return String(randomInt(random, 1000) - 100);
      case 'leading-zeros':
        return late && random() < 0.01 ? '0042' : String(1 + randomInt(random, 99));
      case 'category':
        return pick(random, ['red', 'green', 'blue', late ? 'violet' : 'red']);
      case 'boolean':
        return random() < 0.4 ? 'true' : 'false';
      case 'date':
        return `20${10 + randomInt(random, 10)}-0${1 + randomInt(random, 9)}-1${randomInt(random, 10)}`;
      case 'timestamp':
        return `2024-03-0${1 + randomInt(random, 9)}T1${randomInt(random, 10)}:30:00`;
      case 'mixed-dates':
        return late && random() < 0.02 ? '2024-03-05 10:30' : '2024-03-05';
      case 'quoted-text':
        return `"note ${randomInt(random, 50)}${random() < 0.05 ? '\nsecond line' : ''}${random() < 0.05 ? ' ""quoted""' : ''}, more"`;
      case 'sparse':
        return random() < 0.97 ? '' : String(randomInt(random, 9));
      case 'numbers-then-text':
        return late && random() < 0.01 ? 'n/a value' : String(randomInt(random, 500));
      case 'empty-then-numbers':
        return late ? String(randomInt(random, 10)) : 'NA';
      case 'accents':
        return pick(random, ['café', 'naïve', 'über', 'plain']);
    }
  };
  // Enough rows for 160 KB, judged from a few.
  const sample = Array.from(
    { length: 20 },
    () => kinds.map((kind) => cell(kind, 0)).join(',').length,
  );
  rows = Math.ceil(160_000 / (sample.reduce((sum, length) => sum + length, 0) / sample.length + 1));
  const lines = [kinds.map((kind, j) => `${kind}_${j}`).join(shape.delimiter)];
  for (let row = 0; row < rows; row++) {
    lines.push(kinds.map((kind) => cell(kind, row)).join(shape.delimiter));
  }
  const text = lines.join(shape.newline) + shape.newline;
  const body = shape.latin1
    ? Uint8Array.from(text, (char) => char.charCodeAt(0))
    : new TextEncoder().encode(text);
  if (!shape.bom || shape.latin1) return body;
  const withBom = new Uint8Array(body.length + 3);
  withBom.set([0xef, 0xbb, 0xbf]);
  withBom.set(body, 3);
  return withBom;
}

function shapeOf(random: Random): Shape {
  return {
    delimiter: pick(random, [',', ';', '\t', '|']),
    newline: pick(random, ['\n', '\r\n', '\r']),
    late: pick(random, [0.3, 0.6, 0.9, 1]),
    latin1: random() < 0.15,
    bom: random() < 0.2,
  };
}

describe('a CSV read in two parts', () => {
  it('gives exactly the table of one importer reading it all, or says to read it that way', () => {
    const random = seededRandom(20261202);
    let joined = 0;
    let tried = 0;
    for (let file = 0; file < 24; file++) {
      const bytes = generate(random, shapeOf(random));
      const whole = parseCsv(bytes);
      for (const share of [0.5, 0.5 + random() * 0.45]) {
        const at = Math.floor(bytes.length * share);
        const parts = parseInTwo(bytes, at);
        tried++;
        if (parts === 'joined-none') continue;
        expect(parts).not.toBe('no-layout');
        joined++;
        expect(parts).toEqual(whole);
      }
    }
    // Most files join; the rest are read again in one go.
    expect(joined).toBeGreaterThan(tried / 2);
  });

  it('joins a clean file, whatever the options, with its rows and lines in order', () => {
    const random = seededRandom(7);
    const bytes = generate(random, {
      delimiter: ',',
      newline: '\r\n',
      late: 1,
      latin1: false,
      bom: true,
    });
    const noHeader = bytes.subarray(bytes.indexOf(10) + 1);
    const headless = parseInTwo(noHeader, Math.floor(noHeader.length / 2), { header: false });
    expect(headless).not.toBe('joined-none');
    expect(headless).toEqual(parseCsv(noHeader, { header: false }));
    for (const options of [
      {},
      { missing: ['', 'NA', 'n/a value'] },
      { types: { integer_0: 'numeric' as const } },
      { encoding: 'latin1' as const },
    ]) {
      const parts = parseInTwo(bytes, Math.floor(bytes.length / 2), options);
      expect(parts).not.toBe('joined-none');
      expect(parts).toEqual(parseCsv(bytes, options));
    }
  });

  it('says to read the file in one go when the cut falls inside a quoted field', () => {
    const header = 'id,note\n';
    const rows = Array.from({ length: 4000 }, (_, i) => `${i},"a note\nover two lines"\n`);
    const bytes = new TextEncoder().encode(header + rows.join(''));
    // The first line break after the middle is inside a quoted field half of the time.
    const inside = bytes.indexOf(10, Math.floor(bytes.length / 2));
    const quoteBefore = bytes.lastIndexOf(34, inside);
    const opensQuote = bytes[quoteBefore - 1] === 44;
    expect(parseInTwo(bytes, opensQuote ? inside - 1 : inside + 1)).toBe('joined-none');
  });

  it('puts lines of the second part right in what the table reports', () => {
    const rows = Array.from(
      { length: 16000 },
      (_, i) => `${i},${i % 7 === 0 ? '' : 'tag'},${i % 90},${i}`,
    );
    rows[15000] = '15000,1,2,3,4';
    rows[15500] = '15500,tag,007,15500';
    rows[15600] = '15600,tag,1,12345678901234567890';
    const bytes = new TextEncoder().encode(`id,tag,code,big\n${rows.join('\n')}\n`);
    const whole = parseCsv(bytes, { ragged: 'truncate' });
    const parts = parseInTwo(bytes, Math.floor(bytes.length * 0.6), { ragged: 'truncate' });
    expect(parts).toEqual(whole);
    expect(whole.ok && whole.warnings.map(({ code, line }) => [code, line])).toEqual([
      ['leading-zeros', 15502],
      ['precision-loss', 15602],
      ['ragged-rows', 15002],
    ]);
  });
});
