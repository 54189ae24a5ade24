import { describe, expect, it } from 'vitest';
import { axisScale } from '../../../src/ui/data/charts';
import {
  axisTime,
  formatDuration,
  roundedTime,
  formatNumber,
  holdsDates,
  formatScore,
  formatTicks,
  tickTexts,
} from '../../../src/ui/data/format';

describe('numbers on the page', () => {
  it('shows scores and seconds to four significant digits', () => {
    expect(formatScore(0.811238)).toBe('0.8112');
    expect(formatScore(600.5312)).toBe('600.5');
    expect(formatScore(12_345.6)).toBe('12,350');
    expect(formatScore(0)).toBe('0');
    expect(formatScore(0.00001234)).toBe('1.23e-5');
    expect(formatScore(Infinity)).toBe('∞');
    expect(formatScore(NaN)).toBe('—');
    expect(formatScore(null)).toBe('—');
  });

  it('shows a spread of dates in its largest unit, to four digits', () => {
    expect(formatDuration(421.8987 * 86_400_000)).toBe('421.9 days');
    expect(formatDuration(5_400_000)).toBe('1.5 h');
    expect(formatDuration(-90_000)).toBe('-1.5 min');
    expect(formatDuration(12.25)).toBe('12.25 ms');
    expect(formatDuration(null)).toBe('—');
  });

  it('shows the mean of dates as a date, and of times to the second', () => {
    const day = 86_400_000;
    const weekly = [Date.UTC(2022, 0, 3), Date.UTC(2023, 11, 25), Date.UTC(2023, 5, 5)];
    expect(holdsDates(weekly)).toBe(true);
    // The mean of 104 weekly dates, 2023-01-10T10:11:45.660Z: nearer the 10th than the 11th.
    expect(roundedTime(Date.parse('2023-01-10T10:11:45.660Z'), true)).toBe('2023-01-10');
    expect(roundedTime(Date.parse('2023-01-10T13:00:00Z'), true)).toBe('2023-01-11');
    expect(holdsDates([...weekly, Date.UTC(2023, 0, 1, 9, 30)])).toBe(false);
    expect(roundedTime(Date.parse('2023-01-10T10:11:45.660Z'), false)).toBe('2023-01-10T10:11:46Z');
    expect(roundedTime(20 * day, false)).toBe('1970-01-21');
  });

  it('ends a small time axis in dates, or in times of day when it spans less than a day', () => {
    const day = 86_400_000;
    expect(axisTime(Date.parse('2024-01-09T07:00:03Z'), 8 * day)).toBe('2024-01-09');
    expect(axisTime(Date.parse('2024-01-09T07:30:03Z'), day - 1)).toBe('07:30');
    expect(axisTime(Number.NaN, day)).toBe('NaN');
  });

  it('shows data values to six', () => {
    expect(formatNumber(0.811238)).toBe('0.811238');
    expect(formatNumber(2e9)).toBe('2.000e+9');
  });

  it('labels axis ticks briefly, with the fewest digits that keep them apart', () => {
    expect(formatTicks([100_000, 150_000, 200_000])).toEqual(['100K', '150K', '200K']);
    expect(formatTicks([1_200_000, 1_250_000, 1_300_000])).toEqual(['1.2M', '1.25M', '1.3M']);
    expect(formatTicks([9e-8, 9.5e-8, 1e-7, 1.05e-7])).toEqual([
      '9e-8',
      '9.5e-8',
      '1e-7',
      '1.05e-7',
    ]);
    expect(formatTicks([0, 2e-9, 4e-9])).toEqual(['0', '2e-9', '4e-9']);
    expect(formatTicks([0, 50, 100])).toEqual(['0', '50', '100']);
    expect(formatTicks([-1e6, 0, 1e6])).toEqual(['-1M', '0', '1M']);
    expect(formatTicks([1.1e12, 1.15e12])).toEqual(['1.1T', '1.15T']);
  });

  it('labels every chart axis the same way', () => {
    expect(tickTexts([0, 5e8, 1e9])).toEqual([
      { tick: 0, text: '0' },
      { tick: 5e8, text: '500M' },
      { tick: 1e9, text: '1B' },
    ]);
    // The data area's histograms, scatter and time plots.
    const counts = axisScale(null, [0, 2e9], [0, 100]);
    expect(counts.ticks.map((tick) => tick.label)).toEqual(['0', '500M', '1B', '1.5B', '2B']);
    const tiny = axisScale(null, [0, 4e-6], [0, 100]);
    expect(tiny.ticks.map((tick) => tick.label)).toContain('2e-6');
  });
});
