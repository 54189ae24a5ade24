import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectFormat,
  formatProfileReport,
  profileCommand,
  type ProfileReport,
} from '../../../../src/core/data';

const read = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../fixtures/data/${name}`, import.meta.url)));
const utf8 = (text: string) => new TextEncoder().encode(text);

async function report(bytes: Uint8Array, options = {}): Promise<ProfileReport> {
  const result = await profileCommand(bytes, options);
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
}

describe('profileCommand', () => {
  it('reports the schema and per-column summary as plain JSON', async () => {
    const iris = await report(read('iris.csv'));
    expect(iris.rows).toBe(150);
    expect(iris.columns.map((column) => [column.name, column.type])).toEqual([
      ['sepal_length', 'numeric'],
      ['sepal_width', 'numeric'],
      ['petal_length', 'numeric'],
      ['petal_width', 'numeric'],
      ['species', 'categorical'],
    ]);
    const sepal = iris.columns[0];
    expect(sepal).toMatchObject({ missing: 0, distinct: 35, min: 4.3, max: 7.9 });
    expect(sepal?.mean).toBeCloseTo(5.843333, 6);
    expect(sepal?.std).toBeCloseTo(0.828066, 6);
    expect(iris.columns[4]).toEqual({
      name: 'species',
      type: 'categorical',
      missing: 0,
      distinct: 3,
      mean: null,
      std: null,
      min: null,
      max: null,
    });
    expect(JSON.parse(JSON.stringify(iris))).toEqual(iris);
    expect(Object.keys(iris)).toEqual(['rows', 'columns', 'warnings']);
  });

  it('writes datetimes as ISO text and includes import and profile warnings', async () => {
    const mixed = await report(read('mixed.csv'), { target: 'churned' });
    const signup = mixed.columns.find((column) => column.name === 'signup');
    expect(signup).toMatchObject({ type: 'datetime', std: null });
    expect(signup?.min).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const codes = mixed.warnings.map((warning) => warning.code);
    expect(codes).toEqual(
      expect.arrayContaining(['constant', 'missing', 'duplicates', 'imbalance']),
    );
  });

  it('honours the delimiter and encoding, and reads tab files by extension', async () => {
    const piped = await report(utf8('a|b\n1|2\n'), { delimiter: '|' });
    expect(piped.columns.map((column) => column.name)).toEqual(['a', 'b']);
    const latin = await report(read('europe-latin1.csv'), { encoding: 'latin1' });
    expect(latin.columns[0]?.name).toBe('ville');
    const tabs = await report(read('tabs.tsv'), { fileName: 'scores.tsv' });
    expect(tabs.columns).toHaveLength(3);
  });

  it('reads JSON, JSON Lines and Parquet, by extension or content', async () => {
    expect((await report(utf8('[{"a":1},{"a":2}]'))).rows).toBe(2);
    expect((await report(utf8('{"a":1}\n{"a":2}\n{"a":3}\n'))).rows).toBe(3);
    expect((await report(read('simple.parquet'))).columns.map((column) => column.type)).toEqual([
      'integer',
      'categorical',
    ]);
    expect(detectFormat(utf8('{"a":1}\n{"a":2}\n'))).toBe('jsonl');
    expect(detectFormat(utf8('{"a":[1,2]}'))).toBe('json');
    expect(detectFormat(utf8('x'), 'data.ndjson')).toBe('jsonl');
    expect(detectFormat(utf8('a,b'), 'DATA.CSV')).toBe('csv');
  });

  it('returns the import error for bad input', async () => {
    const result = await profileCommand(utf8('a,b\n1,2\n3,"x\n'));
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'malformed-quotes', line: 3 }),
    });
  });

  it('formats the report for people', async () => {
    const text = formatProfileReport(await report(read('mixed.csv')));
    const lines = text.split('\n');
    expect(lines[0]).toBe('303 rows × 11 columns');
    expect(lines[2]).toMatch(/^column\s+type\s+missing\s+distinct\s+mean\s+std\s+min\s+max$/);
    expect(text).toContain('Warnings:');
  });
});
