import { describe, expect, it } from 'vitest';
import { parseCsv, type CsvOptions, type ImportResult } from '../../../../src/core/data';
import {
  CANONICAL,
  INTEGER_LITERAL,
  LEADING_ZERO,
  lastNumber,
  parseNumberText,
} from '../../../../src/core/data/number-text';
import {
  parseDictionaryDates,
  parseIsoDatetime,
  lastDatetime,
  renderIsoDatetime,
} from '../../../../src/core/data/datetime-text';
import { valueAt, type Table } from '../../../../src/core/table';
import { seededRandom, randomInt } from '../../../../src/core/random';

function table(result: ImportResult): Table {
  if (!result.ok) throw new Error(`import failed: ${result.error.message}`);
  return result.table;
}

/** A column named `name` (beside a row number) from the given cells: type, values, warnings. */
function column(cells: readonly string[], options: CsvOptions = {}, name = 'v') {
  const lines = cells.map((cell, i) => `${i}\t${cell}`);
  const result = parseCsv(`row\t${name}\n${lines.join('\n')}\n`, { delimiter: '\t', ...options });
  const t = table(result);
  const only = t.column(name);
  return {
    type: only.type,
    values: Array.from({ length: t.rowCount }, (_, row) => valueAt(only, row)),
    warnings: result.ok ? result.warnings : [],
  };
}

describe('number text', () => {
  it.each([
    ['0', 0],
    ['-12', -12],
    ['+3.5', 3.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['-2.5E-3', -0.0025],
    [' 42 ', 42],
    ['12345678901234567890', 12345678901234567000],
    ['0.1', 0.1],
  ])('reads %j', (text, value) => {
    expect(parseNumberText(text)).toBe(value);
  });

  it.each([
    '',
    '-',
    '.',
    'e5',
    '1e',
    '0x10',
    'Infinity',
    '1,000',
    '1 000',
    '12abc',
    '--1',
    '1e400',
  ])('refuses %j', (text) => {
    expect(parseNumberText(text)).toBeNaN();
  });

  it('reads a decimal comma when asked', () => {
    expect(parseNumberText('3,25', 44)).toBe(3.25);
    expect(parseNumberText('3.25', 44)).toBeNaN();
  });

  it('flags integer literals, canonical text and leading zeros', () => {
    parseNumberText('42');
    expect(lastNumber.flags).toBe(INTEGER_LITERAL | CANONICAL);
    parseNumberText('4.20');
    expect(lastNumber.flags & CANONICAL).toBe(0);
    parseNumberText('007');
    expect(lastNumber.flags & LEADING_ZERO).toBe(LEADING_ZERO);
    parseNumberText('1e2');
    expect(lastNumber.flags & INTEGER_LITERAL).toBe(0);
  });

  it('rounds exactly like Number on thousands of seeded decimals', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 5000; i++) {
      const digits = Array.from({ length: 1 + randomInt(random, 19) }, () => randomInt(random, 10));
      const point = randomInt(random, digits.length + 1);
      let text = `${digits.slice(0, point).join('')}.${digits.slice(point).join('')}`;
      if (random() < 0.3) text += `e${randomInt(random, 40) - 20}`;
      if (random() < 0.5) text = `-${text}`;
      if (text.replace(/[-.e\d]/g, '') !== '' || /^-?\.(e|$)/.test(text)) continue;
      expect(parseNumberText(text)).toBe(Number(text));
      if (lastNumber.flags & CANONICAL) expect(String(Number(text))).toBe(text);
    }
  });
});

describe('ISO datetimes', () => {
  it.each([
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2023-07', Date.UTC(2023, 6, 1)],
    ['2024/03/05', Date.UTC(2024, 2, 5)],
    ['2024-03-05T10:20', Date.UTC(2024, 2, 5, 10, 20)],
    ['2024-03-05 10:20:30', Date.UTC(2024, 2, 5, 10, 20, 30)],
    ['2024-03-05T10:20:30.5Z', Date.UTC(2024, 2, 5, 10, 20, 30, 500)],
    ['2024-03-05T10:20:30.123+02:00', Date.UTC(2024, 2, 5, 8, 20, 30, 123)],
    ['2024-03-05T10:20:30-0130', Date.UTC(2024, 2, 5, 11, 50, 30)],
    ['1969-12-31T23:59:59Z', -1000],
  ])('reads %j', (text, ms) => {
    expect(parseIsoDatetime(text)).toBe(ms);
  });

  it.each([
    '2023-02-29',
    '2024-13-01',
    '2024-00-10',
    '2024-01-32',
    '2024-01-01T24:00',
    '2024-1-5',
    '20240105',
    '2024-01-01T10:00:61',
    '2024-01-01Z',
  ])('refuses %j', (text) => {
    expect(parseIsoDatetime(text)).toBeNaN();
  });

  it('writes values back exactly in the layout they were read with', () => {
    for (const text of [
      '2024-03-05',
      '2024/03/05',
      '1999-12',
      '2024-03-05 10:20',
      '2024-03-05T10:20:30Z',
      '2024-03-05T10:20:30.120+05:30',
      '2024-03-05T10:20:30-0800',
      '2024-03-05T10:20:30+01',
    ]) {
      const ms = parseIsoDatetime(text);
      expect(renderIsoDatetime(ms, lastDatetime.layout)).toBe(text);
    }
  });

  it('reads whole columns in other common formats, settling day/month order from the values', () => {
    const dmy = parseDictionaryDates(['03/04/2024', '25/12/2023']);
    expect(dmy.kind === 'dates' && [dmy.format, Array.from(dmy.epochs)]).toEqual([
      'day/month/year',
      [Date.UTC(2024, 3, 3), Date.UTC(2023, 11, 25)],
    ]);
    const mdy = parseDictionaryDates(['03/04/2024', '12/25/2023 4:05 PM']);
    expect(mdy.kind === 'dates' && Array.from(mdy.epochs)).toEqual([
      Date.UTC(2024, 2, 4),
      Date.UTC(2023, 11, 25, 16, 5),
    ]);
    expect(parseDictionaryDates(['03/04/2024', '05/06/2024']).kind).toBe('ambiguous');
    const chosen = parseDictionaryDates(['03/04/2024'], 'mdy');
    expect(chosen.kind === 'dates' && chosen.epochs[0]).toBe(Date.UTC(2024, 2, 4));
    const named = parseDictionaryDates(['5 Jan 2024', '17 March 2023']);
    expect(named.kind === 'dates' && Array.from(named.epochs)).toEqual([
      Date.UTC(2024, 0, 5),
      Date.UTC(2023, 2, 17),
    ]);
    const american = parseDictionaryDates(['Jan 5, 2024', 'December 31, 1999']);
    expect(american.kind === 'dates' && american.epochs[1]).toBe(Date.UTC(1999, 11, 31));
    expect(parseDictionaryDates(['2024-1-5', '2024-12-25']).kind).toBe('dates');
    expect(parseDictionaryDates(['5 Jan 2024', 'soon']).kind).toBe('none');
    expect(parseDictionaryDates(['31/02/2024']).kind).toBe('none');
  });

  it('reads quarters, months and ISO weeks as the day each begins', () => {
    const epochs = (values: string[]) => {
      const parsed = parseDictionaryDates(values);
      return parsed.kind === 'dates' ? [parsed.format, ...Array.from(parsed.epochs)] : parsed.kind;
    };
    const utc = (year: number, month: number, day = 1) => Date.UTC(year, month - 1, day);
    expect(epochs(['1990 Q1', '1990Q4', '1991-q2', 'Q3 1991'])).toEqual([
      'quarter',
      ...[utc(1990, 1), utc(1990, 10), utc(1991, 4), utc(1991, 7)],
    ]);
    expect(epochs(['Jan 1990', 'December 1990', '1991 Feb', 'Sept. 1991'])).toEqual([
      'month-name year',
      ...[utc(1990, 1), utc(1990, 12), utc(1991, 2), utc(1991, 9)],
    ]);
    // A spreadsheet's mmm-yy: two-digit years as POSIX reads them (69–99 in the 1900s).
    expect(epochs(['Dec-99', 'Jan-00', "Feb '20"])).toEqual([
      'month-name year',
      ...[utc(1999, 12), utc(2000, 1), utc(2020, 2)],
    ]);
    expect(epochs(['1990M11', '1990m12', '1991-1', '1991/02'])).toEqual([
      'year/month',
      ...[utc(1990, 11), utc(1990, 12), utc(1991, 1), utc(1991, 2)],
    ]);
    expect(epochs(['11/1990', '12-1990'])).toEqual(['month/year', utc(1990, 11), utc(1990, 12)]);
    // Week 1 holds the year's first Thursday; 2020 has a week 53, 2021 does not.
    expect(epochs(['2020-W01', '2020-W53', '2021W01', '2024-W05-3'])).toEqual([
      'ISO week',
      ...[utc(2019, 12, 30), utc(2020, 12, 28), utc(2021, 1, 4), utc(2024, 1, 31)],
    ]);
    expect(epochs(['2021-W53'])).toBe('none');
    expect(epochs(['1990 Q5'])).toBe('none');
    expect(epochs(['1990M13'])).toBe('none');
    expect(epochs(['Jan 20'])).toBe('none');
    // Codes that merely look like a year and a month are not periods.
    expect(epochs(['1234-5', '1001-3'])).toBe('none');
  });
});

describe('type inference', () => {
  it('tells integers from decimals', () => {
    expect(column(['1', '2', '-3']).type).toBe('integer');
    expect(column(['1', '2.5']).type).toBe('numeric');
    expect(column(['1.0', '2.0']).type).toBe('numeric');
    expect(column(['1e3', '2']).type).toBe('numeric');
  });

  it('reads boolean words, in one consistent pair', () => {
    expect(column(['true', 'False', 'TRUE']).type).toBe('boolean');
    expect(column(['yes', 'no', 'Yes']).values).toEqual([1, 0, 1]);
    expect(column(['Y', 'N']).type).toBe('boolean');
    expect(column(['true', 'no']).type).toBe('categorical');
    expect(column(['F', 'M', 'F']).type).toBe('categorical');
  });

  it('reads 0/1 as boolean only when the name says so', () => {
    expect(column(['0', '1', '1']).type).toBe('integer');
    expect(column(['0', '1', '1'], {}, 'is_active').type).toBe('boolean');
    expect(column(['0', '1'], {}, 'hasGarden').type).toBe('boolean');
    expect(column(['0', '1'], {}, 'spam_flag').type).toBe('boolean');
    expect(column(['0', '2'], {}, 'is_active').type).toBe('integer');
    expect(column(['0', '1'], {}, 'island').type).toBe('integer');
  });

  it('reads a column of quarters or months as datetimes', () => {
    expect(column(['1990 Q1', '', '1990 Q2'])).toMatchObject({
      type: 'datetime',
      values: [Date.UTC(1990, 0, 1), null, Date.UTC(1990, 3, 1)],
    });
    expect(column(['2015M01', '2015M02']).type).toBe('datetime');
    expect(column(['1990 Q1', 'later']).type).toBe('categorical');
  });

  it('reads ISO dates and date-times as datetimes in epoch ms', () => {
    const dates = column(['2024-01-05', '', '2024-02-29']);
    expect(dates).toMatchObject({
      type: 'datetime',
      values: [Date.UTC(2024, 0, 5), null, Date.UTC(2024, 1, 29)],
    });
    expect(column(['2024-01-05T10:00:00Z', '2024-01-05 11:30']).type).toBe('datetime');
  });

  it('tells categories from free text', () => {
    expect(column(['red', 'green', 'red']).type).toBe('categorical');
    const sentence = 'a sentence long enough to be read as free text, not as a category';
    expect(column([sentence, `${sentence}!`]).type).toBe('text');
    const names = Array.from({ length: 200 }, (_, i) => `user_${i}`);
    expect(column(names).type).toBe('categorical');
    const phrases = Array.from({ length: 200 }, (_, i) => `short note ${i} here`);
    expect(column(phrases).type).toBe('text');
  });

  it('honours missing-value tokens, and custom ones', () => {
    expect(column(['1', 'NA', 'N/A', 'null', 'None', '?', '-', 'NaN', ' ', '2']).values).toEqual([
      1,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      2,
    ]);
    expect(column(['1', 'missing', '2'], { missing: ['missing'] }).values).toEqual([1, null, 2]);
    expect(column(['1', 'NA'], { missing: [] }).type).toBe('categorical');
  });

  it('keeps mostly-numeric columns with some text as text, with a warning naming the line', () => {
    const mixed = column(['1.50', '2', '3', 'n/k', '4', '5']);
    expect(mixed.type).toBe('categorical');
    expect(mixed.values).toEqual(['1.50', '2', '3', 'n/k', '4', '5']);
    expect(mixed.warnings).toContainEqual(
      expect.objectContaining({ code: 'mixed-types', line: 5, column: 'v' }),
    );
    expect(column(['a', 'b', '1']).warnings).toEqual([]);
  });

  it('keeps the exact text of dates when a datetime column turns out to be text', () => {
    const mixed = column(['2024-01-05', '2024/01/06', '2024-01-07T10:00:00.123456Z', 'soon']);
    expect(mixed.values).toEqual([
      '2024-01-05',
      '2024/01/06',
      '2024-01-07T10:00:00.123456Z',
      'soon',
    ]);
  });

  it('warns about leading zeros and integers too large to be exact', () => {
    expect(column(['007', '012']).warnings.map((w) => w.code)).toContain('leading-zeros');
    expect(column(['12345678901234567890']).warnings.map((w) => w.code)).toContain(
      'precision-loss',
    );
    expect(column(['007', '012'], { types: { v: 'categorical' } }).values).toEqual(['007', '012']);
  });

  it('warns when a column has no values', () => {
    const empty = column(['', 'NA']);
    expect(empty.type).toBe('numeric');
    expect(empty.warnings.map((w) => w.code)).toEqual(['all-missing']);
  });

  it('converts to a chosen type, or names the line and column that does not fit', () => {
    expect(column(['1', '2'], { types: { v: 'numeric' } }).type).toBe('numeric');
    expect(column(['1', '2'], { types: { v: 'text' } }).values).toEqual(['1', '2']);
    expect(column(['yes', 'off', '0', 'T'], { types: { v: 'boolean' } }).values).toEqual([
      1, 0, 0, 1,
    ]);
    expect(column(['05/01/2024'], { types: { v: 'datetime' }, dateOrder: 'dmy' }).values).toEqual([
      Date.UTC(2024, 0, 5),
    ]);
    for (const [cells, type, line, text] of [
      [['1', '2', 'x'], 'numeric', 4, 'x'],
      [['1', '2.5'], 'integer', 3, '2.5'],
      [['yes', 'maybe'], 'boolean', 3, 'maybe'],
      [['2024-01-01', 'later'], 'datetime', 3, 'later'],
    ] as const) {
      const result = parseCsv(`v\n${cells.join('\n')}\n`, { types: { v: type } });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({ code: 'type-mismatch', line, column: 'v' });
        expect(result.error.message).toContain(`“${text}”`);
      }
    }
    const ambiguous = parseCsv('v\n03/04/2024\n05/06/2024\n', { types: { v: 'datetime' } });
    expect(ambiguous.ok || ambiguous.error.message).toContain('day/month or month/day');
  });
});
