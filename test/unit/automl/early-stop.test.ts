import { describe, expect, it } from 'vitest';
import { AutoMLSearch, runAutoML, type TrialRecord } from '../../../src/core/automl';
import { tfjsLoaded } from '../../../src/core/backend/tfjs';
import { collect, fakeClock, quick, signalTable } from '../core/automl/fixtures';

const table = signalTable(150, 1).drop(['amount']);

const fingerprint = (trials: readonly TrialRecord[]) =>
  trials.map(({ id, learner, params, status, score }) => ({ id, learner, params, status, score }));

describe('a search that stops once it has converged', () => {
  it('stops before its budget, after every learner, and says why', async () => {
    const { events, onEvent } = collect();
    const search = await AutoMLSearch.create(table, quick({ target: 'label', onEvent }));
    const result = await search.run({ budgetSeconds: 1e6 });
    expect(result.reason).toBe('converged');
    expect(result.detail).toMatch(
      /^Every learner was tried and (the best score gained only .* over the last 10 trials|the last 10 trials did not improve)/,
    );
    expect(new Set(search.trials.map((trial) => trial.learner))).toEqual(
      new Set(['gbdt', 'forest', 'knn', 'nb']),
    );
    expect(search.trials.length).toBeGreaterThanOrEqual(10);
    expect(search.trials.length).toBeLessThan(60);
    const stopped = events.find((event) => event.type === 'search-stopped');
    expect(stopped).toMatchObject({ reason: 'converged', detail: result.detail });
    const { summary } = await search.finish();
    expect(summary.stopReason).toBe('converged');
    expect(summary.stopDetail).toBe(result.detail);
  });

  it('stops after the same trials at any speed, and searches on when asked for more', async () => {
    const slow = await AutoMLSearch.create(table, quick({ target: 'label', now: fakeClock(50) }));
    const fast = await AutoMLSearch.create(table, quick({ target: 'label', now: fakeClock(0.01) }));
    await slow.run({ budgetSeconds: 1e6 });
    await fast.run({ budgetSeconds: 1e6 });
    expect(fingerprint(fast.trials)).toEqual(fingerprint(slow.trials));

    // A further run is the user asking for more: it is judged on its own trials.
    const before = slow.trials.length;
    const more = await slow.run({ budgetSeconds: 1e6 });
    expect(more.reason).toBe('converged');
    expect(slow.trials.length).toBeGreaterThanOrEqual(before + 10);
  });

  it('runs to the trial cap or the budget when told not to stop early', async () => {
    const search = await AutoMLSearch.create(table, quick({ target: 'label' }));
    const result = await search.run({
      budgetSeconds: 1e6,
      maxTrials: 40,
      stopWhenConverged: false,
    });
    expect(result.reason).toBe('max-trials');
    expect(search.trials).toHaveLength(40);
    const capped = await runAutoML(table, { ...quick({ target: 'label' }), maxTrials: 40 });
    expect(capped.summary.stopReason).toBe('converged');
    expect(capped.summary.trials.length).toBeLessThan(40);
  });

  it('never loads tfjs for a search without a tfjs learner', async () => {
    await runAutoML(table, { ...quick({ target: 'label' }), maxTrials: 6 });
    expect(tfjsLoaded()).toBe(false);
    await runAutoML(table, { ...quick({ target: 'label', learners: ['linear'] }), maxTrials: 1 });
    expect(tfjsLoaded()).toBe(true);
  });
});
