import { describe, expect, it } from 'vitest';
import { boxCox, boxCoxLambda, boxCoxValue, invBoxCox } from '../../../../src/core/forecast/boxcox';
import { fixture } from '../../../fixtures/forecast/ets-arima';

describe('Box–Cox as R forecast computes it', () => {
  for (const series of fixture.series) {
    it(`chooses Guerrero's lambda ${series.boxcoxLambda.toFixed(4)} for ${series.name}`, () => {
      // optimize() stops within its tolerance of 1.2e-4; the same iterations land on the same value.
      expect(boxCoxLambda(series.values, series.period)).toBeCloseTo(series.boxcoxLambda, 7);
    });
  }

  it('transforms with the signed power and the logarithm', () => {
    // BoxCox(c(0.5, 2, 10), -0.4)
    expect(Array.from(boxCox([0.5, 2, 10], -0.4))).toEqual([
      expect.closeTo(-0.798769776932235, 12),
      expect.closeTo(0.605354291862003, 12),
      expect.closeTo(1.50473207361626, 12),
    ]);
    expect(boxCoxValue(Math.E, 0)).toBeCloseTo(1, 15);
    expect(boxCoxValue(-4, 0.5)).toBeCloseTo((-2 - 1) / 0.5, 15);
    expect(boxCoxValue(-4, -0.5)).toBeNaN();
  });

  it('inverts, with R’s bias adjustment', () => {
    for (const lambda of [-0.9, -0.3, 0, 0.25, 1, 1.7]) {
      for (const value of [0.2, 1, 3.5, 40]) {
        expect(invBoxCox(boxCoxValue(value, lambda), lambda)).toBeCloseTo(value, 10);
      }
    }
    // InvBoxCox(c(2.5, 3.1), 0.3, biasadj = TRUE, fvar = c(0.04, 0.09)) and with lambda 0.
    expect(invBoxCox(2.5, 0.3, 0.04)).toBeCloseTo(6.48795234126821, 12);
    expect(invBoxCox(3.1, 0.3, 0.09)).toBeCloseTo(9.0264069713497, 12);
    expect(invBoxCox(5.1, 0, 0.02)).toBeCloseTo(165.662126372901, 10);
    // Beyond the range of the transform for negative lambda.
    expect(invBoxCox(3, -0.5)).toBeNaN();
  });

  it('returns 1 for series of two seasons or less, and keeps lambda ≥ 0 for non-positive data', () => {
    expect(boxCoxLambda([1, 5, 2, 8, 3, 9, 4, 10], 4)).toBe(1);
    const withZero = fixture.series[0]!.values.map((v, i) => (i === 5 ? 0 : v));
    expect(boxCoxLambda(withZero, 12)).toBeGreaterThanOrEqual(0);
  });
});
