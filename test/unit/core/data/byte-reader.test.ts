import { describe, expect, it } from 'vitest';
import {
  createCsvImporter,
  parseCsv,
  type CsvOptions,
  type ImportResult,
} from '../../../../src/core/data';
import { daysFromCivil, parseIsoDatetime } from '../../../../src/core/data/datetime-text';
import { sortFloat64, sortOnGrid } from '../../../../src/core/data/profile/sort';
import { randomInt, seededRandom, type Random } from '../../../../src/core/random';
import { valueAt } from '../../../../src/core/table';

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[randomInt(random, items.length)] as T;

const comparable = (result: ImportResult) =>
  result.ok
    ? {
        rows: result.table.toRows(),
        types: result.table.columns.map((c) => c.type),
        dictionaries: result.table.columns.map((c) => ('dictionary' in c ? c.dictionary : null)),
        warnings: result.warnings,
        encoding: result.meta.encoding,
      }
    : { code: result.error.code, line: result.error.line, message: result.error.message };

function streamed(random: Random, bytes: Uint8Array, options: CsvOptions): ImportResult {
  const importer = createCsvImporter(options);
  for (let at = 0; at < bytes.length;) {
    const size = 1 + randomInt(random, 20_000);
    importer.push(bytes.subarray(at, at + size));
    at += size;
  }
  return importer.finish();
}

/**
 * Rows the byte reader reads itself, with now and then one it must hand to the text reader in
 * the middle of a chunk: a quoted field (holding a delimiter or a line break), a non-ASCII
 * word, or a Latin-1 byte that is not UTF-8.
 */
function generate(random: Random, rows: number, mode: 'utf-8' | 'latin1' | 'mixed'): Uint8Array {
  const parts: (string | number)[] = ['id,price,when,word,flag\n'];
  for (let r = 0; r < rows; r++) {
    const price = pick(random, [
      (random() * 100).toFixed(2),
      (random() * 100).toFixed(3),
      'NA',
      '',
      '1e3',
    ]);
    const when =
      random() < 0.02
        ? ''
        : `20${10 + randomInt(random, 20)}-0${1 + randomInt(random, 9)}-1${randomInt(random, 10)}`;
    let word = pick(random, ['red', 'green', 'blue', 'NA', ' padded ']);
    const special = random();
    if (special < 0.003) word = '"a, quoted\nword"';
    else if (special < 0.006 && mode !== 'latin1') word = 'naïve';
    parts.push(`${r},${price},${when},${word},${random() < 0.5 ? 'yes' : 'no'}\n`);
    if (mode !== 'utf-8' && r === Math.floor(rows / 2))
      parts.push(`${rows},1.5,2020-01-01,caf`, 0xe9, ',no\n');
  }
  const out: number[] = [];
  const encoder = new TextEncoder();
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else for (const byte of encoder.encode(part)) out.push(byte);
  }
  return Uint8Array.from(out);
}

describe('the byte reader', () => {
  it('hands records with quotes, non-ASCII or Latin-1 bytes to the text reader mid-chunk (12 seeds)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const random = seededRandom(seed);
      const mode = pick(random, ['utf-8', 'latin1', 'mixed'] as const);
      const bytes = generate(random, 4000 + randomInt(random, 4000), mode);
      const options: CsvOptions = { chunkBytes: 4096 + randomInt(random, 30_000) };
      const papa = comparable(parseCsv(bytes, { ...options, splitter: 'papaparse' }));
      expect(comparable(parseCsv(bytes, options)), `seed ${seed}`).toEqual(papa);
      expect(comparable(streamed(random, bytes, options)), `seed ${seed} streamed`).toEqual(papa);
      // Latin-1 after UTF-8 text is an error that names the line; Latin-1 alone is read as such.
      if (mode === 'latin1') expect((papa as { encoding: string }).encoding).toBe('windows-1252');
      if (mode === 'mixed') expect((papa as { code: string }).code).toBe('encoding');
    }
  });

  it('stores numbers such as 1.50 as values once a column keeps no more texts', () => {
    // More than the 16,384 texts a column keeps, then a word that turns the column to text.
    const lines = ['x,y'];
    for (let i = 0; i < 20_000; i++) lines.push(`${(i % 97) + 0.5}0,${i}`);
    lines.push('word,1');
    const bytes = new TextEncoder().encode(lines.join('\n'));
    const ours = parseCsv(bytes, { chunkBytes: 8192 });
    expect(comparable(ours)).toEqual(comparable(parseCsv(bytes, { splitter: 'papaparse' })));
    if (!ours.ok) throw new Error(ours.error.message);
    expect(ours.table.column('x').type).toBe('categorical');
    // Past the cap every text is dropped, so the numbers are written back in plain form.
    expect(valueAt(ours.table.column('x'), 0)).toBe('0.5');
    expect(valueAt(ours.table.column('x'), 19_999)).toBe('17.5');
    expect(valueAt(ours.table.column('x'), 20_000)).toBe('word');
    const mixed = ours.warnings.find((warning) => warning.code === 'mixed-types');
    expect(mixed?.message).toContain('rewritten in plain form');
  });

  it('reads one-column tables, skipping blank lines, as the text reader does', () => {
    const text = 'v\n1\n\n  \n2.5\nNA\n3\n';
    const bytes = new TextEncoder().encode(text);
    const ours = parseCsv(bytes);
    expect(comparable(ours)).toEqual(comparable(parseCsv(bytes, { splitter: 'papaparse' })));
    if (!ours.ok) throw new Error(ours.error.message);
    expect(ours.table.rowCount).toBe(4);
  });

  it('reads ISO dates inside and outside its table of month starts', () => {
    for (const [year, month, day] of [
      [1850, 3, 1],
      [1899, 12, 31],
      [1900, 1, 1],
      [2000, 2, 29],
      [2155, 12, 31],
      [2156, 1, 1],
      [2400, 2, 29],
    ] as const) {
      const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      expect(parseIsoDatetime(text), text).toBe(Date.UTC(year, month - 1, day));
      expect(daysFromCivil(year, month, day) * 86_400_000).toBe(Date.UTC(year, month - 1, day));
    }
    expect(parseIsoDatetime('2023-02-29')).toBeNaN();
    expect(parseIsoDatetime('2024-01-05T10:20:30é')).toBeNaN();
  });
});

describe('sortFloat64', () => {
  it('sorts exactly as Float64Array.prototype.sort does (20 seeds)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const n = pick(random, [0, 1, 100, 5000, 60_000]);
      const values = new Float64Array(n);
      const kind = randomInt(random, 4);
      for (let i = 0; i < n; i++) {
        const u = random();
        values[i] =
          kind === 0
            ? (u - 0.5) * 10 ** randomInt(random, 40) * 10 ** -20
            : kind === 1
              ? Math.round((u - 0.5) * 2e6) / 100
              : kind === 2
                ? pick(random, [0, -0, 1, -1, Infinity, -Infinity, 5e-324, -5e-324])
                : 1.5e12 + randomInt(random, 1000) * 1000;
      }
      const expected = values.slice().sort();
      const actual = values.slice();
      sortFloat64(actual);
      for (let i = 0; i < n; i++) {
        if (!Object.is(actual[i], expected[i])) {
          throw new Error(`seed ${seed}: ${actual[i]} at ${i}, expected ${expected[i]}`);
        }
      }
    }
  });
});

describe('sortOnGrid', () => {
  it('sorts values on a grid as Float64Array.prototype.sort does, in one, two or three passes', () => {
    // [unit, divisor, steps]: cents over 40 dollars (one pass), four decimals over ±5,000 (three),
    // seconds over four years (three), ten-thousandths over 300 (two), and the widest grid.
    const grids: [number, number, number][] = [
      [1, 100, 4000],
      [1, 1e4, 1e8],
      [1000, 1, 126_230_400],
      [1, 1e4, 3e6],
      [1, 1, 2 ** 32],
    ];
    for (let seed = 1; seed <= 10; seed++) {
      for (const [unit, divisor, steps] of grids) {
        const random = seededRandom(seed);
        const base = randomInt(random, 2_000_001) - 1_000_000;
        const n = pick(random, [1, 100, 5000, 60_000]);
        const values = Float64Array.from({ length: n }, (_, i) => {
          const step = i === 0 ? steps - 1 : i === 1 ? 0 : Math.floor(random() * steps);
          return ((base + step) * unit) / divisor;
        });
        const expected = values.slice().sort();
        const actual = values.slice();
        sortOnGrid(actual, { unit, divisor, base, steps });
        for (let i = 0; i < n; i++) {
          if (!Object.is(actual[i], expected[i])) {
            throw new Error(
              `seed ${seed}, ${steps} steps: ${actual[i]} at ${i}, expected ${expected[i]}`,
            );
          }
        }
      }
    }
  });

  it('refuses more steps than its 32-bit keys hold', () => {
    expect(() =>
      sortOnGrid(new Float64Array(2), { unit: 1, divisor: 1, base: 0, steps: 2 ** 32 + 1 }),
    ).toThrow(/1 to 2\^32 steps/);
  });
});
