import { describe, expect, it } from 'vitest';
import {
  AutoMLSearch,
  runAutoML,
  type AutoMLEvent,
  type TrialRecord,
} from '../../../../src/core/automl';
import { evaluate, EnsembleModel, loadPredictor } from '../../../../src/core/model';
import { collect, fakeClock, quick, signalTable } from './fixtures';

const table = signalTable(150, 1);
const features = table.drop(['amount']);

/** What must not depend on the machine: which trials ran, in which order, and how they scored. */
const fingerprint = (trials: readonly TrialRecord[]) =>
  trials.map(({ id, learner, params, source, rows, status, score, foldScores }) => ({
    id,
    learner,
    params,
    source,
    rows,
    status,
    score,
    foldScores,
  }));

describe('AutoMLSearch', () => {
  it('runs the same trials and finds the same best with a seed and a trial cap, at any speed', async () => {
    const slow = await AutoMLSearch.create(features, quick({ target: 'label', now: fakeClock(1) }));
    await slow.run({ maxTrials: 10 });
    const fast = await AutoMLSearch.create(
      features,
      quick({ target: 'label', now: fakeClock(0.001) }),
    );
    await fast.run({ maxTrials: 10 });
    expect(slow.trials).toHaveLength(10);
    expect(fingerprint(fast.trials)).toEqual(fingerprint(slow.trials));
    expect(fast.best).toEqual(slow.best);
    // Every learner gets its first trial before local search takes over.
    expect(new Set(slow.trials.slice(0, 4).map((trial) => trial.learner))).toEqual(
      new Set(['gbdt', 'forest', 'knn', 'nb']),
    );
    expect(slow.trials.some((trial) => trial.source === 'local-search')).toBe(true);

    const other = await AutoMLSearch.create(features, quick({ target: 'label', seed: 8 }));
    await other.run({ maxTrials: 10 });
    expect(fingerprint(other.trials)).not.toEqual(fingerprint(slow.trials));
  });

  it('tries the tree ensembles before a tfjs learner, whose first trial loads tfjs', async () => {
    const search = await AutoMLSearch.create(
      features,
      quick({ target: 'label', learners: ['linear', 'forest', 'extratrees', 'knn'] }),
    );
    // By fit cost alone linear comes before the ensembles on 150 rows; its startup does not.
    await search.run({ maxTrials: 4 });
    expect(search.trials.map((trial) => trial.learner)).toEqual([
      'knn',
      'forest',
      'extratrees',
      'linear',
    ]);
  });

  it('streams setup, trial and refit events and returns a model that scores new rows', async () => {
    const { events, onEvent } = collect();
    const { predictor, summary } = await runAutoML(features, {
      ...quick({ target: 'label', onEvent }),
      maxTrials: 10,
    });
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('setup');
    expect(types.filter((type) => type === 'trial-started')).toHaveLength(10);
    expect(types.filter((type) => type === 'trial-finished')).toHaveLength(10);
    expect(types.slice(-2)).toEqual(['refit-started', 'refit-finished']);
    const finished = events.find((event) => event.type === 'trial-finished') as Extract<
      AutoMLEvent,
      { type: 'trial-finished' }
    >;
    expect(finished.trial).toMatchObject({ id: 1, status: 'ok', fullFidelity: true });
    expect(finished.trial.foldScores).toHaveLength(3);
    expect(summary.leaderboard.length).toBeGreaterThan(0);
    expect(summary.best).not.toBeNull();
    const test = signalTable(200, 2).drop(['amount']);
    const report = evaluate(predictor, test);
    expect(report.metrics.accuracy).toBeGreaterThan(0.8);
    const reloaded = loadPredictor(JSON.parse(JSON.stringify(predictor.toJSON())));
    expect(Array.from(reloaded.predictRaw(test).predicted)).toEqual(
      Array.from(predictor.predictRaw(test).predicted),
    );
  });

  it('says how much of a spent budget it kept to refit the best model', async () => {
    const now = fakeClock(20);
    const search = await AutoMLSearch.create(features, quick({ target: 'label', now }));
    const result = await search.run({ budgetSeconds: 0.4 });
    expect(result.reason).toBe('budget');
    expect(result.detail).toMatch(
      /^The time budget of 0\.4 s is spent, counting \d+(\.\d+)? s kept to refit the best model on all rows\.$/,
    );
  });

  it('stops within the budget on an injected clock, and continues for more seconds', async () => {
    const now = fakeClock(20);
    const search = await AutoMLSearch.create(features, quick({ target: 'label', now }));
    const first = await search.run({ budgetSeconds: 3 });
    expect(first.reason).toBe('budget');
    expect(first.elapsedSeconds).toBeLessThan(3 + 1);
    const done = search.trials.length;
    expect(done).toBeGreaterThan(0);

    const more = await search.run({ budgetSeconds: 2 });
    expect(more.reason).toBe('budget');
    expect(more.elapsedSeconds).toBeLessThan(2 + 1);
    expect(search.trials.length).toBeGreaterThan(done);
    expect(search.trials.map((trial) => trial.id)).toEqual(
      search.trials.map((_, index) => index + 1),
    );
    expect(search.elapsedSeconds).toBeCloseTo(first.elapsedSeconds + more.elapsedSeconds, 6);
  });

  it('stops when the score threshold is reached', async () => {
    const search = await AutoMLSearch.create(features, quick({ target: 'label', stopScore: 0.5 }));
    const result = await search.run();
    expect(result.reason).toBe('threshold');
    expect(result.trials).toBe(1);
  });

  it('cancels through an AbortSignal, keeps the trials, and can still finish or continue', async () => {
    const controller = new AbortController();
    const { events, onEvent } = collect();
    const search = await AutoMLSearch.create(
      features,
      quick({
        target: 'label',
        onEvent: (event) => {
          onEvent(event);
          // Cancel while trial 4 is running: it is interrupted, not recorded.
          if (event.type === 'trial-started' && event.trial.id === 4) controller.abort();
        },
      }),
    );
    const result = await search.run({ signal: controller.signal, maxTrials: 10 });
    expect(result.reason).toBe('cancelled');
    expect(search.trials).toHaveLength(3);
    expect(events).toContainEqual({ type: 'trial-interrupted', trial: 4, reason: 'cancelled' });
    const { summary } = await search.finish();
    expect(summary.best).not.toBeNull();

    await search.run({ maxTrials: 2 });
    expect(search.trials.map((trial) => trial.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('pauses and resumes without changing what the search does', async () => {
    const reference = await AutoMLSearch.create(features, quick({ target: 'label' }));
    await reference.run({ maxTrials: 7 });

    const { events, onEvent } = collect();
    let pausedOnce = false;
    let pausedAtFive = () => {};
    const pausedAt = new Promise<void>((resolve) => (pausedAtFive = resolve));
    // The handler reads `search` only once trials start, after it is assigned.
    const search: AutoMLSearch = await AutoMLSearch.create(
      features,
      quick({
        target: 'label',
        onEvent: (event) => {
          onEvent(event);
          if (event.type === 'trial-started' && event.trial.id === 5 && !pausedOnce) {
            pausedOnce = true;
            search.pause();
            pausedAtFive();
          }
        },
      }),
    );
    const running = search.run({ maxTrials: 7 });
    await pausedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(search.paused).toBe(true);
    expect(search.trials).toHaveLength(4);
    search.resume();
    await running;
    const types = events.map((event) => event.type);
    expect(types).toContain('paused');
    expect(types).toContain('resumed');
    expect(events).toContainEqual({ type: 'trial-interrupted', trial: 5, reason: 'paused' });
    expect(fingerprint(search.trials)).toEqual(fingerprint(reference.trials));
  });

  it('rejects a second concurrent run and finishing before any trial', async () => {
    const search = await AutoMLSearch.create(features, quick({ target: 'label' }));
    await expect(search.finish()).rejects.toThrow(/No trial finished/);
    const running = search.run({ maxTrials: 1 });
    await expect(search.run({ maxTrials: 1 })).rejects.toThrow(/already running/);
    await running;
    await expect(search.run({ budgetSeconds: 0 })).rejects.toThrow(/above 0 seconds/);
  });

  it('searches regression with its own metric and refits an ensemble only when it wins', async () => {
    const regression = table.drop(['label']);
    const { predictor, summary } = await runAutoML(regression, {
      ...quick({ target: 'amount', learners: ['gbdt', 'forest', 'knn'] }),
      maxTrials: 8,
    });
    expect(summary.task).toBe('regression');
    expect(summary.metric).toBe('r2');
    const ensemble = summary.ensemble;
    expect(ensemble).not.toBeNull();
    if (ensemble?.kept) {
      expect(predictor).toBeInstanceOf(EnsembleModel);
      expect(ensemble.score).toBeGreaterThan(ensemble.bestSingleScore);
      expect(summary.best?.learner).toBe('ensemble');
      expect(summary.leaderboard[0]?.learner).toBe('ensemble');
    } else {
      expect(predictor).not.toBeInstanceOf(EnsembleModel);
      expect(summary.best?.learner).not.toBe('ensemble');
    }
  });
});
