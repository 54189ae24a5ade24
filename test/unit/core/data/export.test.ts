import { describe, expect, it } from 'vitest';
import { parseCsv, parseParquet } from '../../../../src/core/data';
import { tableToCsv, tableToParquet } from '../../../../src/core/data/export';
import { numberColumn, stringColumn, Table, valueAt } from '../../../../src/core/table';

const DAY = 86_400_000;

function sample() {
  return new Table([
    numberColumn('price', [1.5, NaN, -2, 1e21]),
    numberColumn('count', [1, 2, NaN, 4], 'integer'),
    numberColumn('ok', [1, 0, NaN, 1], 'boolean'),
    numberColumn('day', [0, DAY, NaN, 20 * DAY], 'datetime'),
    stringColumn('note', ['plain', '=HYPERLINK("http://x")', null, 'a, "quoted"\nline']),
    stringColumn('sign', ['+1', '-2', '@sum', '\tx']),
  ]);
}

describe('CSV export', () => {
  it('writes a header, quotes where needed, leaves missing cells empty, dates as ISO', () => {
    const csv = tableToCsv(sample());
    const lines = csv.split('\n');
    expect(lines[0]).toBe('price,count,ok,day,note,sign');
    expect(lines[1]).toBe("1.5,1,true,1970-01-01,plain,'+1");
    expect(lines[2]).toBe(`,2,false,1970-01-02,"'=HYPERLINK(""http://x"")",'-2`);
    expect(lines[3]).toBe("-2,,,,,'@sum");
    expect(csv.endsWith('\n')).toBe(true);
  });

  it('neutralises formulas in text only, never in numbers', () => {
    const csv = tableToCsv(sample());
    expect(csv).toContain('\n-2,');
    expect(csv).not.toMatch(/(^|,)=/m);
    expect(tableToCsv(sample(), { formulaSafe: false })).toContain('"=HYPERLINK(""http://x"")"');
  });

  it('keeps times of day when a datetime is not at midnight', () => {
    const table = new Table([numberColumn('at', [DAY + 3_600_000, NaN], 'datetime')]);
    expect(tableToCsv(table)).toBe('at\n1970-01-02T01:00:00.000Z\n\n');
  });

  it('reads back as the same table (with formulaSafe off)', () => {
    const table = sample();
    const result = parseCsv(tableToCsv(table, { formulaSafe: false }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.table.rowCount).toBe(4);
    for (const name of ['price', 'count', 'note']) {
      for (let row = 0; row < 4; row++) {
        expect(valueAt(result.table.column(name), row)).toEqual(valueAt(table.column(name), row));
      }
    }
  });
});

describe('Parquet export', () => {
  it('round-trips every column type and missing values', async () => {
    const table = sample();
    const bytes = tableToParquet(table);
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe('PAR1');
    const result = await parseParquet(bytes);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.table.names).toEqual(table.names);
    for (const name of table.names) {
      const original = table.column(name);
      const read = result.table.column(name);
      expect(read.type).toBe(original.type);
      for (let row = 0; row < 4; row++) {
        expect(valueAt(read, row)).toEqual(valueAt(original, row));
      }
    }
  });
});
