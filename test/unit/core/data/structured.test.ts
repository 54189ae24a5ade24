import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseJson,
  parseJsonLines,
  parseParquet,
  type ImportResult,
} from '../../../../src/core/data';
import { valueAt, type Table } from '../../../../src/core/table';

const read = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../fixtures/data/${name}`, import.meta.url)));

function table(result: ImportResult): Table {
  if (!result.ok) throw new Error(`import failed: ${result.error.message}`);
  return result.table;
}

function failure(result: ImportResult) {
  if (result.ok) throw new Error('import succeeded');
  return result.error;
}

const columns = (t: Table) =>
  Object.fromEntries(
    t.columns.map((column) => [
      column.name,
      [column.type, Array.from({ length: t.rowCount }, (_, row) => valueAt(column, row))],
    ]),
  );

describe('parseJson', () => {
  it('reads an array of row objects; keys missing from a row are missing values', () => {
    const t = table(
      parseJson('[{"a":1,"b":"x","c":true},{"a":2.5,"d":{"k":[1]}},{"b":null,"c":false}]'),
    );
    expect(columns(t)).toEqual({
      a: ['numeric', [1, 2.5, null]],
      b: ['categorical', ['x', null, null]],
      c: ['boolean', [1, null, 0]],
      d: ['categorical', [null, '{"k":[1]}', null]],
    });
  });

  it('reads {"data": rows}, pandas split and columnar layouts', () => {
    expect(columns(table(parseJson('{"data":[{"x":1},{"x":2}]}')))).toEqual({
      x: ['integer', [1, 2]],
    });
    expect(columns(table(parseJson('{"columns":["x","y"],"data":[[1,"a"],[2,"b"]]}')))).toEqual({
      x: ['integer', [1, 2]],
      y: ['categorical', ['a', 'b']],
    });
    expect(columns(table(parseJson('{"columns":{"d":["2024-01-01","2024-02-01"]}}')))).toEqual({
      d: ['datetime', [Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1)]],
    });
    expect(columns(table(parseJson('{"x":[1,2],"y":[null,"q"]}')))).toEqual({
      x: ['integer', [1, 2]],
      y: ['categorical', [null, 'q']],
    });
    expect(columns(table(parseJson('[[1,"a"],[2]]')))).toEqual({
      column_1: ['integer', [1, 2]],
      column_2: ['categorical', ['a', null]],
    });
  });

  it('keeps keys such as __proto__ and constructor as columns without touching prototypes', () => {
    const t = table(parseJson('[{"__proto__":{"polluted":1},"constructor":"c","toString":2}]'));
    expect(t.names).toEqual(['__proto__', 'constructor', 'toString']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(valueAt(t.column('constructor'), 0)).toBe('c');
  });

  it('does not take inherited properties for missing keys', () => {
    const t = table(parseJson('[{"constructor":"x"},{"other":1}]'));
    expect(valueAt(t.column('constructor'), 1)).toBeNull();
  });

  it('names the line and character of a syntax error', () => {
    const error = failure(parseJson('[\n  {"a": 1},\n  {"a": 2,}\n]'));
    expect(error).toMatchObject({ code: 'invalid-json', line: 3 });
    expect(error.message).toMatch(/^Line 3, character \d+: /);
  });

  it('names the field that breaks the expected shape or a chosen type', () => {
    expect(failure(parseJson('{"a":[1,2],"b":[3]}'))).toMatchObject({ field: 'b' });
    expect(failure(parseJson('[{"a":1}, 5]'))).toMatchObject({
      code: 'invalid-json',
      field: '[1]',
    });
    expect(failure(parseJson('"text"')).code).toBe('invalid-json');
    const mismatch = failure(parseJson('[{"a":1},{"a":"x"}]', { types: { a: 'numeric' } }));
    expect(mismatch).toMatchObject({ code: 'type-mismatch', column: 'a', field: '[1].a' });
    expect(failure(parseJson('[]')).code).toBe('empty');
  });

  it('refuses binary input and oversized input', () => {
    expect(failure(parseJson(new Uint8Array([0x1f, 0x8b, 8, 0]))).code).toBe('binary');
    const big = parseJson(new TextEncoder().encode('[1,2,3]'), { limits: { maxBytes: 4 } });
    expect(failure(big).code).toBe('too-large');
    const cells = parseJson('[{"a":1,"b":2},{"a":3,"b":4}]', { limits: { maxCells: 3 } });
    expect(failure(cells).code).toBe('too-large');
  });
});

describe('parseJsonLines', () => {
  it('reads one object per line, skipping blank lines', () => {
    const t = table(parseJsonLines('{"a":1,"b":"x"}\n\n{"a":2}\r\n{"b":"y","c":[1,2]}\n'));
    expect(columns(t)).toEqual({
      a: ['integer', [1, 2, null]],
      b: ['categorical', ['x', null, 'y']],
      c: ['categorical', [null, null, '[1,2]']],
    });
  });

  it('names the line of a syntax error, a non-object row or a type mismatch', () => {
    expect(failure(parseJsonLines('{"a":1}\n{"a":\n'))).toMatchObject({
      code: 'invalid-json',
      line: 2,
    });
    expect(failure(parseJsonLines('{"a":1}\n\n7\n'))).toMatchObject({
      code: 'invalid-json',
      line: 3,
    });
    const mismatch = parseJsonLines('{"a":1}\n{"a":"b"}\n', { types: { a: 'integer' } });
    expect(failure(mismatch)).toMatchObject({ code: 'type-mismatch', line: 2, column: 'a' });
  });

  it('names the line of a value that fails its column type at the end', () => {
    const error = failure(
      parseJsonLines('{"d":"2024-01-01"}\n{"d":"2024-01-02"}\n{"d":"someday"}\n', {
        types: { d: 'datetime' },
      }),
    );
    expect(error).toMatchObject({ code: 'type-mismatch', line: 3, column: 'd' });
  });
});

describe('parseParquet', () => {
  it('reads a Parquet file with its own types', async () => {
    const result = await parseParquet(read('simple.parquet'));
    expect(result.ok && result.meta).toMatchObject({ format: 'parquet', rows: 3, columns: 2 });
    expect(columns(table(result))).toEqual({
      A: ['integer', [1, 2, 3]],
      B: ['categorical', ['foo', 'foo', 'foo']],
    });
  });

  it('converts columns to chosen types, naming the field that does not fit', async () => {
    const converted = await parseParquet(read('simple.parquet'), { types: { A: 'categorical' } });
    expect(columns(table(converted)).A).toEqual(['categorical', ['1', '2', '3']]);
    const refused = await parseParquet(read('simple.parquet'), { types: { B: 'numeric' } });
    expect(failure(refused)).toMatchObject({ code: 'type-mismatch', column: 'B', field: 'B[0]' });
  });

  it('refuses files that are not Parquet or are damaged', async () => {
    const bytes = read('simple.parquet');
    expect(failure(await parseParquet(new TextEncoder().encode('a,b\n1,2\n'))).code).toBe(
      'invalid-parquet',
    );
    expect(failure(await parseParquet(bytes.slice(0, 100))).code).toBe('invalid-parquet');
    const damaged = bytes.slice();
    damaged.fill(0xff, 40, 200);
    const result = await parseParquet(damaged);
    expect(result.ok || result.error.code === 'invalid-parquet').toBe(true);
  });

  it('refuses a file whose row count exceeds the cell cap before reading it', async () => {
    const result = await parseParquet(read('simple.parquet'), { limits: { maxCells: 5 } });
    expect(failure(result).code).toBe('too-large');
  });
});
