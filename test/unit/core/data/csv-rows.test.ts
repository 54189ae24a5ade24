import { describe, expect, it } from 'vitest';
import {
  createCsvImporter,
  parseCsv,
  type CsvOptions,
  type ImportResult,
} from '../../../../src/core/data';
import { StringDictionary } from '../../../../src/core/data/string-dictionary';
import { randomInt, seededRandom, type Random } from '../../../../src/core/random';
import { valueAt } from '../../../../src/core/table';

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[randomInt(random, items.length)] as T;

/** Numbers at the edges of what the row reader stores itself, and texts that only look close. */
const NUMBER_CELLS = [
  '0',
  '-0',
  '0.5',
  '-0.5',
  '10',
  '0.000001',
  '-0.000001',
  '0.0000001',
  '123456789012345',
  '1234567890123456',
  '12345678.9012345',
  '1234567.89012345',
  '1.50',
  '5.',
  '.5',
  '007',
  '+3',
  '1e5',
  '2E-3',
  ' 4',
  '4 ',
  '',
  'NA',
  '-',
  '-999',
  '9007199254740993',
];
const DATE_CELLS = [
  '2024-02-29',
  '2024-01-05T10:20:30',
  '2024-01-05 10:20',
  '2024-01-05T10:20:30.125Z',
  '2024-01-05T10:20:30+02:00',
  '2024-13-01',
  '',
  'NA',
  '2024-01-01',
];
const WORDS = ['red', 'green', 'blue', 'home office', 'NA', '', 'é', '数据', ' padded ', '-999'];

/** A table of a few thousand rows (several chunks), ASCII unless `accents`. */
function generate(
  random: Random,
  delimiter: string,
  newline: string,
  accents: boolean,
  ragged: 'pad' | 'truncate' | 'error',
): string {
  const columns = 2 + randomInt(random, 6);
  const kinds = Array.from({ length: columns }, () => randomInt(random, 5));
  const lines = [Array.from({ length: columns }, (_, j) => `c${j}`).join(delimiter)];
  const rows = 1500 + randomInt(random, 1500);
  const switchAt = randomInt(random, rows);
  for (let r = 0; r < rows; r++) {
    // Short rows when they are padded, short or long when cut, none when they are refused.
    let width = columns;
    if (ragged !== 'error' && random() < 0.01) {
      width = randomInt(random, ragged === 'pad' ? columns : columns + 3);
    }
    const row: string[] = [];
    for (let j = 0; j < width; j++) {
      const kind = kinds[j] as number;
      let value: string;
      if (kind === 0) {
        value = random() < 0.1 ? pick(random, NUMBER_CELLS) : String(randomInt(random, 1000) - 500);
      } else if (kind === 1) {
        value =
          random() < 0.1
            ? pick(random, NUMBER_CELLS)
            : ((random() - 0.5) * 10 ** randomInt(random, 6)).toFixed(randomInt(random, 5));
      } else if (kind === 2) {
        value =
          random() < 0.05
            ? pick(random, DATE_CELLS)
            : `2024-0${1 + randomInt(random, 9)}-1${randomInt(random, 10)}T0${randomInt(random, 10)}:30:00`;
      } else if (kind === 3) {
        const words = accents ? WORDS : WORDS.filter((word) => /^[\x20-\x7e]*$/.test(word));
        value = pick(random, words);
      } else {
        // Numbers that turn into text part way through the file, which must then keep every
        // number's text as written (`1.50`, `0.0000001`).
        const number = random() < 0.3 ? pick(random, NUMBER_CELLS) : String(randomInt(random, 100));
        value = r < switchAt ? number : pick(random, ['x', '12', 'y z', number]);
      }
      row.push(value.includes(delimiter) ? value.replaceAll(delimiter, '') : value);
    }
    lines.push(row.join(delimiter));
    if (random() < 0.005) lines.push('');
  }
  return lines.join(newline) + newline;
}

function streamed(random: Random, bytes: Uint8Array, options: CsvOptions): ImportResult {
  const importer = createCsvImporter(options);
  for (let at = 0; at < bytes.length;) {
    const size = 1 + randomInt(random, 9000);
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
        dictionaries: result.table.columns.map((c) => ('dictionary' in c ? c.dictionary : null)),
        warnings: result.warnings,
      }
    : { code: result.error.code, line: result.error.line, message: result.error.message };

describe('the quote-free row reader', () => {
  it('reads generated multi-chunk tables exactly as papaparse splits them (40 seeds)', () => {
    let imported = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const delimiter = pick(random, [',', ';', '\t', '|']);
      const newline = pick(random, ['\n', '\r\n']);
      const accents = random() < 0.3;
      const ragged = pick(random, ['pad', 'truncate', 'error'] as const);
      const text = generate(random, delimiter, newline, accents, ragged);
      const bytes = new TextEncoder().encode(text);
      const options: CsvOptions = {
        delimiter,
        chunkBytes: 4096 + randomInt(random, 8192),
        ragged,
        ...(random() < 0.3 ? { missing: ['', 'NA', '-999', '2024-01-01'] } : {}),
        ...(random() < 0.2 ? { types: { c0: pick(random, ['numeric', 'integer'] as const) } } : {}),
      };
      const papaResult = parseCsv(bytes, { ...options, splitter: 'papaparse' });
      if (papaResult.ok) imported++;
      const papa = comparable(papaResult);
      expect(comparable(parseCsv(bytes, options)), `seed ${seed}`).toEqual(papa);
      expect(comparable(streamed(random, bytes, options)), `seed ${seed} streamed`).toEqual(papa);
    }
    // Most tables import; the rest fail alike (a column held to a number type meets text).
    expect(imported).toBeGreaterThan(30);
  });

  it('stores plain numbers itself and leaves the rest to the full parser', () => {
    const filler = Array.from({ length: 5000 }, (_, i) => `${i},${i % 7}.25,2024-01-01`);
    const cells = ['-0', '0.000001', '0.0000001', '1.50', '123456789012345', '007', '1e3'];
    const lines = ['n,x,when', ...filler, ...cells.map((cell) => `${cell},${cell},NA`)];
    const result = parseCsv(new TextEncoder().encode(lines.join('\n')), { chunkBytes: 4096 });
    if (!result.ok) throw new Error(result.error.message);
    const x = result.table.column('x');
    const tail = (k: number) => valueAt(x, 5000 + k);
    expect(Object.is(tail(0), -0)).toBe(true);
    expect([tail(1), tail(2), tail(3), tail(4), tail(5), tail(6)]).toEqual([
      0.000001, 1e-7, 1.5, 123456789012345, 7, 1000,
    ]);
    expect(x.type).toBe('numeric');
    expect(result.table.column('n').type).toBe('numeric');
    expect(result.table.column('when').type).toBe('datetime');
    expect(result.warnings.map((w) => w.code)).toContain('leading-zeros');
  });

  it('finds a NUL byte or a Latin-1 byte far into an ASCII file, on its line', () => {
    const lines = ['a,b', ...Array.from({ length: 20_000 }, (_, i) => `${i},x${i % 10}`)];
    const at = (line: number) => lines.slice(0, line - 1).join('\n').length + 1;
    const bytes = new TextEncoder().encode(lines.join('\n'));
    const nul = bytes.slice();
    nul[at(15_000) + 2] = 0;
    for (const chunkBytes of [4096, 1 << 20]) {
      const failed = parseCsv(nul, { chunkBytes });
      expect(failed.ok ? null : [failed.error.code, failed.error.line]).toEqual(['binary', 15_000]);
    }
    const latin = bytes.slice();
    latin[at(12_000)] = 0xe9;
    const mixed = parseCsv(latin, { chunkBytes: 4096 });
    if (!mixed.ok) throw new Error(mixed.error.message);
    expect(valueAt(mixed.table.column('a'), 11_998)).toBe('\u00e91998');
    expect(valueAt(mixed.table.column('b'), 19_999)).toBe('x9');
  });

  it('reads the same table from pushes of any size and alignment', () => {
    const text = ['a,b', ...Array.from({ length: 12_000 }, (_, i) => `${i},x${i % 3}`)].join('\n');
    const bytes = new TextEncoder().encode(text);
    const whole = comparable(parseCsv(bytes));
    for (const size of [1, 2, 4099]) {
      const importer = createCsvImporter({ chunkBytes: 1024 });
      for (let at = 0; at < bytes.length; at += size) importer.push(bytes.subarray(at, at + size));
      expect(comparable(importer.finish()), `pushes of ${size}`).toEqual(whole);
    }
  });

  it('byte and text lookups in the dictionary agree', () => {
    const dictionary = new StringDictionary();
    const text = 'red,green,red,blue,green,é,red';
    const bytes = Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
    const codes = text.split(',').map((word, k, words) => {
      const start = words.slice(0, k).join(',').length + (k > 0 ? 1 : 0);
      const end = start + word.length;
      if (word === 'é') return dictionary.intern(text, start, end);
      let hash = 0x811c9dc5;
      for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
      return dictionary.internBytes(bytes, start, end, hash ^ (hash >>> 16));
    });
    expect(codes).toEqual([0, 1, 0, 2, 1, 3, 0]);
    expect(dictionary.entries).toEqual(['red', 'green', 'blue', 'é']);
    expect(dictionary.intern('blue', 0, 4)).toBe(2);
  });
});
