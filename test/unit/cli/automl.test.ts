import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { randomNormal, seededRandom } from '../../../src/core/random';

let dir = '';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    { out: (text) => (stdout += text), err: (text) => (stderr += text) },
    () => performance.now(),
  );
  return { code, stdout, stderr, last: stdout.trim().split('\n').at(-1) ?? '' };
}

function csv(rows: number, seed: number) {
  const rng = seededRandom(seed);
  const lines = ['id,a,b,kind,label,value'];
  for (let i = 0; i < rows; i++) {
    const a = randomNormal(rng);
    const b = randomNormal(rng);
    const kind = rng() < 0.5 ? 'x' : 'y';
    const score = a - 0.5 * b + (kind === 'x' ? 0.7 : -0.7) + 0.3 * randomNormal(rng);
    lines.push(
      `${seed * 10_000 + i},${a.toFixed(4)},${b.toFixed(4)},${kind},${score > 0 ? 'up' : 'down'},${(2 * score + a * b).toFixed(4)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bunsen-automl-'));
  await writeFile(join(dir, 'train.csv'), csv(200, 1));
  await writeFile(join(dir, 'test.csv'), csv(80, 2));
  await writeFile(join(dir, 'empty.csv'), '');
  await writeFile(join(dir, 'one-class.csv'), 'a,label\n1,up\n2,up\n3,up\n4,up\n');
  await writeFile(join(dir, 'all-distinct.csv'), 'a,label\n1,k1\n2,k2\n3,k3\n4,k4\n');
});

describe('bunsen automl', () => {
  it('prints the contract JSON last, writes a model predict can load, and a report', async () => {
    const out = join(dir, 'model');
    const result = await run(
      'automl',
      join(dir, 'train.csv'),
      '--target',
      'label',
      '--budget',
      '120',
      '--max-trials',
      '5',
      '--seed',
      '3',
      '--test',
      join(dir, 'test.csv'),
      '--out',
      out,
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.last);
    expect(Object.keys(summary)).toEqual([
      'task',
      'metric',
      'budget_s',
      'elapsed_s',
      'best',
      'leaderboard',
      'test',
    ]);
    expect(summary).toMatchObject({ task: 'classification', metric: 'accuracy', budget_s: 120 });
    expect(Object.keys(summary.best)).toEqual(['learner', 'params', 'cv_score']);
    expect(summary.leaderboard.length).toBeGreaterThan(0);
    for (const entry of summary.leaderboard) {
      expect(entry).toEqual(
        expect.objectContaining({
          learner: expect.any(String),
          cv_score: expect.any(Number),
          fit_s: expect.any(Number),
        }),
      );
    }
    expect(summary.best.cv_score).toBe(summary.leaderboard[0].cv_score);
    expect(Object.keys(summary.test)).toEqual([
      'accuracy',
      'balanced_accuracy',
      'f1_macro',
      'roc_auc',
      'log_loss',
    ]);
    expect(summary.test.accuracy).toBeGreaterThan(0.8);
    expect(result.stderr).toMatch(/\[fixed\] id-like-columns: “id”/);
    expect(result.stderr).toMatch(/#1 /);

    const report = JSON.parse(await readFile(join(out, 'automl.json'), 'utf8'));
    expect(report.guardrails.length).toBeGreaterThan(5);
    expect(report.trials).toHaveLength(5);
    expect(report.featurization.length).toBeGreaterThan(0);
    expect(report.dropped_columns).toEqual([
      { column: 'id', reason: 'it looks like an identifier' },
    ]);

    const predictions = await run('predict', out, '--data', join(dir, 'test.csv'));
    expect(predictions.code, predictions.stderr).toBe(0);
    const lines = predictions.stdout.trim().split('\n');
    expect(lines[0]).toBe('prediction,proba:down,proba:up');
    expect(lines).toHaveLength(81);
  }, 120_000);

  it('searches regression and reports its held-out metrics', async () => {
    const result = await run(
      'automl',
      join(dir, 'train.csv'),
      '--target',
      'value',
      '--metric',
      'rmse',
      '--max-trials',
      '5',
      '--test',
      join(dir, 'test.csv'),
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.last);
    expect(summary.task).toBe('regression');
    expect(summary.metric).toBe('rmse');
    expect(summary.best.cv_score).toBeGreaterThan(0);
    expect(Object.keys(summary.test)).toEqual(['rmse', 'mae', 'r2']);
    expect(summary.test.r2).toBeGreaterThan(0.5);
  }, 120_000);

  it('keeps a column that leaks the target with an alert, and leaves out what it is told to', async () => {
    const rng = seededRandom(5);
    const lines = ['a,b,settled,label'];
    for (let i = 0; i < 120; i++) {
      const a = randomNormal(rng);
      const label = a + randomNormal(rng) > 0 ? 'up' : 'down';
      lines.push(
        `${a.toFixed(3)},${randomNormal(rng).toFixed(3)},${label === 'up' ? 1 : 0},${label}`,
      );
    }
    const file = join(dir, 'leaky.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    const base = ['automl', file, '--target', 'label', '--max-trials', '2', '--learners', 'nb'];

    const kept = join(dir, 'kept');
    const keep = await run(...base, '--out', kept);
    expect(keep.code, keep.stderr).toBe(0);
    expect(keep.stderr).toMatch(/\[alert\] target-leakage: “settled” alone predicts .* Kept/);
    const keptReport = JSON.parse(await readFile(join(kept, 'automl.json'), 'utf8'));
    expect(keptReport.features).toEqual(['a', 'b', 'settled']);

    const dropped = join(dir, 'dropped');
    const drop = await run(...base, '--drop-leaky', '--exclude', 'b', '--out', dropped);
    expect(drop.code, drop.stderr).toBe(0);
    expect(drop.stderr).toMatch(/Dropped, as asked/);
    expect(drop.stderr).toMatch(/left out: b \(you left it out\), settled \(it alone predicts/);
    const droppedReport = JSON.parse(await readFile(join(dropped, 'automl.json'), 'utf8'));
    expect(droppedReport.features).toEqual(['a']);
  }, 120_000);

  it('fails with a clear message and a non-zero exit on bad input', async () => {
    const train = join(dir, 'train.csv');
    const cases: [string[], number, RegExp][] = [
      [['automl', train, '--target', 'nope'], 1, /has no column “nope”/],
      [['automl', train, '--target', 'label', '--metric', 'bogus'], 2, /Unknown metric “bogus”/],
      [['automl', train, '--target', 'label', '--metric', 'rmse'], 1, /rmse is for regression/],
      [['automl', join(dir, 'empty.csv'), '--target', 'label'], 2, /is empty/],
      [['automl', join(dir, 'one-class.csv'), '--target', 'label'], 1, /only one class/],
      [
        ['automl', join(dir, 'all-distinct.csv'), '--target', 'label'],
        1,
        /has no class with more than one row.* 4 values are all different/,
      ],
      [['automl', train, '--target', 'label', '--budget', '0'], 2, /--budget must be .* above 0/],
      [['automl', train, '--target', 'label', '--budget=-5'], 2, /--budget must be/],
      [['automl', train, '--target', 'label', '--max-trials', '0'], 2, /--max-trials must be/],
      [['automl', train, '--target', 'label', '--task', 'ranking'], 2, /--task must be/],
      [['automl', train], 2, /Usage: bunsen automl/],
      [
        ['automl', train, '--target', 'label', '--exclude', 'zz'],
        1,
        /--exclude: .* no column “zz”/,
      ],
      [['automl', train, '--target', 'label', '--exclude', 'label'], 1, /names the target “label”/],
      [['automl', train, '--target', 'label', '--exclude', ','], 2, /--exclude takes/],
    ];
    for (const [argv, code, message] of cases) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(code);
      expect(result.stderr, argv.join(' ')).toMatch(message);
    }
  });
});
