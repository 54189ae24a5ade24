import { describe, expect, it } from 'vitest';
import {
  AutoMLSearch,
  executeTrial,
  GPU_LEARNERS,
  runAutoML,
  slotExecutor,
  trialContextOf,
  type AutoMLSummary,
  type TrialExecutorFactory,
  type TrialRecord,
  type TrialSlot,
} from '../../../../src/core/automl';
import { seededRandom } from '../../../../src/core/random';
import { collect, fakeClock, quick, signalTable } from './fixtures';

const table = signalTable(150, 1).drop(['amount']);

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

/** What a user sees of a finished search: every trial, the leaderboard, the model's members. */
const outcome = (summary: AutoMLSummary) => ({
  trials: fingerprint(summary.trials),
  leaderboard: summary.leaderboard.map(({ trial, learner, params, score, rows }) => ({
    trial,
    learner,
    params,
    score,
    rows,
  })),
  best: summary.best,
  ensemble: summary.ensemble && {
    members: summary.ensemble.members,
    score: summary.ensemble.score,
    kept: summary.ensemble.kept,
  },
});

interface Observed {
  maxInFlight: number;
  maxGpuInFlight: number;
  completion: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Trials in this thread, `concurrency` at once, from the workload as a worker would receive it,
 * each delayed before and after by a seeded random 0–12 ms so that they finish out of order.
 */
function delayed(concurrency: number, seed: number, observed: Observed): TrialExecutorFactory {
  return (workload) => {
    const context = trialContextOf(workload, fakeClock());
    const rng = seededRandom(seed);
    let inFlight = 0;
    let gpuInFlight = 0;
    const slot: TrialSlot = {
      async run(spec, signal) {
        const gpu = GPU_LEARNERS.has(spec.learner);
        inFlight++;
        if (gpu) gpuInFlight++;
        observed.maxInFlight = Math.max(observed.maxInFlight, inFlight);
        observed.maxGpuInFlight = Math.max(observed.maxGpuInFlight, gpuInFlight);
        try {
          await sleep(Math.floor(rng() * 12));
          const result = await executeTrial(context, spec, signal);
          await sleep(Math.floor(rng() * 12));
          observed.completion.push(spec.id);
          return result;
        } finally {
          inFlight--;
          if (gpu) gpuInFlight--;
        }
      },
    };
    return slotExecutor(Array.from({ length: concurrency }, () => slot));
  };
}

const observer = (): Observed => ({ maxInFlight: 0, maxGpuInFlight: 0, completion: [] });

describe('AutoML trials in parallel', () => {
  it('gives the same trials, leaderboard and model with 1 or 3 at once, in any finishing order', async () => {
    const options = { ...quick({ target: 'label' }), maxTrials: 14 };
    const serial = await runAutoML(table, options);
    expect(serial.summary.setup.concurrency).toBe(1);

    const runs: Observed[] = [];
    for (const [concurrency, seed] of [
      [3, 1],
      [3, 2],
      [2, 3],
    ] as const) {
      const observed = observer();
      runs.push(observed);
      const parallel = await runAutoML(table, {
        ...options,
        trials: delayed(concurrency, seed, observed),
      });
      expect(parallel.summary.setup.concurrency).toBe(concurrency);
      expect(outcome(parallel.summary)).toEqual(outcome(serial.summary));
      expect(Array.from(parallel.predictor.predictRaw(table).predicted)).toEqual(
        Array.from(serial.predictor.predictRaw(table).predicted),
      );
    }
    // The runs above did overlap, and finished out of proposal order.
    expect(runs[0]?.maxInFlight).toBe(3);
    const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
    expect(runs.some((run) => run.completion.join() !== sorted(run.completion).join())).toBe(true);
    expect(serial.summary.trials).toHaveLength(14);
  }, 120_000);

  it('differs with another seed, so the comparison above can fail', async () => {
    const options = { ...quick({ target: 'label' }), maxTrials: 8 };
    const a = await runAutoML(table, { ...options, trials: delayed(3, 1, observer()) });
    const b = await runAutoML(table, { ...options, seed: 9, trials: delayed(3, 1, observer()) });
    expect(fingerprint(b.summary.trials)).not.toEqual(fingerprint(a.summary.trials));
  }, 60_000);

  it('runs at most one GPU trial at a time while CPU trials run beside it', async () => {
    const observed = observer();
    const search = await AutoMLSearch.create(table, {
      ...quick({ target: 'label', learners: ['linear', 'nb', 'knn', 'forest'] }),
      trials: delayed(4, 5, observed),
    });
    await search.run({ maxTrials: 8 });
    expect(search.trials).toHaveLength(8);
    const gpuTrials = search.trials.filter((trial) => GPU_LEARNERS.has(trial.learner));
    expect(gpuTrials.length).toBeGreaterThan(1);
    expect(observed.maxGpuInFlight).toBe(1);
    expect(observed.maxInFlight).toBeGreaterThan(1);
  }, 120_000);

  it('pauses and cancels every running trial, and runs them again unchanged', async () => {
    const reference = await AutoMLSearch.create(table, quick({ target: 'label' }));
    await reference.run({ maxTrials: 9 });

    const { events, onEvent } = collect();
    const controller = new AbortController();
    let paused = false;
    let cancelled = false;
    const search: AutoMLSearch = await AutoMLSearch.create(table, {
      ...quick({
        target: 'label',
        onEvent: (event) => {
          onEvent(event);
          if (event.type !== 'trial-started') return;
          if (event.trial.id === 4 && !paused) {
            paused = true;
            search.pause();
            setTimeout(() => search.resume(), 20);
          }
          if (event.trial.id === 7 && !cancelled) {
            cancelled = true;
            controller.abort();
          }
        },
      }),
      trials: delayed(3, 4, observer()),
    });
    const first = await search.run({ maxTrials: 9, signal: controller.signal });
    expect(first.reason).toBe('cancelled');
    const interrupted = events.filter((event) => event.type === 'trial-interrupted');
    expect(interrupted.length).toBeGreaterThan(1);
    expect(interrupted.some((event) => event.reason === 'paused')).toBe(true);
    expect(interrupted.some((event) => event.reason === 'cancelled')).toBe(true);
    // No trial was recorded twice, and the cancelled ones run again first.
    const ids = search.trials.map((trial) => trial.id);
    expect(new Set(ids).size).toBe(ids.length);
    await search.run({ maxTrials: 9 - search.trials.length });
    expect(search.trials.map((trial) => trial.id)).toEqual(
      Array.from({ length: 9 }, (_, i) => i + 1),
    );
    // A pause changes nothing; the cancel took in every result at once, so proposals from 8 on
    // may differ from a search that was never stopped.
    expect(fingerprint(search.trials).slice(0, 7)).toEqual(
      fingerprint(reference.trials).slice(0, 7),
    );
  }, 120_000);
});
