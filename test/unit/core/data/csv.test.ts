import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createCsvImporter,
  parseCsv,
  type CsvOptions,
  type ImportResult,
} from '../../../../src/core/data';
import { isStringColumn, valueAt, type LogicalType, type Table } from '../../../../src/core/table';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../fixtures/data/${name}`, import.meta.url)));

function table(result: ImportResult): Table {
  if (!result.ok) throw new Error(`import failed: ${result.error.message}`);
  return result.table;
}

function failure(result: ImportResult) {
  if (result.ok) throw new Error('import succeeded');
  return result.error;
}

const types = (t: Table) => Object.fromEntries(t.columns.map((c) => [c.name, c.type]));
const values = (t: Table, name: string) =>
  Array.from({ length: t.rowCount }, (_, row) => valueAt(t.column(name), row));
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('parseCsv: samples', () => {
  it('reads iris with inferred types', () => {
    const result = parseCsv(fixture('iris.csv'));
    const iris = table(result);
    expect(iris.rowCount).toBe(150);
    expect(types(iris)).toEqual({
      sepal_length: 'numeric',
      sepal_width: 'numeric',
      petal_length: 'numeric',
      petal_width: 'numeric',
      species: 'categorical',
    });
    expect(result.ok && result.meta).toMatchObject({
      format: 'csv',
      delimiter: ',',
      encoding: 'utf-8',
      rows: 150,
      columns: 5,
    });
    const species = iris.column('species');
    expect(isStringColumn(species) && species.dictionary).toEqual([
      'setosa',
      'versicolor',
      'virginica',
    ]);
  });

  it('reads a monthly series as datetimes (epoch ms, UTC)', () => {
    const series = table(parseCsv(fixture('airline-passengers.csv')));
    expect(types(series)).toEqual({ month: 'datetime', passengers: 'integer' });
    expect(values(series, 'month')[0]).toBe(Date.UTC(1949, 0, 1));
    expect(values(series, 'month')[23]).toBe(Date.UTC(1950, 11, 1));
  });

  it('reads a European file: windows-1252, semicolons, decimal commas, day-first dates', () => {
    const result = parseCsv(fixture('europe-latin1.csv'));
    const europe = table(result);
    expect(result.ok && result.meta).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ';',
      decimal: ',',
    });
    expect(result.ok && result.warnings.map((w) => w.code)).toContain('encoding-fallback');
    expect(europe.names).toEqual(['ville', 'température', 'humidité', 'date']);
    expect(values(europe, 'ville')).toEqual(['Saint-Étienne', 'Mâcon', 'Nîmes', 'Béziers']);
    expect(values(europe, 'température')).toEqual([12.5, 14.25, 18, -2.5]);
    expect(types(europe).date).toBe('datetime');
    expect(values(europe, 'date')[1]).toBe(Date.UTC(2024, 3, 13));
  });

  it('reads tab-separated values with missing cells and yes/no booleans', () => {
    const tabs = table(parseCsv(fixture('tabs.tsv')));
    expect(types(tabs)).toEqual({ name: 'categorical', score: 'numeric', passed: 'boolean' });
    expect(values(tabs, 'score')).toEqual([91.5, 78, null]);
    expect(values(tabs, 'passed')).toEqual([1, 0, 1]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks', () => {
    const quoted = table(parseCsv(fixture('quoted.csv')));
    expect(values(quoted, 'comment')).toEqual([
      'Hello, world',
      'She said "hi"',
      'two\r\nlines',
      'plain',
    ]);
    expect(values(quoted, 'amount')).toEqual([3.5, 4, 5.25, 6]);
  });

  it('strips a UTF-8 byte-order mark and reads UTF-16 by its mark', () => {
    expect(table(parseCsv(fixture('bom.csv'))).names).toEqual(['a', 'b']);
    const result = parseCsv(fixture('utf16.csv'));
    expect(result.ok && result.meta.encoding).toBe('utf-16le');
    expect(values(table(result), 'emoji')).toEqual(['😀', '❄']);
    expect(values(table(result), 'name')).toEqual(['été', 'hiver']);
  });
});

describe('parseCsv: delimiters and options', () => {
  it.each([
    [',', 'a,b,c\n1,2,3\n4,5,6\n'],
    [';', 'a;b;c\n1;2;3\n4;5;6\n'],
    ['\t', 'a\tb\tc\n1\t2\t3\n4\t5\t6\n'],
    ['|', 'a|b|c\n1|2|3\n4|5|6\n'],
  ])('detects %j', (delimiter, text) => {
    const result = parseCsv(text);
    expect(result.ok && result.meta.delimiter).toBe(delimiter);
    expect(table(result).names).toEqual(['a', 'b', 'c']);
  });

  it('prefers the delimiter that splits consistently over one found inside values', () => {
    const text = 'name;note\nAda;"likes, commas"\nBo;plain, too\nCy;x\n';
    const result = parseCsv(text);
    expect(result.ok && result.meta.delimiter).toBe(';');
    expect(values(table(result), 'note')).toEqual(['likes, commas', 'plain, too', 'x']);
  });

  it('takes a chosen delimiter, quote and escape character', () => {
    const text = "a:b\n'x\\'s':1\n'y:z':2\n";
    const t = table(parseCsv(text, { delimiter: ':', quote: "'", escape: '\\' }));
    expect(values(t, 'a')).toEqual(["x's", 'y:z']);
  });

  it('reads a single-column file', () => {
    const t = table(parseCsv('value\n1\n2\n\n3\n'));
    expect(values(t, 'value')).toEqual([1, 2, 3]);
  });

  it('names columns by position without a header', () => {
    const t = table(parseCsv('1,a\n2,b\n', { header: false }));
    expect(t.names).toEqual(['column_1', 'column_2']);
    expect(values(t, 'column_1')).toEqual([1, 2]);
  });

  it('reads CRLF and lone-CR line breaks', () => {
    expect(values(table(parseCsv('a,b\r\n1,2\r\n3,4\r\n')), 'b')).toEqual([2, 4]);
    expect(values(table(parseCsv('a,b\r1,2\r3,4')), 'b')).toEqual([2, 4]);
  });

  it('skips blank lines and keeps line numbers right after them', () => {
    const result = parseCsv('a,b\n\n1,2\n   \n3,x\n', { types: { b: 'integer' } });
    expect(failure(result)).toMatchObject({ code: 'type-mismatch', line: 5, column: 'b' });
  });

  it('rejects invalid options as errors, not exceptions', () => {
    expect(failure(parseCsv('a\n1\n', { delimiter: ';;' })).code).toBe('invalid-options');
    expect(failure(parseCsv('a\n1\n', { delimiter: '"' })).code).toBe('invalid-options');
    const badType = { types: { a: 'number' } } as unknown as CsvOptions;
    expect(failure(parseCsv('a\n1\n', badType)).code).toBe('invalid-options');
    const badEncoding = { encoding: 'ebcdic' } as unknown as CsvOptions;
    expect(failure(parseCsv(utf8('a\n1\n'), badEncoding)).code).toBe('invalid-options');
  });
});

describe('parseCsv: headers', () => {
  it('deduplicates repeated names and names empty ones by position', () => {
    const result = parseCsv('a,a,,a_2, b \n1,2,3,4,5\n');
    expect(table(result).names).toEqual(['a', 'a_3', 'column_3', 'a_2', 'b']);
    expect(result.ok && result.warnings.filter((w) => w.code === 'renamed-headers')).toHaveLength(
      2,
    );
  });

  it('treats __proto__, constructor and toString as ordinary names', () => {
    const t = table(
      parseCsv('__proto__,constructor,toString,hasOwnProperty\n1,x,2,y\n', {
        types: new Map([['constructor', 'text']]),
      }),
    );
    expect(t.names).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    expect(t.column('__proto__').type).toBe('integer');
    expect(t.column('constructor').type).toBe('text');
    expect(valueAt(t.column('__proto__'), 0)).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('warns about a type chosen for a column that does not exist', () => {
    const result = parseCsv('a\n1\n', { types: { b: 'numeric' } });
    expect(result.ok && result.warnings).toContainEqual(
      expect.objectContaining({ code: 'unknown-override', column: 'b' }),
    );
  });

  it('reads only own keys of a plain overrides object', () => {
    const text: LogicalType = 'text';
    const result = parseCsv('toString,valueOf,__proto__\n1,2,3\n', { types: { valueOf: text } });
    expect(table(result).columns.map((column) => [column.name, column.type])).toEqual([
      ['toString', 'integer'],
      ['valueOf', 'text'],
      ['__proto__', 'integer'],
    ]);
  });
});

describe('parseCsv: bad input', () => {
  it('names the line of an unclosed quote', () => {
    const error = failure(parseCsv('a,b\n1,2\n3,"open\n4,5\n'));
    expect(error).toMatchObject({ code: 'malformed-quotes', line: 3 });
    expect(error.message).toContain('Line 3');
  });

  it('names the line of a malformed closing quote', () => {
    expect(failure(parseCsv('a,b\n1,"x"y\n'))).toMatchObject({ code: 'malformed-quotes', line: 2 });
  });

  it('refuses ragged rows by default, naming the line and counts', () => {
    const error = failure(parseCsv('a,b,c\n1,2,3\n4,5\n'));
    expect(error).toMatchObject({ code: 'ragged-row', line: 3 });
    expect(error.message).toBe(
      'Line 3 has 2 fields, but the header has 3. Fix the line, or choose to pad short rows.',
    );
    expect(failure(parseCsv('a,b\n1,2\n3,4,5\n'))).toMatchObject({ code: 'ragged-row', line: 3 });
  });

  it('pads short rows or truncates long ones when asked, with a warning', () => {
    const padded = parseCsv('a,b,c\n1,2,3\n4,5\n', { ragged: 'pad' });
    expect(values(table(padded), 'c')).toEqual([3, null]);
    expect(padded.ok && padded.warnings).toContainEqual(
      expect.objectContaining({ code: 'ragged-rows', line: 3 }),
    );
    expect(failure(parseCsv('a,b\n1,2,3\n', { ragged: 'pad' })).code).toBe('ragged-row');
    const cut = parseCsv('a,b\n1,2,3\n4\n', { ragged: 'truncate' });
    expect(values(table(cut), 'a')).toEqual([1, 4]);
    expect(values(table(cut), 'b')).toEqual([2, null]);
  });

  it('accepts a trailing delimiter on every line', () => {
    const t = table(parseCsv('a,b\n1,2,\n3,4,\n'));
    expect(t.names).toEqual(['a', 'b']);
    expect(values(t, 'b')).toEqual([2, 4]);
  });

  it('refuses binary files', () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2, 3]);
    expect(failure(parseCsv(zip))).toMatchObject({ code: 'binary', line: 1 });
    expect(failure(parseCsv(zip)).message).toContain('ZIP');
    const nul = utf8('a,b\n1,2\n3,\u00004\n');
    expect(failure(parseCsv(nul))).toMatchObject({ code: 'binary', line: 3 });
    const noise = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 31);
    expect(failure(parseCsv(noise)).code).toBe('binary');
  });

  it('finds a NUL byte deep in a streamed file', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `${i},x`).join('\n');
    const text = `a,b\n${lines}\n7,\u0000\n`;
    const error = failure(parseCsv(utf8(text), { chunkBytes: 4096 }));
    expect(error).toMatchObject({ code: 'binary', line: 5002 });
  });

  it('refuses a line longer than the cap in bounded memory', () => {
    const long = 'x'.repeat(300_000);
    const result = parseCsv(`a\n1\n${long}\n2\n`, {
      limits: { maxLineChars: 100_000 },
      chunkBytes: 16_384,
    });
    expect(failure(result)).toMatchObject({ code: 'line-too-long', line: 3 });
    const quoted = parseCsv(`a\n"${long}`, { limits: { maxLineChars: 100_000 } });
    expect(failure(quoted).message).toContain('quoted field');
  });

  it('reads 10,000 columns', () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',');
    const row = Array.from({ length: 10_000 }, (_, i) => String(i)).join(',');
    const t = table(parseCsv(`${header}\n${row}\n${row}\n`));
    expect(t.columns).toHaveLength(10_000);
    expect(valueAt(t.column('c9999'), 1)).toBe(9999);
  });

  it('caps columns, cells and bytes with clear errors', () => {
    expect(failure(parseCsv('a,b,c\n1,2,3\n', { limits: { maxColumns: 2 } }))).toMatchObject({
      code: 'too-many-columns',
      line: 1,
    });
    const cells = failure(parseCsv('a,b\n1,2\n3,4\n5,6\n', { limits: { maxCells: 4 } }));
    expect(cells).toMatchObject({ code: 'too-large', line: 4 });
    expect(cells.message).toContain('cells');
    const bytes = failure(parseCsv(utf8('a\n1\n2\n'), { limits: { maxBytes: 4 } }));
    expect(bytes.code).toBe('too-large');
    const announced = createCsvImporter({ totalBytes: 3 * 1024 ** 3 });
    expect(announced.push(utf8('a\n'))).toBe(false);
    expect(failure(announced.finish()).message).toContain('2 GB');
  });

  it('refuses an empty file or one with only blank lines', () => {
    expect(failure(parseCsv(''))).toMatchObject({ code: 'empty' });
    expect(failure(parseCsv(utf8('\n\n  \n'))).code).toBe('empty');
  });

  it('refuses a header with no rows under it, as an empty JSON table is refused', () => {
    expect(failure(parseCsv('a,b\n'))).toEqual({
      code: 'empty',
      message: 'The file has a header (2 columns) but no rows.',
      line: 2,
    });
    expect(failure(parseCsv(utf8('only\n\n\n'))).message).toBe(
      'The file has a header (1 column) but no rows.',
    );
    expect(parseCsv('a,b\n1,2\n').ok).toBe(true);
  });
});

describe('createCsvImporter', () => {
  const text = `${['id,name,price,when'].join('')}\n${Array.from(
    { length: 3000 },
    (_, i) =>
      `${i},"name ${i % 7}",${(i * 0.25).toFixed(2)},2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
  ).join('\n')}\n`;
  const bytes = utf8(text);

  it('gives the same table however the bytes are split', () => {
    const whole = table(parseCsv(bytes));
    for (const size of [1, 7, 1000, 65_537]) {
      const importer = createCsvImporter();
      for (let at = 0; at < bytes.length; at += size) importer.push(bytes.subarray(at, at + size));
      const streamed = table(importer.finish());
      expect(streamed.toRows()).toEqual(whole.toRows());
      expect(types(streamed)).toEqual(types(whole));
    }
  });

  it('splits multibyte characters across chunks correctly', () => {
    const accents = utf8('word\nélan\nçà\n😀\n');
    const importer = createCsvImporter();
    for (let at = 0; at < accents.length; at++) importer.push(accents.subarray(at, at + 1));
    expect(values(table(importer.finish()), 'word')).toEqual(['élan', 'çà', '😀']);
  });

  it('reports progress in bytes and rows', () => {
    const seen: number[] = [];
    const importer = createCsvImporter({
      totalBytes: bytes.length,
      chunkBytes: 8192,
      onProgress: (progress) => {
        expect(progress.totalBytes).toBe(bytes.length);
        seen.push(progress.bytes);
      },
    });
    importer.push(bytes);
    const result = importer.finish();
    expect(table(result).rowCount).toBe(3000);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.at(-1)).toBe(bytes.length);
    expect(importer.bytesRead).toBe(bytes.length);
    expect(importer.rowsRead).toBe(3000);
  });

  it('stops when its signal aborts, keeping nothing', () => {
    const controller = new AbortController();
    const importer = createCsvImporter({ signal: controller.signal, chunkBytes: 4096 });
    expect(importer.push(bytes.subarray(0, 10_000))).toBe(true);
    controller.abort();
    expect(importer.push(bytes.subarray(10_000))).toBe(false);
    expect(failure(importer.finish())).toMatchObject({ code: 'cancelled' });
  });

  it('keeps the first error and refuses more input', () => {
    const importer = createCsvImporter();
    importer.push(utf8('a,b\n1,2\n3\n'));
    importer.finish();
    expect(importer.push(utf8('4,5\n'))).toBe(false);
    expect(failure(importer.finish()).code).toBe('ragged-row');
  });
});

describe('quote-free fast path', () => {
  it('splits exactly as papaparse does', () => {
    const samples = [
      'a,b,c\n1,2,3\n4,,6\n\n7,8,9',
      'x;y\r\n1,5;a b\r\n  ;\r\n2;NA\r\n',
      'p|q\n|\n||\n1|2\n',
      'one\n \n2\n\t\nthree\n',
      'a,b\n1,2,\n3,4,,\n',
    ];
    for (const text of samples) {
      for (const chunkBytes of [1024, 3]) {
        const fast = parseCsv(text, { chunkBytes, ragged: 'truncate' });
        const papa = parseCsv(text, { chunkBytes, ragged: 'truncate', splitter: 'papaparse' });
        expect(fast).toEqual(papa);
      }
    }
  });
});

describe('encodings', () => {
  it('reads valid UTF-8 as UTF-8', () => {
    const result = parseCsv(utf8('name\nZoë\n'));
    expect(result.ok && result.meta.encoding).toBe('utf-8');
  });

  it('falls back to windows-1252 when the bytes are not UTF-8', () => {
    const latin = new Uint8Array([0x6e, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a, 0x80, 0x0a]);
    const result = parseCsv(latin);
    expect(values(table(result), 'n')).toEqual(['café', '€']);
  });

  it('honours a chosen encoding', () => {
    const bytes = utf8('n\ncafé\n');
    expect(values(table(parseCsv(bytes, { encoding: 'latin1' })), 'n')).toEqual(['cafÃ©']);
    const latin = new Uint8Array([0x6e, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]);
    const forced = parseCsv(latin, { encoding: 'utf-8' });
    expect(values(table(forced), 'n')).toEqual(['caf\ufffd']);
    expect(forced.ok && forced.warnings.map((w) => w.code)).toContain('replacement-characters');
  });

  it('refuses a file that switches from UTF-8 to something else, naming the line', () => {
    const head = utf8('n\nZoë\nok\n');
    const bytes = new Uint8Array([...head, 0x63, 0xe9, 0x0a]);
    expect(failure(parseCsv(bytes))).toMatchObject({ code: 'encoding', line: 4 });
  });

  it("counts lines by the file's own line break when the bad bytes come in its first 64 KB", () => {
    // Old Mac line breaks (CR), with a quoted line feed before the bad byte.
    const head = utf8('n\rZoë\r"two\nlines"\rok\r');
    const bytes = new Uint8Array([...head, 0x63, 0xe9, 0x0d]);
    expect(failure(parseCsv(bytes))).toMatchObject({ code: 'encoding', line: 5 });
  });
});
