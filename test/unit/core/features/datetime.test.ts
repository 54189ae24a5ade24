import { describe, expect, it } from 'vitest';
import {
  FittedDatetime,
  datetimeResolution,
  fitDatetime,
  type DatetimePart,
} from '../../../../src/core/features';
import { numberColumn, stringColumn } from '../../../../src/core/table';
import { expectClose, fixture, matrixColumn } from './fixture';

const DAY = 86_400_000;
const utc = (text: string) => Date.parse(`${text}Z`);

describe('date parts', () => {
  it('agrees with pandas on calendar parts from 1890 to 2110, before 1970 included', () => {
    const reference = fixture.datetime;
    const parts = ['year', 'month', 'day', 'dayOfWeek', 'dayOfYear', 'hour', 'minute'] as const;
    const encoder = fitDatetime(numberColumn('t', reference.ms, 'datetime'), { parts });
    const out = encoder.transform(numberColumn('t', reference.ms, 'datetime'));
    parts.forEach((part, j) => expectClose(matrixColumn(out, j), reference[part], 0, part));
  });

  it('chooses parts by resolution: no hours for dates, minutes only when used', () => {
    const dates = numberColumn(
      'd',
      [utc('2024-01-01T00:00:00'), utc('2024-03-09T00:00:00')],
      'datetime',
    );
    const hours = numberColumn(
      'h',
      [utc('2024-01-01T00:00:00'), utc('2024-01-01T05:00:00')],
      'datetime',
    );
    const minutes = numberColumn(
      'm',
      [utc('2024-01-01T00:00:00'), utc('2024-01-01T05:30:00')],
      'datetime',
    );
    expect(datetimeResolution(dates.values)).toBe('day');
    expect(datetimeResolution(hours.values)).toBe('hour');
    expect(datetimeResolution(minutes.values)).toBe('minute');
    const dateNames = fitDatetime(dates).outputNames;
    expect(dateNames).toContain('d_month_sin');
    expect(dateNames.some((name) => name.includes('hour'))).toBe(false);
    expect(fitDatetime(hours).outputNames).toContain('h_hour_cos');
    expect(fitDatetime(hours).outputNames).not.toContain('h_minute');
    expect(fitDatetime(minutes).outputNames).toContain('m_minute');
  });

  it('puts cyclical neighbours together and flags weekends', () => {
    const encoder = fitDatetime(numberColumn('t', [0], 'datetime'), {
      parts: ['dayOfWeek', 'isWeekend', 'month_sin', 'month_cos', 'hour_sin', 'hour_cos'],
    });
    const saturday = utc('2024-06-01T00:00:00');
    const out = encoder.transform(
      numberColumn('t', [saturday, saturday + 2 * DAY, NaN], 'datetime'),
    );
    expectClose(out.data.subarray(0, 6), [
      5,
      1,
      Math.sin(Math.PI * (5 / 6)),
      Math.cos(Math.PI * (5 / 6)),
      0,
      1,
    ]);
    expectClose(out.data.subarray(6, 8), [0, 0]);
    expect(Array.from(out.data.subarray(12))).toEqual(new Array(6).fill(NaN));
  });

  it('round-trips through JSON and refuses strings and unknown parts', () => {
    const encoder = fitDatetime(numberColumn('t', [utc('2020-02-29T10:15:00')], 'datetime'));
    const copy = FittedDatetime.fromJSON(JSON.parse(JSON.stringify(encoder.toJSON())));
    expect(copy.outputNames).toEqual(encoder.outputNames);
    const column = numberColumn('t', [utc('1999-12-31T23:59:00'), NaN], 'datetime');
    expect(copy.transform(column)).toEqual(encoder.transform(column));
    expect(() => fitDatetime(stringColumn('t', ['2020']))).toThrow('Date parts needs numbers');
    expect(() => fitDatetime(column, { parts: ['week' as DatetimePart] })).toThrow(
      'Unknown date part',
    );
  });
});
