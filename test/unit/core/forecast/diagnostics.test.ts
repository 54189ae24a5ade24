import { describe, expect, it } from 'vitest';
import { calendarFeatures } from '../../../../src/core/forecast/calendar';
import { residualDiagnostics } from '../../../../src/core/forecast/diagnostics';
import {
  chiSquareSurvival,
  normalQuantile,
  studentQuantile,
} from '../../../../src/core/forecast/stats';
import { TimeAxis } from '../../../../src/core/forecast/time-axis';
import { rSeries } from './helpers';

describe('residual diagnostics', () => {
  it("match R's acf and Box.test(type = 'Ljung-Box')", () => {
    const x = rSeries('AirPassengers').x.map(Math.log);
    const residuals = Float64Array.from(x.slice(1), (value, t) => value - x[t]!);
    // max(2m, 10) lags with m = 5, and n/5 ≥ 10.
    const result = residualDiagnostics(residuals, 5);
    const expected = [
      0.199751336724, -0.120104332861, -0.150772037485, -0.322074317148, -0.083974529312,
      0.025778428496, -0.110960745101, -0.336721455609, -0.115586307092, -0.109267035459,
    ];
    expect(result.acf).toHaveLength(10);
    result.acf.forEach((value, k) => expect(value).toBeCloseTo(expected[k]!, 10));
    expect(result.ljungBox.statistic).toBeCloseTo(51.168921810564, 8);
    expect(result.ljungBox.pValue).toBeCloseTo(1.62545e-7, 11);
    expect(result.bound).toBeCloseTo(1.96 / Math.sqrt(143), 12);
  });

  it('skips the residuals a model could not fit', () => {
    const residuals = Float64Array.from({ length: 60 }, (_, t) => (t < 10 ? NaN : Math.sin(t)));
    // 50 residuals left: min(max(2, 10), 50/5) = 10 lags.
    expect(residualDiagnostics(residuals, 1).acf).toHaveLength(10);
  });
});

describe('distribution helpers', () => {
  it("agree with R's qnorm, qt and pchisq", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.1)).toBeCloseTo(-1.2815515655446004, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(studentQuantile(0.9, 5)).toBeCloseTo(1.47588404882448, 10);
    expect(chiSquareSurvival(3.7, 4)).toBeCloseTo(0.448125923993839, 12);
  });
});

describe('calendar features', () => {
  it('describe the hour of day and day of week of hourly data', () => {
    const axis = new TimeAxis('datetime', { unit: 'hour', every: 1 }, Date.UTC(2024, 0, 1));
    // 2024-01-01 was a Monday: the start of the week cycle; 06:00 is a quarter of the day.
    const { names, x } = calendarFeatures(axis, [Date.UTC(2024, 0, 1, 6)]);
    expect(names).toEqual([
      'hour_of_day_sin',
      'hour_of_day_cos',
      'day_of_week_sin',
      'day_of_week_cos',
    ]);
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(0, 12);
    expect(x[2]).toBeCloseTo(0, 12);
    expect(x[3]).toBeCloseTo(1, 12);
  });

  it('give monthly data the month of year and plain steps nothing', () => {
    const monthly = new TimeAxis('datetime', { unit: 'month', every: 1 }, Date.UTC(2024, 0, 1));
    expect(calendarFeatures(monthly, [Date.UTC(2024, 3, 1)]).names).toEqual([
      'month_of_year_sin',
      'month_of_year_cos',
    ]);
    const steps = new TimeAxis('number', { unit: 'step', every: 1 }, 0);
    expect(calendarFeatures(steps, [1, 2]).names).toEqual([]);
  });
});
