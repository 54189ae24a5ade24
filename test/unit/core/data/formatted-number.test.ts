import { describe, expect, it } from 'vitest';
import { parseCsv, type CsvOptions } from '../../../../src/core/data';
import { parseFormattedNumbers } from '../../../../src/core/data/formatted-number';
import { valueAt } from '../../../../src/core/table';

const read = (dictionary: string[], decimal: '.' | ',' = '.') => {
  const parsed = parseFormattedNumbers(dictionary, decimal);
  return parsed && { values: Array.from(parsed.values), integers: parsed.integers };
};

describe('formatted numbers', () => {
  it.each([
    [
      ['$1,046.92', '$99.50', '$12,345,678.00'],
      [1046.92, 99.5, 12345678],
    ],
    [
      ['-$5.00', '$-6.25', '($7.50)', '$8'],
      [-5, -6.25, -7.5, 8],
    ],
    [
      ['1,234', '56', '7,890,123'],
      [1234, 56, 7890123],
    ],
    [
      ['12.5%', '100%', '-3 %'],
      [12.5, 100, -3],
    ],
    [
      ['€ 1.234,50', '€ 99,00', '€ 0,5'],
      [1234.5, 99, 0.5],
    ],
    [
      ['1 234,5', '12 345 678,25', '7,0'],
      [1234.5, 12345678.25, 7],
    ],
    [
      ['1\u00a0234', '5\u202f678', '9'],
      [1234, 5678, 9],
    ],
    [
      ["1'234.50", "12'000", '3.25'],
      [1234.5, 12000, 3.25],
    ],
    [
      ['1.234,00 €', '56 €'],
      [1234, 56],
    ],
    [
      ['£3', '£1,200'],
      [3, 1200],
    ],
  ])('reads %j', (dictionary, expected) => {
    expect(read(dictionary)?.values).toEqual(expected);
  });

  it('reads a comma as the decimal mark first when the file uses one', () => {
    expect(read(['1,234', '5,5'], ',')?.values).toEqual([1.234, 5.5]);
    expect(read(['1,234', '5,678'], '.')?.values).toEqual([1234, 5678]);
    // With a point as the file's decimal mark, groups of other sizes can only be decimals.
    expect(read(['1,5', '2,25'], '.')?.values).toEqual([1.5, 2.25]);
  });

  it('says whether every value is whole', () => {
    expect(read(['$1,000', '$2,500'])?.integers).toBe(true);
    expect(read(['$1,000.5', '$2,500'])?.integers).toBe(false);
  });

  it.each([
    [['$5', '€6']], // two currencies
    [['5%', '6']], // percentages beside plain numbers
    [['1.2.3', '4']], // versions
    [['192.168.1.1']],
    [['1,2,3', '4,5,6']], // lists
    [['12', '15.5']], // plain numbers: nothing to strip
    [['$', '$5']],
    [['$5', 'n/a']],
    [['1,23,456']], // Indian grouping is not read
    [['(5', '6)']],
    [['--5']],
    [[]],
  ])('leaves %j as text', (dictionary) => {
    expect(read(dictionary)).toBeNull();
  });

  it('names what it did, with an example, in the import warning', () => {
    const csv = 'item,price\na,"$1,046.92"\nb,$99.50\nc,\nd,"($1,000.00)"\n';
    const result = parseCsv(csv, {} as CsvOptions);
    if (!result.ok) throw new Error(result.error.message);
    const price = result.table.column('price');
    expect(price.type).toBe('numeric');
    expect([0, 1, 2, 3].map((row) => valueAt(price, row))).toEqual([1046.92, 99.5, null, -1000]);
    const warning = result.warnings.find((item) => item.code === 'formatted-numbers');
    expect(warning?.column).toBe('price');
    expect(warning?.message).toContain('“$1,046.92”');
    expect(warning?.message).toContain('the currency sign $ dropped');
    expect(warning?.message).toContain('thousands separators dropped');
    expect(warning?.message).toContain('amounts in parentheses read as negative');
  });

  it('reads whole formatted numbers as integers, and leaves a column the user chose as text', () => {
    const csv = 'n\n"1,000"\n"25,000"\n';
    const inferred = parseCsv(csv);
    if (!inferred.ok) throw new Error(inferred.error.message);
    expect(inferred.table.column('n').type).toBe('integer');
    const held = parseCsv(csv, { types: { n: 'categorical' } });
    if (!held.ok) throw new Error(held.error.message);
    expect(held.table.column('n').type).toBe('categorical');
  });

  it('reads 1,000 as a thousand unless the file separates its columns with semicolons', () => {
    const values = (csv: string) => {
      const result = parseCsv(csv);
      if (!result.ok) throw new Error(result.error.message);
      const n = result.table.column('n');
      return [0, 1].map((row) => valueAt(n, row));
    };
    expect(values('n\n"1,000"\n"25,500"\n')).toEqual([1000, 25500]);
    expect(values('n\tname\n1,000\ta\n25,500\tb\n')).toEqual([1000, 25500]);
    expect(values('n;name\n1,000;a\n25,500;b\n')).toEqual([1, 25.5]);
    // A comma that cannot separate thousands is a decimal comma wherever it is.
    expect(values('n\tname\n0,125\ta\n12,5\tb\n')).toEqual([0.125, 12.5]);
  });
});
