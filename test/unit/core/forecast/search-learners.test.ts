import { describe, expect, it } from 'vitest';
import { planFolds } from '../../../../src/core/forecast/backtest';
import {
  provenLearners,
  searchForecast,
  whyUnproven,
  type LeaderboardEntry,
} from '../../../../src/core/forecast/search';

const entry = (trial: number, model: string, mase: number, label = model) =>
  ({
    trial,
    model,
    label,
    params: {},
    backtest: { mase, smape: 0, rmse: 0, mae: 0 },
    fit_s: 0,
    folds: [],
  }) as LeaderboardEntry;

// Eight folds three steps apart, forecasting 12: they span two horizons, so a lead can be clear.
const folds = planFolds(120, { horizon: 12, folds: 8, step: 3, minTrain: 40 });

describe('regressions on lags against the classical models', () => {
  const ets = entry(1, 'ets', 1.0);
  const scores = new Map<number, number[]>([[1, [1.0, 1.1, 0.9, 1.0, 1.2, 0.8, 1.0, 1.0]]]);
  const scoresOf = (e: LeaderboardEntry) => scores.get(e.trial)!;

  it('passes over a learner that leads the best classical model by less than its spread', () => {
    // Ahead by 0.05 on average, but behind on two folds: not one standard error clear.
    const ridge = entry(2, 'lagreg', 0.95);
    scores.set(2, [0.7, 1.3, 0.8, 0.9, 1.4, 0.6, 0.9, 1.0]);
    const theta = entry(3, 'theta', 1.1);
    scores.set(3, [1.1, 1.2, 1.0, 1.1, 1.3, 0.9, 1.1, 1.1]);
    const chosen = provenLearners([ridge, ets, theta], scoresOf, folds);
    expect(chosen.ranked.map((e) => e.trial)).toEqual([1, 3]);
    expect(chosen.passedOver.map((e) => e.trial)).toEqual([2]);
    expect(chosen.classical).toBe(ets);
  });

  it('keeps a learner that beats it on every fold by a steady margin', () => {
    const forest = entry(4, 'lagreg', 0.6);
    scores.set(4, [0.6, 0.72, 0.5, 0.62, 0.8, 0.45, 0.6, 0.61]);
    const chosen = provenLearners([forest, ets], scoresOf, folds);
    expect(chosen.ranked.map((e) => e.trial)).toEqual([4, 1]);
    expect(chosen.passedOver).toEqual([]);
  });

  it('keeps every learner when no classical model was tried', () => {
    const a = entry(5, 'lagreg', 0.9);
    const b = entry(6, 'lagreg', 1.2);
    scores.set(5, [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]);
    scores.set(6, [1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2]);
    expect(provenLearners([a, b], scoresOf, folds)).toEqual({ ranked: [a, b], passedOver: [] });
  });

  it('says which learner scored better, against which model, and why it was passed over', () => {
    const ridge = entry(2, 'lagreg', 3.136, 'Ridge regression on 4 lags, recursive');
    const forest = entry(7, 'lagreg', 3.2, 'Random forest on 4 lags, recursive');
    const classical = entry(1, 'ets', 3.292, 'ETS(M,A,M)');
    expect(whyUnproven([ridge], classical, folds, 'mase')).toBe(
      'Ridge regression on 4 lags, recursive scored better on the backtest (MASE 3.136 against 3.292 for ETS(M,A,M)) but not by more than one standard error over the 8 folds: a regression on lags fits many more parameters than the classical models, so it is forecast with only when it clearly beats the best of them.',
    );
    expect(whyUnproven([ridge, forest], classical, folds, 'mase')).toMatch(
      /^Ridge regression on 4 lags, recursive and 1 other regression on lags scored better/,
    );
    // Folds too few or too alike for a standard error say so instead.
    const one = planFolds(120, { horizon: 12, folds: 1, step: 3, minTrain: 40 });
    expect(whyUnproven([ridge], classical, one, 'mase')).toContain(
      '(MASE 3.136 against 3.292 for ETS(M,A,M)) but one backtest fold cannot show a lead beyond chance: a regression on lags',
    );
    const close = planFolds(120, { horizon: 12, folds: 3, step: 3, minTrain: 40 });
    expect(whyUnproven([ridge], classical, close, 'mase')).toContain(
      'but the 3 backtest folds lie within one horizon of each other and test nearly the same steps, too alike to show a lead beyond chance:',
    );
  });

  it('in the search: UK gas, 24 quarters ahead, forecasts without the ridge regression that led', async () => {
    // R's UKgas (quarterly, millions of therms), its first 84 values: a ridge regression on four
    // lags leads ETS narrowly on the folds and forecasts the next 24 quarters far too high alone.
    const ukgas = Float64Array.from([
      160.1, 129.7, 84.8, 120.1, 160.1, 124.9, 84.8, 116.9, 169.7, 140.9, 89.7, 123.3, 187.3, 144.1,
      92.9, 120.1, 176.1, 147.3, 89.7, 123.3, 185.7, 155.3, 99.3, 131.3, 200.1, 161.7, 102.5, 136.1,
      204.9, 176.1, 112.1, 140.9, 227.3, 195.3, 115.3, 142.5, 244.9, 214.5, 118.5, 153.7, 244.9,
      216.1, 188.9, 142.5, 301, 196.9, 136.1, 267.3, 317, 230.5, 152.1, 336.2, 371.4, 240.1, 158.5,
      355.4, 449.9, 286.6, 179.3, 403.4, 491.5, 321.8, 177.7, 409.8, 593.9, 329.8, 176.1, 483.5,
      584.3, 395.4, 187.3, 485.1, 669.2, 421, 216.1, 509.1, 827.7, 467.5, 209.7, 542.7, 840.5,
      414.6, 217.7, 670.8,
    ]);
    const result = await searchForecast(ukgas, {
      horizon: 24,
      period: 4,
      families: ['snaive', 'ets', 'lagreg'],
      seed: 0,
      now: () => 0,
    });
    const ridge = result.leaderboard.find(
      (e) => e.model === 'lagreg' && e.params.learner === 'linear',
    )!;
    const members = result.best.members ?? [result.best.trial];
    expect(ridge.backtest.mase).toBeLessThan(result.best.backtest.mase);
    expect(members).not.toContain(ridge.trial);
    expect(result.leaderboard.filter((e) => e.model === 'lagreg').length).toBeGreaterThan(0);
    expect(result.best.why).toContain(
      'Ridge regression on 4 lags, recursive scored better on the backtest',
    );
  });
});
