import { describe, expect, it } from 'vitest';
import {
  calendarPeriods,
  parseFrequency,
  frequencyName,
  type Frequency,
} from '../../../../src/core/forecast/frequency';
import {
  buildSeries,
  detectFrequency,
  gridFill,
  localMidnights,
  readTimes,
  regularDateOrder,
} from '../../../../src/core/forecast/series';
import { TimeAxis } from '../../../../src/core/forecast/time-axis';
import { numberColumn, stringColumn, Table } from '../../../../src/core/table';

const iso = (text: string) => Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
const dates = (...texts: string[]) => Float64Array.from(texts, iso);

function table(
  times: readonly (number | string | null)[],
  values: readonly (number | null)[],
  extra = {},
) {
  const timeColumn =
    typeof times[0] === 'string'
      ? stringColumn('when', times as string[])
      : numberColumn('when', times as number[], 'datetime');
  return new Table([
    timeColumn,
    numberColumn('y', values),
    ...Object.entries(extra).map(([name, column]) => stringColumn(name, column as string[])),
  ]);
}

describe('frequency detection', () => {
  it.each([
    [
      'hourly',
      dates('2024-01-01T00:00:00Z', '2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z'),
      'hourly',
    ],
    [
      '15 minutes',
      dates('2024-01-01T00:00:00Z', '2024-01-01T00:15:00Z', '2024-01-01T00:45:00Z'),
      '15 minutes',
    ],
    ['daily', dates('2024-03-01', '2024-03-02', '2024-03-03', '2024-03-05'), 'daily'],
    ['weekly', dates('2024-01-01', '2024-01-08', '2024-01-15'), 'weekly'],
    ['monthly', dates('2024-01-01', '2024-02-01', '2024-03-01', '2024-05-01'), 'monthly'],
    ['month ends', dates('2024-01-31', '2024-02-29', '2024-03-31'), 'monthly'],
    ['quarterly', dates('2023-01-01', '2023-04-01', '2023-07-01', '2023-10-01'), 'quarterly'],
    ['yearly dates', dates('2020-01-01', '2021-01-01', '2022-01-01'), 'yearly'],
    [
      'seconds',
      dates('2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z', '2024-01-01T00:00:02Z'),
      'secondly',
    ],
  ])('%s', (_name, times, expected) => {
    expect(frequencyName(detectFrequency('datetime', [times]))).toBe(expected);
  });

  it('steps over weekends when two weeks or more of days keep to Monday–Friday', () => {
    // 2024-01-01 is a Monday.
    const weekdays = (count: number, from = '2024-01-01') => {
      const out: number[] = [];
      for (let day = iso(from); out.length < count; day += 86_400_000) {
        const weekday = new Date(day).getUTCDay();
        if (weekday !== 0 && weekday !== 6) out.push(day);
      }
      return Float64Array.from(out);
    };
    expect(detectFrequency('datetime', [weekdays(30)])).toEqual({ unit: 'weekday', every: 1 });
    // Holidays missing on a weekday are gaps to fill, not a reason to count weekends.
    const holidays = weekdays(30).filter((_, i) => i !== 7 && i !== 18);
    expect(frequencyName(detectFrequency('datetime', [holidays]))).toBe('weekday');
    // One Saturday, or too few days to tell, and the data are daily.
    const saturday = Float64Array.from([...weekdays(30), iso('2024-02-17')]);
    expect(frequencyName(detectFrequency('datetime', [saturday]))).toBe('daily');
    expect(frequencyName(detectFrequency('datetime', [weekdays(8)]))).toBe('daily');
    expect(calendarPeriods({ unit: 'weekday', every: 1 })).toEqual([5, 261]);
  });

  it('reads plain years as yearly and other numbers as steps', () => {
    expect(detectFrequency('number', [Float64Array.of(1990, 1991, 1992)])).toEqual({
      unit: 'year',
      every: 1,
    });
    expect(detectFrequency('number', [Float64Array.of(0, 5, 10, 15)])).toEqual({
      unit: 'step',
      every: 5,
    });
    // A spacing of measured numbers is named as written.
    expect(
      frequencyName(detectFrequency('number', [Float64Array.of(313.18, 313.27, 313.36)])),
    ).toBe('0.09 steps');
  });

  it('parses frequency names and multiples', () => {
    expect(parseFrequency('daily')).toEqual({ unit: 'day', every: 1 });
    expect(parseFrequency('15min')).toEqual({ unit: 'minute', every: 15 });
    expect(parseFrequency('2 weeks')).toEqual({ unit: 'week', every: 2 });
    expect(parseFrequency('Q')).toEqual({ unit: 'quarter', every: 1 });
    for (const text of ['weekdays', 'business days', 'Business-day', 'B', 'workdays']) {
      expect(parseFrequency(text)).toEqual({ unit: 'weekday', every: 1 });
    }
    expect(() => parseFrequency('fortnightly')).toThrow(/Unknown frequency/);
  });
});

describe('reading times', () => {
  it('reads quarters, month names and compact dates', () => {
    expect(readTimes(stringColumn('t', ['1990 Q1', '1990 Q2'])).values).toEqual(
      dates('1990-01-01', '1990-04-01'),
    );
    expect(readTimes(stringColumn('t', ['Jan 1990', 'Feb 1990'])).values).toEqual(
      dates('1990-01-01', '1990-02-01'),
    );
    // A spreadsheet's mmm-yy, two-digit years read as POSIX does (69–99 in the 1900s).
    expect(readTimes(stringColumn('t', ['Dec-99', 'Jan-00', "Feb '20", 'Mar-68'])).values).toEqual(
      dates('1999-12-01', '2000-01-01', '2020-02-01', '2068-03-01'),
    );
    expect(() => readTimes(stringColumn('t', ['Jan 20', 'Feb 20']))).toThrow(/not a date/);
    expect(readTimes(numberColumn('t', [20240131, 20240201]))).toEqual({
      kind: 'datetime',
      values: dates('2024-01-31', '2024-02-01'),
    });
    expect(readTimes(numberColumn('t', [1, 2, 3])).kind).toBe('number');
  });

  it('reads numbered months and ISO weeks', () => {
    expect(readTimes(stringColumn('t', ['1990/11', '1990/12', '1991.01'])).values).toEqual(
      dates('1990-11-01', '1990-12-01', '1991-01-01'),
    );
    expect(readTimes(stringColumn('t', ['11/1990', '12-1990', '01.1991'])).values).toEqual(
      dates('1990-11-01', '1990-12-01', '1991-01-01'),
    );
    // Week 1 holds the year's first Thursday; 2020 has a week 53, 2021 does not.
    expect(
      readTimes(stringColumn('t', ['2020-W01', '2020-W53', '2021W01', '2024-W05-3'])).values,
    ).toEqual(dates('2019-12-30', '2020-12-28', '2021-01-04', '2024-01-31'));
    expect(() => readTimes(stringColumn('t', ['2021-W53']))).toThrow(/is “2021-W53”/);
    expect(() => readTimes(stringColumn('t', ['1990/13']))).toThrow(/is “1990\/13”/);
  });

  it("reads statistical offices' months: 1990M11, 1990m1, 1990-1 and YYYYMM numbers", () => {
    expect(readTimes(stringColumn('t', ['1990M11', '1990M12', '1991M01'])).values).toEqual(
      dates('1990-11-01', '1990-12-01', '1991-01-01'),
    );
    expect(readTimes(stringColumn('t', ['1990m11', '1990 m12', '1991m1'])).values).toEqual(
      dates('1990-11-01', '1990-12-01', '1991-01-01'),
    );
    expect(readTimes(stringColumn('t', ['1990-11', '1990-12', '1991-1'])).values).toEqual(
      dates('1990-11-01', '1990-12-01', '1991-01-01'),
    );
    expect(() => readTimes(stringColumn('t', ['1990M13']))).toThrow(/is “1990M13”/);
    // 199012 then 199101 are consecutive months, not 89 steps apart.
    expect(readTimes(numberColumn('t', [199011, 199012, 199101]))).toEqual({
      kind: 'datetime',
      values: dates('1990-11-01', '1990-12-01', '1991-01-01'),
    });
    const built = buildSeries(
      new Table([
        numberColumn('month', [199011, 199012, 199101, 199102]),
        numberColumn('y', [1, 2, 3, 4]),
      ]),
      { time: 'month', target: 'y' },
    );
    expect(built.axis.name).toBe('monthly');
    expect(built.warnings).toEqual([]);
    // Six-digit counts outside 1800–2199, or with a "month" of 13 or 00, stay numbers.
    expect(readTimes(numberColumn('t', [100001, 100002])).kind).toBe('number');
    expect(readTimes(numberColumn('t', [199012, 199013])).kind).toBe('number');
    expect(readTimes(numberColumn('t', [199000, 199001])).kind).toBe('number');
  });

  it("reads R's decimal years (1949.0833…) as months, and says so", () => {
    const monthly = [1949, 1949.083, 1949.16666666667, 1949.25, 1949.91666666667, 1950];
    expect(readTimes(numberColumn('time', monthly))).toEqual({
      kind: 'datetime',
      values: dates(
        '1949-01-01',
        '1949-02-01',
        '1949-03-01',
        '1949-04-01',
        '1949-12-01',
        '1950-01-01',
      ),
      decimalYears: true,
    });
    const quarters = buildSeries(
      new Table([
        numberColumn('time', [1960, 1960.25, 1960.5, 1960.75]),
        numberColumn('y', [1, 2, 3, 4]),
      ]),
      { time: 'time', target: 'y' },
    );
    expect(quarters.axis.name).toBe('quarterly');
    expect(quarters.warnings).toEqual([
      "“time” holds decimal years, as R's time() writes them (1949.0833 is February 1949): read as months.",
    ]);
    // Whole years stay years; other fractions, or numbers outside 1700–2199, stay numbers.
    expect(readTimes(numberColumn('t', [1950, 1951])).kind).toBe('number');
    expect(readTimes(numberColumn('t', [1950, 1950.1])).kind).toBe('number');
    expect(readTimes(numberColumn('t', [0.5, 1])).kind).toBe('number');
  });

  it("reads a spreadsheet's serial dates (43831 is 2020-01-01) in a column named like a date", () => {
    expect(readTimes(numberColumn('Date', [43831, 43832, 43833.5]))).toEqual({
      kind: 'datetime',
      values: Float64Array.from([
        Date.UTC(2020, 0, 1),
        Date.UTC(2020, 0, 2),
        Date.UTC(2020, 0, 3, 12),
      ]),
      excel: true,
    });
    const daily = buildSeries(
      new Table([
        numberColumn('order_date', [43831, 43832, null, 43834, 43835]),
        numberColumn('y', [1, 2, null, 4, 5]),
      ]),
      { time: 'order_date', target: 'y' },
    );
    expect(daily.axis.name).toBe('daily');
    expect(daily.warnings).toEqual([
      '“order_date” holds dates as a spreadsheet stores them, days since 1899-12-30 (43831 is 2020-01-01): read as dates.',
      'A row has neither a time nor a value of “y”, and was left out.',
      '1 of 5 daily steps had no value and was filled (interpolate).',
    ]);
    // Times of day to the second: six decimals are 0.03 s off the hour.
    expect(readTimes(numberColumn('date', [45000, 45000.041667, 45000.083333])).values).toEqual(
      Float64Array.from([0, 1, 2], (hour) => Date.UTC(2023, 2, 15, hour)),
    );
    // The name must say dates; and a day of the year, or a date before 1950, is a number.
    expect(readTimes(numberColumn('t', [43831, 43832])).kind).toBe('number');
    for (const name of ['candidate_votes', 'holiday_sales', 'update_count', 'days']) {
      expect(readTimes(numberColumn(name, [43831, 43832])).kind).toBe('number');
    }
    for (const name of ['orderDate', 'DateTime', 'day', 'date_1']) {
      expect(readTimes(numberColumn(name, [43831, 43832])).kind).toBe('datetime');
    }
    expect(readTimes(numberColumn('day', [1, 2, 3])).kind).toBe('number');
    expect(readTimes(numberColumn('date', [18000, 18001])).kind).toBe('number');
    expect(readTimes(numberColumn('date', [43831, 43831])).kind).toBe('number');
  });

  it('reads whole Unix seconds or milliseconds in a column named like a time', () => {
    const hours = [0, 1, 2, 3].map((hour) => 1_700_000_000 + 3600 * hour);
    expect(readTimes(numberColumn('timestamp', hours))).toEqual({
      kind: 'datetime',
      values: Float64Array.from(hours, (second) => second * 1000),
      unix: 'seconds',
    });
    const ms = hours.map((second) => second * 1000);
    expect(readTimes(numberColumn('created_ts', ms))).toMatchObject({ unix: 'milliseconds' });
    // Ten-digit numbers under another name are not times; nor are times before 2000.
    expect(readTimes(numberColumn('order_id', hours)).kind).toBe('number');
    expect(readTimes(numberColumn('epoch', [899_000_000, 899_003_600])).kind).toBe('number');
    expect(readTimes(numberColumn('time', [...hours.slice(1), 1.7e9 + 0.5])).kind).toBe('number');

    const built = buildSeries(
      new Table([numberColumn('ts', hours), numberColumn('y', [1, 2, 3, 4])]),
      { time: 'ts', target: 'y' },
    );
    expect(frequencyName(built.axis.frequency)).toBe('hourly');
    expect(built.axis.format(built.series[0]!.times[0]!)).toBe('2023-11-14T22:13:20Z');
    expect(built.warnings).toContain('“ts” holds Unix seconds: read as UTC date-times.');
  });

  it('names the row of an unreadable or missing time', () => {
    expect(() => readTimes(stringColumn('t', ['2024-01-01', 'soon', '2024-01-03']))).toThrow(
      /Row 2 of “t” is “soon”/,
    );
    expect(() => readTimes(numberColumn('t', [1, null, 3]))).toThrow(/Row 2 has no time in “t”/);
    expect(() => readTimes(stringColumn('t', ['2024-01-01', null, '2024-01-03']))).toThrow(
      /Row 2 has no time in “t”/,
    );
  });

  it('leaves rows with neither a time nor a value out, and says so', () => {
    const t = table(['2024-01-01', '2024-01-02', null, '2024-01-03', null], [1, 2, null, 3, null], {
      store: ['a', 'a', null, 'a', null],
    });
    for (const series of [undefined, ['store']]) {
      const built = buildSeries(t, { time: 'when', target: 'y', ...(series ? { series } : {}) });
      expect(built.series.map((s) => Array.from(s.values))).toEqual([[1, 2, 3]]);
      expect(built.warnings).toEqual([
        '2 rows have neither a time nor a value of “y”, and were left out.',
      ]);
    }
    const numbers = new Table([numberColumn('t', [5, null, 6]), numberColumn('y', [1, null, 2])]);
    expect(buildSeries(numbers, { time: 't', target: 'y' }).warnings).toEqual([
      'A row has neither a time nor a value of “y”, and was left out.',
    ]);
    // A value without a time is an error that names its row.
    const valued = table(['2024-01-01', '2024-01-02', null], [1, 2, 3]);
    expect(() => buildSeries(valued, { time: 'when', target: 'y' })).toThrow(
      'Row 3 has no time in “when”.',
    );
  });
});

describe('building regular series', () => {
  const days = dates('2024-01-01', '2024-01-02', '2024-01-04', '2024-01-05');

  it('fills missing steps by interpolation, forward fill or zeros', () => {
    const t = table(Array.from(days), [10, 20, 40, null]);
    const interpolated = buildSeries(t, { time: 'when', target: 'y' });
    // The last row has no value, so the series ends at the last observed one.
    expect(Array.from(interpolated.series[0]!.values)).toEqual([10, 20, 30, 40]);
    expect(interpolated.series[0]!.filled).toBe(1);
    expect(interpolated.warnings[0]).toMatch(/1 of 4 daily steps had no value/);
    expect(interpolated.warnings[1]).toBe(
      'The row after 2024-01-04 has no “y”: the series ends there, and the forecast starts after it.',
    );
    expect(
      Array.from(buildSeries(t, { time: 'when', target: 'y', fill: 'ffill' }).series[0]!.values),
    ).toEqual([10, 20, 20, 40]);
    expect(
      Array.from(buildSeries(t, { time: 'when', target: 'y', fill: 'zero' }).series[0]!.values),
    ).toEqual([10, 20, 0, 40]);
    expect(interpolated.series[0]!.times).toEqual(
      dates('2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'),
    );
  });

  it('says where rows without a target before or after a series leave it out', () => {
    const t = table(
      Array.from(dates('2024-01-05', '2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04')),
      [null, null, 20, 30, null],
    );
    const built = buildSeries(t, { time: 'when', target: 'y' });
    expect(built.series[0]!.times).toEqual(dates('2024-01-02', '2024-01-03'));
    expect(built.warnings).toEqual([
      'The row before 2024-01-02 has no “y”: the series starts there.',
      'The 2 rows after 2024-01-03 have no “y”: the series ends there, and the forecast starts after it.',
    ]);
  });

  it('sums or averages rows into calendar months', () => {
    const t = table(
      Array.from(dates('2024-01-03', '2024-01-20', '2024-02-11', '2024-04-02', '2024-04-09')),
      [1, 2, 5, 7, 9],
    );
    const options = { time: 'when', target: 'y', frequency: { unit: 'month', every: 1 } } as const;
    const sum = buildSeries(t, { ...options, aggregate: 'sum' });
    expect(Array.from(sum.series[0]!.values)).toEqual([3, 5, 0, 16]);
    expect(sum.series[0]!.times).toEqual(
      dates('2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01'),
    );
    const mean = buildSeries(t, { ...options, aggregate: 'mean' });
    expect(Array.from(mean.series[0]!.values)).toEqual([1.5, 5, 6.5, 8]);
  });

  it('refuses rows sharing a step unless told how to combine them', () => {
    const t = table(Array.from(dates('2024-01-01', '2024-01-02', '2024-01-02')), [1, 2, 3]);
    expect(() => buildSeries(t, { time: 'when', target: 'y' })).toThrow(
      /Rows 2 and 3 both fall on 2024-01-02 in “when” \(daily\)/,
    );
    expect(() => buildSeries(t, { time: 'when', target: 'y' })).not.toThrow(/daylight saving/);
  });

  it('says when two local hours on one step may be the hour daylight saving time repeats', () => {
    // Hourly local times around the end of summer time in Berlin: 02:00 comes twice.
    const hours = ['00', '01', '02', '02', '03', '04'];
    const local = table(
      Array.from(dates(...hours.map((h) => `2021-10-31T${h}:00:00Z`))),
      [1, 2, 3, 4, 5, 6],
    );
    expect(() => buildSeries(local, { time: 'when', target: 'y' })).toThrow(
      /Rows 3 and 4 both fall on 2021-10-31T02:00:00Z in “when” \(hourly\)\. That is where clocks go back when daylight saving time ends/,
    );
    // The same hours on a Wednesday are duplicates, nothing more.
    const midweek = table(
      Array.from(dates(...hours.map((h) => `2021-10-27T${h}:00:00Z`))),
      [1, 2, 3, 4, 5, 6],
    );
    expect(() => buildSeries(midweek, { time: 'when', target: 'y' })).toThrow(
      /both fall on 2021-10-27T02:00:00Z in “when” \(hourly\)\. Remove the duplicates/,
    );
  });

  it('refuses times off the grid and a frequency far too fine', () => {
    const t = table(
      Array.from(dates('2024-01-01', '2024-01-02', '2024-01-03T12:00:00Z')),
      [1, 2, 3],
    );
    expect(() =>
      buildSeries(t, { time: 'when', target: 'y', frequency: { unit: 'day', every: 1 } }),
    ).toThrow(/Row 3: the time 2024-01-03T12:00:00Z in “when” is not on the daily grid/);
    const sparse = table(Array.from(dates('2020-01-01', '2024-01-01')), [1, 2]);
    expect(() =>
      buildSeries(sparse, { time: 'when', target: 'y', frequency: { unit: 'hour', every: 1 } }),
    ).toThrow(/almost all would be filled in/);
  });

  it('names a missing column and a non-numeric target', () => {
    const t = table(Array.from(days), [1, 2, 3, 4], { label: ['a', 'b', 'c', 'd'] });
    expect(() => buildSeries(t, { time: 'date', target: 'y' })).toThrow(/no column “date”/);
    expect(() => buildSeries(t, { time: 'when', target: 'label' })).toThrow(/must hold numbers/);
  });

  it('splits by series columns and keeps month ends on month ends', () => {
    const times = dates('2024-01-31', '2024-02-29', '2024-03-31', '2024-01-31', '2024-02-29');
    const t = table(Array.from(times), [1, 2, 3, 10, 20], { store: ['a', 'a', 'a', 'b', 'b'] });
    const { axis, series } = buildSeries(t, { time: 'when', target: 'y', series: ['store'] });
    expect(series.map((s) => s.id)).toEqual(['a', 'b']);
    expect(Array.from(series[1]!.values)).toEqual([10, 20]);
    expect(axis.timeAt(4)).toBe(iso('2024-05-31'));
    expect(axis.format(axis.timeAt(5))).toBe('2024-06-30');
  });

  it('puts weekday data on a Monday–Friday grid, refusing or bucketing a weekend row', () => {
    // Fri 5, Mon 8, Tue 9, Thu 11 January 2024: Wednesday is missing.
    const t = table(
      Array.from(dates('2024-01-05', '2024-01-08', '2024-01-09', '2024-01-11')),
      [1, 2, 3, 5],
    );
    const weekdays = {
      time: 'when',
      target: 'y',
      frequency: { unit: 'weekday', every: 1 },
    } as const;
    const { axis, series, warnings } = buildSeries(t, weekdays);
    expect(axis.name).toBe('weekday');
    expect(Array.from(series[0]!.values)).toEqual([1, 2, 3, 4, 5]);
    expect(series[0]!.times).toEqual(
      dates('2024-01-05', '2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11'),
    );
    expect(warnings).toEqual(['1 of 5 weekday steps had no value and was filled (interpolate).']);
    // The forecast's steps: Friday, then the Monday after.
    expect(axis.format(axis.timeAt(5))).toBe('2024-01-12');
    expect(axis.format(axis.timeAt(6))).toBe('2024-01-15');
    expect(axis.format(axis.timeAt(-1))).toBe('2024-01-04');
    expect(axis.format(axis.timeAt(-2))).toBe('2024-01-03');

    const withSaturday = table(
      Array.from(dates('2024-01-05', '2024-01-06', '2024-01-08')),
      [1, 2, 3],
    );
    expect(() => buildSeries(withSaturday, weekdays)).toThrow(
      /Row 2: the time 2024-01-06 in “when” is not on the weekday grid/,
    );
    // Bucketed, a Saturday's and a Sunday's rows count with the Friday before.
    const sums = buildSeries(
      table(
        Array.from(dates('2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08')),
        [1, 2, 4, 8],
      ),
      { ...weekdays, aggregate: 'sum' },
    );
    expect(Array.from(sums.series[0]!.values)).toEqual([7, 8]);
  });

  it('reads local midnights written with their UTC offsets as the dates they start', () => {
    // Berlin's clocks go forward on 31 March 2024: its midnights move from 23:00 to 22:00 UTC.
    const local = ['28', '29', '30', '31'].map((day) => `2024-03-${day}T00:00:00+01:00`);
    const summer = ['01', '02'].map((day) => `2024-04-${day}T00:00:00+02:00`);
    const daily = buildSeries(table([...local, ...summer], [1, 2, 3, 4, 5, 6]), {
      time: 'when',
      target: 'y',
    });
    expect(daily.axis.frequency).toEqual({ unit: 'day', every: 1 });
    expect(daily.series[0]!.times).toEqual(
      dates('2024-03-28', '2024-03-29', '2024-03-30', '2024-03-31', '2024-04-01', '2024-04-02'),
    );
    expect(Array.from(daily.series[0]!.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(daily.axis.format(daily.axis.timeAt(6))).toBe('2024-04-03');
    expect(daily.warnings).toEqual([
      "“when” holds local midnights written in UTC (at 22:00 and 23:00 UTC, as a time zone's offset and daylight saving time leave them): read as the dates they start.",
    ]);

    // Three weeks of business days at midnight in UTC+2: Sunday to Thursday at 22:00 UTC.
    const days = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19];
    const written = days.map((day) => iso(`2024-01-${String(day).padStart(2, '0')}`) - 7_200_000);
    const business = buildSeries(
      table(
        written,
        days.map((day) => day),
      ),
      { time: 'when', target: 'y' },
    );
    expect(business.axis.name).toBe('weekday');
    expect(business.series[0]!.times[0]).toBe(iso('2024-01-01'));
    expect(business.axis.format(business.axis.timeAt(15))).toBe('2024-01-22');
    expect(business.warnings[0]).toMatch(/at 22:00 UTC, as a time zone's offset leaves them/);

    // Tokyo's month starts, at 15:00 UTC on the last day of the month before.
    const months = ['2023-12-31', '2024-01-31', '2024-02-29', '2024-03-31'].map(
      (day) => `${day}T15:00:00Z`,
    );
    const monthly = buildSeries(table(months, [1, 2, 3, 4]), { time: 'when', target: 'y' });
    expect(monthly.axis.frequency).toEqual({ unit: 'month', every: 1 });
    expect(monthly.axis.format(monthly.axis.timeAt(4))).toBe('2024-05-01');
  });

  it('leaves times of day that are not local midnights as they are', () => {
    const at = (clock: string, days: readonly number[]) =>
      Float64Array.from(days, (day) => iso(`2024-01-${String(day).padStart(2, '0')}T${clock}Z`));
    const weekdays = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16];
    // Closing prices at 21:00 UTC, Monday to Friday: weekdays as written.
    expect(localMidnights([at('21:00:00', weekdays)])).toBeNull();
    const closes = buildSeries(table(Array.from(at('21:00:00', weekdays)), weekdays), {
      time: 'when',
      target: 'y',
    });
    expect(closes.axis.name).toBe('weekday');
    expect(closes.series[0]!.times[0]).toBe(iso('2024-01-01T21:00:00Z'));
    const everyDay = Array.from({ length: 20 }, (_, i) => i + 1);
    // A daily reading at 09:00 or 21:00, weekends included; one at noon.
    expect(localMidnights([at('09:00:00', everyDay)])).toBeNull();
    expect(localMidnights([at('21:00:00', everyDay)])).toBeNull();
    expect(localMidnights([at('12:00:00', weekdays)])).toBeNull();
    // Times of day that are no time zone's offset, or more than two of them.
    expect(localMidnights([at('22:10:00', weekdays)])).toBeNull();
    const mixed = Float64Array.from([
      ...at('22:00:00', [1, 2]),
      ...at('23:00:00', [3, 4]),
      ...at('21:00:00', [5, 6]),
    ]);
    expect(localMidnights([mixed])).toBeNull();
    // Hours, and two times on one date.
    const hours = Float64Array.from(
      { length: 48 },
      (_, i) => iso('2024-01-01T22:00:00Z') + i * 3_600_000,
    );
    expect(localMidnights([hours])).toBeNull();
    const sameDate = Float64Array.from([iso('2024-01-01T22:00:00Z'), iso('2024-01-01T23:00:00Z')]);
    expect(localMidnights([sameDate])).toBeNull();
    // Midnights in UTC already.
    expect(localMidnights([at('00:00:00', weekdays)])).toBeNull();
  });

  it('leaves out a series without any value, and says so, unless no series has one', () => {
    const times = dates('2024-01-01', '2024-01-02', '2024-01-03', '2024-01-01', '2024-01-02');
    const t = table(Array.from(times), [1, 2, 3, null, null], { store: ['a', 'a', 'a', 'b', 'b'] });
    const { series, warnings } = buildSeries(t, { time: 'when', target: 'y', series: ['store'] });
    expect(series.map((s) => s.id)).toEqual(['a']);
    expect(warnings).toEqual(['Series “b” has no value of “y”, so it is not forecast.']);
    const none = table(Array.from(times), [null, null, null, null, null], {
      store: ['a', 'a', 'a', 'b', 'b'],
    });
    expect(() => buildSeries(none, { time: 'when', target: 'y', series: ['store'] })).toThrow(
      'Every value of “y” is missing, in every series.',
    );
  });

  it('reads years as numbers and keeps them numbers', () => {
    const t = new Table([numberColumn('year', [2001, 2002, 2004]), numberColumn('y', [1, 2, 4])]);
    const { axis, series } = buildSeries(t, { time: 'year', target: 'y' });
    expect(axis.name).toBe('yearly');
    expect(Array.from(series[0]!.values)).toEqual([1, 2, 3, 4]);
    expect(axis.format(axis.timeAt(4))).toBe(2005);
  });
});

describe('time axis', () => {
  it('counts its steps by name', () => {
    const axis = (unit: Frequency['unit'], every: number) =>
      new TimeAxis(unit === 'step' ? 'number' : 'datetime', { unit, every }, 0);
    expect(axis('day', 1).steps(1)).toBe('1 daily step');
    expect(axis('month', 1).steps(1200)).toBe('1,200 monthly steps');
    expect(axis('step', 1).steps(616)).toBe('616 steps');
    expect(axis('step', 5).steps(3)).toBe('3 steps of 5');
    expect(axis('minute', 15).steps(2)).toBe('2 steps of 15 minutes');
  });

  it('formats daily and coarser dates as YYYY-MM-DD and finer ones as ISO date-times', () => {
    const daily = new TimeAxis('datetime', { unit: 'day', every: 1 }, iso('2024-01-01'));
    expect(daily.format(daily.timeAt(31))).toBe('2024-02-01');
    const hourly = new TimeAxis('datetime', { unit: 'hour', every: 1 }, iso('2024-01-01'));
    expect(hourly.format(hourly.timeAt(25))).toBe('2024-01-02T01:00:00Z');
  });

  it('steps over weekends on a weekday grid, at the time of day of its data', () => {
    const axis = new TimeAxis(
      'datetime',
      { unit: 'weekday', every: 1 },
      iso('2024-03-01T09:30:00Z'),
    );
    expect(axis.hasTimeOfDay).toBe(false);
    expect([0, 1, 2, 5, 6].map((step) => new Date(axis.timeAt(step)).toISOString())).toEqual([
      '2024-03-01T09:30:00.000Z',
      '2024-03-04T09:30:00.000Z',
      '2024-03-05T09:30:00.000Z',
      '2024-03-08T09:30:00.000Z',
      '2024-03-11T09:30:00.000Z',
    ]);
    for (let step = -12; step <= 12; step++) expect(axis.position(axis.timeAt(step))).toBe(step);
    // Saturday lies between Friday and Monday.
    expect(axis.position(iso('2024-03-02T09:30:00Z'))).toBe(0.5);
    const copy = TimeAxis.fromJSON(JSON.parse(JSON.stringify(axis.toJSON())));
    expect(copy.timeAt(6)).toBe(axis.timeAt(6));
  });

  it('round-trips through JSON', () => {
    const axis = new TimeAxis('datetime', { unit: 'month', every: 3 }, iso('2023-01-31'), 'end');
    const copy = TimeAxis.fromJSON(JSON.parse(JSON.stringify(axis.toJSON())));
    expect(copy.timeAt(1)).toBe(iso('2023-04-30'));
    expect(() => TimeAxis.fromJSON({ kind: 'datetime' })).toThrow(/malformed/);
  });
});

describe('regularDateOrder', () => {
  const monthly = Array.from(
    { length: 24 },
    (_, i) => `${(i % 12) + 1}/1/${2020 + Math.floor(i / 12)}`,
  );

  it('reads dates the way that puts them on a regular calendar grid', () => {
    expect(regularDateOrder(monthly)).toBe('mdy');
    expect(regularDateOrder(monthly.map((text) => text.replace(/^(\d+)\/(\d+)/, '$2/$1')))).toBe(
      'dmy',
    );
  });

  it('gives no order when both are as regular', () => {
    expect(regularDateOrder(['1/2/2020', '2/2/2020', '3/2/2020'])).toBeNull();
  });

  it('measures how much of the grid the times fill', () => {
    const day = 86_400_000;
    expect(gridFill(Float64Array.from([0, day, 2 * day, 3 * day]))).toBe(1);
    expect(gridFill(Float64Array.from([0, day, 2 * day, 40 * day]))).toBeCloseTo(4 / 41);
  });
});
