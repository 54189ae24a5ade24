import { describe, expect, it } from 'vitest';
import { backtest, planFolds } from '../../../../src/core/forecast/backtest';

describe('rolling-origin folds', () => {
  it('ends the last fold at the last value and steps back by `step`', () => {
    expect(planFolds(100, { horizon: 12, folds: 3, step: 6, minTrain: 20 })).toEqual([
      { origin: 76, horizon: 12 },
      { origin: 82, horizon: 12 },
      { origin: 88, horizon: 12 },
    ]);
    // Eight cut-offs by default, a quarter of the horizon apart.
    expect(planFolds(100, { horizon: 10, minTrain: 20 }).map((fold) => fold.origin)).toEqual([
      69, 72, 75, 78, 81, 84, 87, 90,
    ]);
  });

  it('drops folds that would train on too little, and shrinks the horizon as a last resort', () => {
    expect(planFolds(40, { horizon: 12, folds: 3, step: 12, minTrain: 20 })).toEqual([
      { origin: 28, horizon: 12 },
    ]);
    expect(planFolds(25, { horizon: 12, folds: 2, step: 1, minTrain: 20 })).toEqual([
      { origin: 20, horizon: 5 },
    ]);
    expect(() => planFolds(20, { horizon: 5, minTrain: 20 })).toThrow(/more than 20 values/);
    expect(() => planFolds(100, { horizon: 5, minTrain: 20, step: 0 })).toThrow(/step/);
  });

  it('trains each fold on the values before its cut-off only', async () => {
    const y = Float64Array.from({ length: 30 }, (_, t) => t * t);
    const folds = planFolds(30, { horizon: 4, folds: 2, step: 3, minTrain: 10 });
    const result = await backtest('naive', y, { period: 1, folds });
    expect(result.folds.map((fold) => fold.origin)).toEqual([23, 26]);
    for (const fold of result.folds) {
      // The naive forecast repeats the last training value, y[origin − 1].
      expect(Array.from(fold.forecast.mean)).toEqual(new Array(4).fill(y[fold.origin - 1]));
      expect(Array.from(fold.actual)).toEqual(Array.from(y.slice(fold.origin, fold.origin + 4)));
      const mae =
        fold.actual.reduce((sum, value) => sum + Math.abs(value - y[fold.origin - 1]!), 0) / 4;
      expect(fold.scores.mae).toBeCloseTo(mae, 9);
    }
    expect(result.scores.mae).toBeCloseTo(
      (result.folds[0]!.scores.mae + result.folds[1]!.scores.mae) / 2,
      9,
    );
  });
});
