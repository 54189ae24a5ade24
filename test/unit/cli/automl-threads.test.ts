import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main';
import { trialConcurrency, trialThreads } from '../../../src/cli/trial-threads';
import {
  inProcessTrials,
  trialContextOf,
  type TrialExecutor,
  type TrialSpec,
} from '../../../src/core/automl';
import { prepare } from '../../../src/core/automl/setup';
import { trialWorkload as trialWorkloadOf } from '../../../src/core/automl/workload';
import { readTable } from '../../../src/cli/io';
import { CliError } from '../../../src/cli/errors';
import { randomNormal, seededRandom } from '../../../src/core/random';

let train = '';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    { out: (text) => (stdout += text), err: (text) => (stderr += text) },
    () => performance.now(),
  );
  return { code, stderr, json: JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') };
}

beforeAll(async () => {
  const rng = seededRandom(5);
  const lines = ['a,b,kind,label'];
  for (let i = 0; i < 160; i++) {
    const a = randomNormal(rng);
    const b = randomNormal(rng);
    const kind = rng() < 0.5 ? 'x' : 'y';
    const score = a - 0.5 * b + (kind === 'x' ? 0.6 : -0.6) + 0.4 * randomNormal(rng);
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${kind},${score > 0 ? 'up' : 'down'}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'bunsen-threads-'));
  train = join(dir, 'train.csv');
  await writeFile(train, `${lines.join('\n')}\n`);
});

afterEach(() => vi.unstubAllEnvs());

describe('bunsen automl on worker threads', () => {
  it('prints the same leaderboard with trials on threads as on one thread', async () => {
    const args = ['automl', train, '--target', 'label', '--budget', '300', '--max-trials', '6'];
    vi.stubEnv('BUNSEN_AUTOML_CONCURRENCY', '1');
    const one = await run(...args, '--seed', '4', '--json');
    vi.stubEnv('BUNSEN_AUTOML_CONCURRENCY', '3');
    const three = await run(...args, '--seed', '4', '--json');
    expect(one.code, one.stderr).toBe(0);
    expect(three.code, three.stderr).toBe(0);
    expect(three.stderr).toMatch(/Trials run 3 at a time/);
    expect(one.stderr).not.toMatch(/at a time/);
    type Entry = { trial: number; learner: string; cv_score: number; params: unknown };
    const board = (json: { leaderboard: Entry[] }) =>
      json.leaderboard.map(({ trial, learner, cv_score, params }) => ({
        trial,
        learner,
        cv_score,
        params,
      }));
    expect(board(three.json)).toEqual(board(one.json));
    expect(three.json.best).toEqual(one.json.best);
    expect(one.json.leaderboard.length).toBeGreaterThan(3);
  }, 240_000);

  it('runs trials on worker threads exactly as on the main thread', async () => {
    const table = await readTable(train);
    const prepared = await prepare(table, {
      target: 'label',
      now: () => performance.now(),
      seed: 2,
      validation: { kind: 'cv', folds: 3 },
    });
    const here = inProcessTrials(
      trialContextOf(trialWorkloadOf(prepared), () => performance.now()),
    );
    let onMain = 0;
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // This thread's slot holds its trial until the threads have run theirs.
    const local: TrialExecutor = {
      concurrency: 1,
      run: async (spec, signal) => {
        onMain++;
        await gate;
        return here.run(spec, signal);
      },
    };
    const threads = trialThreads(3, Promise.resolve());
    try {
      const executor = threads.trials(trialWorkloadOf(prepared), local);
      expect(executor.concurrency).toBe(3);
      const specs: TrialSpec[] = [
        { id: 1, learner: 'gbdt', params: {}, rows: 100, timeLimitMs: Infinity },
        {
          id: 2,
          learner: 'forest',
          params: { n_estimators: 30 },
          rows: 100,
          timeLimitMs: Infinity,
        },
        { id: 3, learner: 'knn', params: { k: 5 }, rows: 100, timeLimitMs: Infinity },
      ];
      const signal = new AbortController().signal;
      const running = specs.map((spec) => executor.run(spec, signal));
      await Promise.all(running.slice(1));
      openGate();
      const outcomes = await Promise.all(running);
      // The first went to this thread at once; the others waited for the threads to start.
      expect(onMain).toBe(1);
      for (const [i, spec] of specs.entries()) {
        const expected = await here.run(spec, signal);
        expect(outcomes[i]?.status).toBe('ok');
        expect(outcomes[i]?.foldScores).toEqual(expected.foldScores);
        expect(Array.from(outcomes[i]?.predictions ?? [])).toEqual(
          Array.from(expected.predictions ?? []),
        );
      }
    } finally {
      await threads.close();
    }
  }, 120_000);

  it('takes its concurrency from BUNSEN_AUTOML_CONCURRENCY, or from the cores', () => {
    expect(trialConcurrency({ BUNSEN_AUTOML_CONCURRENCY: '2' })).toBe(2);
    const automatic = trialConcurrency({});
    expect(automatic).toBeGreaterThanOrEqual(1);
    expect(automatic).toBeLessThanOrEqual(4);
    for (const bad of ['0', '5', '1.5', 'many']) {
      expect(() => trialConcurrency({ BUNSEN_AUTOML_CONCURRENCY: bad })).toThrow(CliError);
    }
  });
});
