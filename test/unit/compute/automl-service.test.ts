import { afterEach, describe, expect, it } from 'vitest';
import type { AutoMLApi, AutoMLFinished, AutoMLProgress } from '../../../src/compute/automl-api';
import { createAutoMLClient, type AutoMLClient } from '../../../src/compute/automl-client';
import { createAutoMLService } from '../../../src/compute/automl-service';
import {
  browserTrialConcurrency,
  createTrialWorkerService,
} from '../../../src/compute/automl-trials';
import { inProcessEndpoint } from '../../../src/compute/in-process';
import { createPool } from '../../../src/compute/pool';
import { seededRandom } from '../../../src/core/random';
import { numberColumn, stringColumn, Table } from '../../../src/core/table';

function table(rows: number) {
  const rng = seededRandom(11);
  const a = new Float64Array(rows);
  const b = new Float64Array(rows);
  const label: string[] = [];
  for (let i = 0; i < rows; i++) {
    a[i] = rng() * 2 - 1;
    b[i] = rng() * 2 - 1;
    label.push((a[i] as number) - 0.5 * (b[i] as number) + 0.2 * (rng() - 0.5) > 0 ? 'yes' : 'no');
  }
  return new Table([numberColumn('a', a), numberColumn('b', b), stringColumn('label', label)]);
}

let client: AutoMLClient | undefined;
let spawnedTrialWorkers: ReturnType<typeof inProcessEndpoint>[] = [];
afterEach(() => client?.close());

function automl(trialWorkers = 1): AutoMLClient {
  const stored = table(240);
  const spawned: ReturnType<typeof inProcessEndpoint>[] = [];
  spawnedTrialWorkers = spawned;
  client = createAutoMLClient(
    createPool<AutoMLApi>({
      spawn: () =>
        inProcessEndpoint(
          createAutoMLService({
            loadVersion: async () => stored,
            trialWorkers: {
              concurrency: trialWorkers,
              spawn: () => {
                const endpoint = inProcessEndpoint(createTrialWorkerService());
                spawned.push(endpoint);
                return endpoint;
              },
            },
          }),
        ),
      size: 1,
      idleTimeoutMs: 60_000,
      cancelGraceMs: 60_000,
    }),
  );
  return client;
}

function waitFor(events: AutoMLProgress[], count: number, type: AutoMLProgress['type']) {
  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (events.filter((event) => event.type === type).length >= count) resolve();
      else if (events.some((event) => event.type === 'failed'))
        reject(new Error(JSON.stringify(events.find((event) => event.type === 'failed'))));
      else if (Date.now() - started > 60_000) reject(new Error(`no ${type} event`));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

describe('AutoML sessions over an in-process worker', () => {
  it('searches, builds and explains a model, continues on request, then closes', async () => {
    const events: AutoMLProgress[] = [];
    const session = automl().start(
      {
        source: { kind: 'version', versionId: 'v1' },
        target: 'label',
        seed: 1,
        budgetSeconds: 30,
        maxTrials: 4,
      },
      (event) => events.push(event),
    );
    await waitFor(events, 1, 'idle');
    const first = events.find((event) => event.type === 'finished') as
      { type: 'finished'; result: AutoMLFinished } | undefined;
    if (!first) throw new Error('no model');
    const { summary, model, explanation } = first.result;
    expect(summary.task).toBe('classification');
    expect(summary.trials.length).toBe(4);
    expect(['bunsen-model', 'bunsen-ensemble']).toContain(model.format);
    expect(explanation?.importance.map((item) => item.feature).sort()).toEqual(['a', 'b']);
    const started = events.filter(
      (event) => event.type === 'search' && event.event.type === 'trial-started',
    );
    expect(started).toHaveLength(4);
    expect(events[0]).toMatchObject({ type: 'search', event: { type: 'setup' } });

    session.send({ kind: 'extend', seconds: 2 });
    await waitFor(events, 2, 'idle');
    const second = events.filter((event) => event.type === 'finished').at(-1) as {
      result: AutoMLFinished;
    };
    expect(second.result.summary.trials.length).toBeGreaterThan(4);

    session.send({ kind: 'close' });
    await session.done;
  });

  it('reports bad input as a failure with its reason', async () => {
    const events: AutoMLProgress[] = [];
    const session = automl().start(
      { source: { kind: 'version', versionId: 'v1' }, target: 'nope', seed: 0, budgetSeconds: 5 },
      (event) => events.push(event),
    );
    await session.done;
    const failed = events.find((event) => event.type === 'failed');
    expect(failed).toMatchObject({
      type: 'failed',
      error: { message: expect.stringContaining('nope') },
    });
  });

  it('cancels a running search without reporting anything more', async () => {
    const events: AutoMLProgress[] = [];
    const session = automl().start(
      { source: { kind: 'version', versionId: 'v1' }, target: 'label', seed: 0, budgetSeconds: 60 },
      (event) => events.push(event),
    );
    await waitFor(events, 1, 'search');
    session.cancel();
    await session.done;
    expect(events.some((event) => event.type === 'finished')).toBe(false);
  });

  it('runs trials on trial workers with the same results, and ends them with the session', async () => {
    const request = {
      source: { kind: 'version' as const, versionId: 'v1' },
      target: 'label',
      seed: 5,
      budgetSeconds: 300,
      maxTrials: 9,
      validation: { kind: 'cv' as const, folds: 3 },
    };
    const finish = async (trialWorkers: number) => {
      const events: AutoMLProgress[] = [];
      const session = automl(trialWorkers).start(request, (event) => events.push(event));
      await waitFor(events, 1, 'idle');
      session.send({ kind: 'close' });
      await session.done;
      const finished = events.find((event) => event.type === 'finished') as {
        result: AutoMLFinished;
      };
      client?.close();
      return finished.result.summary;
    };
    const serial = await finish(1);
    expect(spawnedTrialWorkers).toHaveLength(0);
    const parallel = await finish(3);
    expect(spawnedTrialWorkers).toHaveLength(2);
    expect(spawnedTrialWorkers.every((endpoint) => endpoint.terminated)).toBe(true);
    expect(parallel.setup.concurrency).toBe(3);
    expect(serial.setup.concurrency).toBe(1);
    const strip = (summary: typeof serial) =>
      summary.trials.map(({ id, learner, params, score, foldScores }) => ({
        id,
        learner,
        params,
        score,
        foldScores,
      }));
    expect(strip(parallel)).toEqual(strip(serial));
    expect(parallel.leaderboard).toEqual(
      serial.leaderboard.map((entry, i) => ({
        ...entry,
        fitSeconds: parallel.leaderboard[i]?.fitSeconds,
      })),
    );
  }, 120_000);

  it('leaves a core for the page and runs at most 4 trials at once', () => {
    expect(browserTrialConcurrency(1)).toBe(1);
    expect(browserTrialConcurrency(2)).toBe(1);
    expect(browserTrialConcurrency(4)).toBe(3);
    expect(browserTrialConcurrency(16)).toBe(4);
    expect(browserTrialConcurrency(undefined)).toBe(1);
  });
});
