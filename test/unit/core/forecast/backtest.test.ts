import { describe, expect, it } from 'vitest';
import { maseScale } from '../../../../src/core/forecast/accuracy';
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

  it('scales the MASE of every fold alike: by the values before the last cut-off', async () => {
    // A season whose swing grows by 5% a step: the first fold's own training values swing less
    // than half as much as the last's, and on their own scale its errors would weigh double.
    const y = Float64Array.from(
      { length: 60 },
      (_, t) => (10 + 5 * Math.sin((Math.PI * t) / 2)) * 1.05 ** t,
    );
    const folds = planFolds(60, { horizon: 8, folds: 4, step: 8, minTrain: 12 });
    expect(folds.map((fold) => fold.origin)).toEqual([28, 36, 44, 52]);
    const result = await backtest('naive', y, { period: 4, folds });
    const scale = maseScale(y.subarray(0, 52), 4);
    expect(maseScale(y.subarray(0, 28), 4)).toBeLessThan(scale / 2);
    for (const fold of result.folds) {
      expect(fold.scores.mase).toBeCloseTo(fold.scores.mae / scale, 9);
    }
    expect(result.scores.mase).toBeCloseTo(result.scores.mae / scale, 9);
  });
});
