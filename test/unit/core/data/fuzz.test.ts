import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createCsvImporter,
  parseCsv,
  parseJson,
  parseJsonLines,
  parseParquet,
  profileTable,
  type CsvOptions,
  type ImportResult,
} from '../../../../src/core/data';
import { randomInt, seededRandom, type Random } from '../../../../src/core/random';
import { columnLength } from '../../../../src/core/table';

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[randomInt(random, items.length)] as T;

const CELLS = [
  '',
  '0',
  '-1',
  '3.14',
  '1e5',
  '007',
  '12345678901234567890',
  'NA',
  '?',
  '-',
  'true',
  'no',
  '2024-02-29',
  '2024-01-05T10:20:30Z',
  '31/12/2023',
  'Jan 5, 2024',
  'red',
  'green blue',
  'é',
  'naïve café',
  '😀',
  '数据',
  '__proto__',
  'constructor',
  'a,b',
  'a;b',
  'tab\there',
  'line\nbreak',
  'cr\rbreak',
  'say "hi"',
  '"',
  ' padded ',
];

interface Generated {
  readonly text: string;
  readonly delimiter: string;
}

/** A random table written with a random delimiter, line break and quoting policy. */
function generateCsv(random: Random): Generated {
  const delimiter = pick(random, [',', ';', '\t', '|']);
  const newline = pick(random, ['\n', '\r\n', '\r']);
  const columns = 1 + randomInt(random, 8);
  const rows = randomInt(random, 30);
  const quoting = pick(random, ['needed', 'always', 'never', 'random']);
  const cell = (value: string) => {
    const needs = /[",;\t|\r\n]/.test(value);
    const quote =
      quoting === 'always' ||
      (quoting === 'needed' && needs) ||
      (quoting === 'random' && random() < 0.5);
    return quote ? `"${value.replace(/"/g, '""')}"` : value;
  };
  const lines: string[] = [];
  lines.push(
    Array.from({ length: columns }, (_, j) =>
      cell(pick(random, [`c${j}`, `c${j}`, '', 'x', '__proto__'])),
    ).join(delimiter),
  );
  const kinds = Array.from({ length: columns }, () => randomInt(random, 4));
  for (let r = 0; r < rows; r++) {
    const width = random() < 0.05 ? randomInt(random, columns + 2) : columns;
    const row: string[] = [];
    for (let j = 0; j < width; j++) {
      const kind = kinds[j] ?? 3;
      const value =
        kind === 0
          ? String(Math.round((random() - 0.5) * 1e4) / 100)
          : kind === 1
            ? `2024-0${1 + randomInt(random, 9)}-1${randomInt(random, 10)}`
            : kind === 2
              ? pick(random, ['a', 'b', 'c'])
              : pick(random, CELLS);
      row.push(cell(random() < 0.05 ? pick(random, CELLS) : value));
    }
    lines.push(row.join(delimiter));
  }
  return { text: lines.join(newline) + (random() < 0.7 ? newline : ''), delimiter };
}

function encode(random: Random, text: string): Uint8Array {
  const choice = randomInt(random, 5);
  if (choice === 0) return new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
  if (choice === 1) {
    const units = new Uint8Array(2 + text.length * 2);
    units.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      units[2 + 2 * i] = code & 0xff;
      units[3 + 2 * i] = code >> 8;
    }
    return units;
  }
  if (choice === 2) return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
  return new TextEncoder().encode(text);
}

const SPECIAL_BYTES = [
  0x00, 0x22, 0x0a, 0x0d, 0x2c, 0x3b, 0x09, 0xff, 0xc3, 0xe2, 0x80, 0x27, 0x5c,
];

/** Flips, inserts, deletes, duplicates and truncates bytes. */
function mutate(random: Random, input: Uint8Array): Uint8Array {
  let bytes = Array.from(input);
  const edits = 1 + randomInt(random, 4);
  for (let e = 0; e < edits; e++) {
    const at = randomInt(random, bytes.length + 1);
    switch (randomInt(random, 5)) {
      case 0:
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = randomInt(random, 256);
        break;
      case 1:
        bytes.splice(at, 0, pick(random, SPECIAL_BYTES));
        break;
      case 2:
        bytes.splice(at, 1 + randomInt(random, 8));
        break;
      case 3:
        bytes.splice(at, 0, ...bytes.slice(at, at + randomInt(random, 40)));
        break;
      default:
        bytes = bytes.slice(0, at);
    }
  }
  return Uint8Array.from(bytes);
}

const lineCount = (bytes: Uint8Array) =>
  bytes.reduce((n, byte) => n + (byte === 0x0a || byte === 0x0d ? 1 : 0), 1);

/** Every number in a profile is finite (JSON would silently turn NaN into null). */
function assertFinite(value: unknown, path = 'profile'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path} is ${value}`);
  } else if (Array.isArray(value)) value.forEach((item, i) => assertFinite(item, `${path}[${i}]`));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) assertFinite(item, `${path}.${key}`);
  }
}

/** An import either succeeded with a consistent table, or failed with a located error. */
function checkCsvResult(result: ImportResult, bytes: Uint8Array) {
  if (result.ok) {
    const { table, meta } = result;
    expect(meta.rows).toBe(table.rowCount);
    for (const column of table.columns) expect(columnLength(column)).toBe(table.rowCount);
    expect(new Set(table.names).size).toBe(table.names.length);
    assertFinite(profileTable(table));
  } else {
    expect(result.error.message.length).toBeGreaterThan(0);
    expect(Number.isInteger(result.error.line)).toBe(true);
    expect(result.error.line).toBeGreaterThanOrEqual(1);
    expect(result.error.line).toBeLessThanOrEqual(lineCount(bytes) + 1);
  }
}

/** The same import fed through the streaming API in random chunk sizes. */
function streamed(random: Random, bytes: Uint8Array, options: CsvOptions): ImportResult {
  const importer = createCsvImporter(options);
  for (let at = 0; at < bytes.length;) {
    const size = 1 + randomInt(random, 64);
    importer.push(bytes.subarray(at, at + size));
    at += size;
  }
  return importer.finish();
}

const comparable = (result: ImportResult) =>
  result.ok
    ? {
        rows: result.table.toRows(),
        types: result.table.columns.map((c) => c.type),
        warnings: result.warnings,
      }
    : { code: result.error.code, line: result.error.line };

/**
 * Inputs on which the importer once went wrong, each now checked on both splitters: a sign at
 * the start of a field after the first was read from the wrong offset; a header of empty names
 * split by tabs was skipped as a blank line; a line holding one control character was skipped as
 * blank; a lone LF inside a record of a CRLF file was not counted as a line.
 */
const REGRESSIONS: readonly (readonly [string, CsvOptions])[] = [
  ['a,b\n1,-3915.2055\n2,+4.5\n', {}],
  ['\t\r\n2024-07-18\tb\r\n2024-05-11\ta\r\n', {}],
  ['c0\rc\r\u0017\rb\r', {}],
  ['a,b\r\n1,line\nbreak\r\n2\r\n', {}],
  ['a,b\n1,2\n3', {}],
  ['a,b\n1,"', {}],
  ['\ufeff"a""b",c\r\n"1\r\n2",3\r\n', {}],
];

describe('fuzzing the importers (seeded)', () => {
  it('pinned regressions import the same on both splitters, or fail with a line', () => {
    for (const [text, options] of REGRESSIONS) {
      const bytes = new TextEncoder().encode(text);
      const result = parseCsv(bytes, options);
      checkCsvResult(result, bytes);
      expect(comparable(parseCsv(bytes, { ...options, splitter: 'papaparse' }))).toEqual(
        comparable(result),
      );
    }
    const signs = parseCsv('a,b\n1,-3915.2055\n2,+4.5\n');
    expect(signs.ok && signs.table.column('b').type).toBe('numeric');
    const lines = parseCsv('a,b\r\n1,line\nbreak\r\n2\r\n');
    expect(lines.ok || lines.error.line).toBe(4);
  });

  it('CSV: 2,000 generated tables never throw and stream identically', () => {
    const random = seededRandom(20_240_601);
    for (let i = 0; i < 2000; i++) {
      const { text, delimiter } = generateCsv(random);
      const bytes = encode(random, text);
      const options: CsvOptions = {
        ragged: pick(random, ['error', 'pad', 'truncate'] as const),
        ...(random() < 0.3 ? { delimiter } : {}),
      };
      const whole = parseCsv(bytes, options);
      checkCsvResult(whole, bytes);
      const papa = parseCsv(bytes, { ...options, splitter: 'papaparse' });
      expect(comparable(papa)).toEqual(comparable(whole));
      if (i % 4 === 0)
        expect(comparable(streamed(random, bytes, options))).toEqual(comparable(whole));
    }
  });

  it('CSV: 3,000 mutated inputs never throw and fail with a line', () => {
    const random = seededRandom(77);
    for (let i = 0; i < 3000; i++) {
      const bytes = mutate(random, encode(random, generateCsv(random).text));
      const result = parseCsv(bytes, { limits: { maxLineChars: 2048 } });
      checkCsvResult(result, bytes);
      const papa = parseCsv(bytes, { limits: { maxLineChars: 2048 }, splitter: 'papaparse' });
      expect(comparable(papa)).toEqual(comparable(result));
      if (i % 10 === 0) {
        const again = streamed(random, bytes, { limits: { maxLineChars: 2048 } });
        expect(comparable(again)).toEqual(comparable(result));
      }
    }
  });

  it('CSV: long lines, many columns and random bytes stay bounded', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 40; i++) {
      const noise = Uint8Array.from({ length: 1 + randomInt(random, 20_000) }, () =>
        randomInt(random, 256),
      );
      checkCsvResult(parseCsv(noise), noise);
      const long = new TextEncoder().encode(`a\n${'x'.repeat(randomInt(random, 50_000))}`);
      checkCsvResult(parseCsv(long, { limits: { maxLineChars: 20_000 } }), long);
    }
  });

  it('JSON and JSON Lines: 2,000 mutated inputs never throw', () => {
    const random = seededRandom(99);
    for (let i = 0; i < 2000; i++) {
      const rows = Array.from({ length: randomInt(random, 12) }, () => {
        const row: Record<string, unknown> = {};
        for (let j = 0; j < 1 + randomInt(random, 5); j++) {
          row[pick(random, ['a', 'b', 'c', '__proto__', 'constructor', ''])] = pick(random, [
            1,
            -2.5,
            'x',
            null,
            true,
            [1, 2],
            { k: 'v' },
            '2024-01-01',
            ...CELLS,
          ]);
        }
        return row;
      });
      const lines = random() < 0.5;
      const text = lines
        ? rows.map((row) => JSON.stringify(row)).join('\n')
        : JSON.stringify(pick(random, [rows, { data: rows }]));
      const bytes =
        random() < 0.7
          ? mutate(random, new TextEncoder().encode(text))
          : new TextEncoder().encode(text);
      const result = lines ? parseJsonLines(bytes) : parseJson(bytes);
      if (result.ok) assertFinite(profileTable(result.table));
      else {
        expect(result.error.message.length).toBeGreaterThan(0);
        if (lines && result.error.code === 'invalid-json')
          expect(result.error.line).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('Parquet: 500 damaged files never throw', async () => {
    const original = new Uint8Array(
      readFileSync(new URL('../../../fixtures/data/simple.parquet', import.meta.url)),
    );
    const random = seededRandom(123);
    for (let i = 0; i < 500; i++) {
      const bytes = original.slice();
      for (let e = 0; e < 1 + randomInt(random, 3); e++)
        bytes[randomInt(random, bytes.length)] = randomInt(random, 256);
      const input = random() < 0.2 ? bytes.slice(0, randomInt(random, bytes.length)) : bytes;
      const result = await parseParquet(input, { limits: { maxCells: 1_000_000 } });
      if (result.ok) assertFinite(profileTable(result.table));
      else expect(result.error.message.length).toBeGreaterThan(0);
    }
  });
});
