import { describe, expect, it } from 'vitest';
import { tfjsLoaded } from '../../../../src/core/backend/tfjs';
import { lagreg, lagRidgeNeedsTfjs } from '../../../../src/core/forecast/lagreg';
import { seasonalSeries } from './helpers';

describe('ridge regression on lags without tfjs', () => {
  it('solves exactly, never loading tfjs, unless the series is very long', async () => {
    expect(lagRidgeNeedsTfjs(120)).toBe(false);
    expect(lagRidgeNeedsTfjs(50_000, 3)).toBe(false);
    expect(lagRidgeNeedsTfjs(500_000)).toBe(true);

    const y = seasonalSeries(120, 5);
    const fitted = await lagreg.fit(
      y.slice(0, 108),
      { period: 12, seed: 3 },
      { learner: 'linear', strategy: 'recursive', horizon: 12 },
    );
    const { mean } = fitted.forecast(12);
    expect(mean.every(Number.isFinite)).toBe(true);
    expect(tfjsLoaded()).toBe(false);
  });
});
