import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { seededRandom, randomNormal } from '../../../src/core/random';

let dir = '';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  let clock = 0;
  const code = await main(
    argv,
    { out: (text) => (stdout += text), err: (text) => (stderr += text) },
    () => (clock += 250),
  );
  return { code, stdout, stderr, last: stdout.trim().split('\n').at(-1) ?? '' };
}

function csv(rows: number, seed: number) {
  const rng = seededRandom(seed);
  const lines = ['a,b,kind,label,value'];
  for (let i = 0; i < rows; i++) {
    const a = randomNormal(rng);
    const b = randomNormal(rng);
    const kind = rng() < 0.5 ? 'x' : 'y';
    const score = a - 0.5 * b + (kind === 'x' ? 0.7 : -0.7);
    lines.push(
      `${a.toFixed(4)},${b.toFixed(4)},${kind},${score > 0 ? 'up' : 'down'},${(2 * score + 1).toFixed(4)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bunsen-cli-'));
  await writeFile(join(dir, 'train.csv'), csv(300, 1));
  await writeFile(join(dir, 'test.csv'), csv(100, 2));
  await writeFile(join(dir, 'empty.csv'), '');
  const test = csv(20, 3).split('\n');
  // The test rows without the column “b”, and without the target.
  const without = (drop: number) =>
    test
      .map((line) =>
        line
          .split(',')
          .filter((_, i) => i !== drop)
          .join(','),
      )
      .join('\n');
  await writeFile(join(dir, 'test-without-b.csv'), without(1));
  await writeFile(join(dir, 'test-without-label.csv'), without(3));
  await writeFile(join(dir, 'one-class.csv'), 'a,label\n1,up\n2,up\n3,up\n');
});

describe('bunsen train / predict', () => {
  it('trains, reports held-out metrics as the last JSON line, and writes a model', async () => {
    const out = join(dir, 'model');
    const result = await run(
      'train',
      join(dir, 'train.csv'),
      '--target',
      'label',
      '--learner',
      'gbdt',
      '--test',
      join(dir, 'test.csv'),
      '--out',
      out,
      '--json',
      '--seed',
      '3',
      '--params',
      '{"max_iter": 50}',
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.last);
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining(['learner', 'params', 'fit_s', 'test']),
    );
    expect(summary.learner).toBe('gbdt');
    expect(summary.params).toEqual({ max_iter: 50 });
    expect(Object.keys(summary.test)).toEqual([
      'accuracy',
      'balanced_accuracy',
      'f1_macro',
      'roc_auc',
      'log_loss',
    ]);
    expect(summary.test.accuracy).toBeGreaterThan(0.8);
    expect(result.stderr).toContain('Training gbdt on 300 rows');

    const predictions = await run('predict', out, '--data', join(dir, 'test.csv'));
    expect(predictions.code).toBe(0);
    const lines = predictions.stdout.trim().split('\n');
    expect(lines[0]).toBe('prediction,proba:down,proba:up');
    expect(lines).toHaveLength(101);
    const [label, down, up] = (lines[1] as string).split(',');
    expect(label).toBe(Number(up) > Number(down) ? 'up' : 'down');
    expect(Number(down) + Number(up)).toBeCloseTo(1, 9);

    const file = join(dir, 'pred.csv');
    expect((await run('predict', out, '--data', join(dir, 'test.csv'), '--out', file)).code).toBe(
      0,
    );
    expect(await readFile(file, 'utf8')).toBe(predictions.stdout);
  });

  it('reports regression metrics for a numeric target', async () => {
    const result = await run(
      'train',
      join(dir, 'train.csv'),
      '--target',
      'value',
      '--learner',
      'linear',
      '--test',
      join(dir, 'test.csv'),
      '--json',
    );
    expect(result.code).toBe(0);
    const { test } = JSON.parse(result.last);
    expect(Object.keys(test)).toEqual(['rmse', 'mae', 'r2']);
    expect(test.r2).toBeGreaterThan(0.9);
  });

  it('reads held-out and scored files with the column types of training', async () => {
    // “code” is categorical in training; the test rows hold only its numeric-looking codes,
    // and one “count” cell is not a number although the column was trained on numbers.
    const rng = seededRandom(9);
    const line = (code: string, count: string) => {
      const x = rng();
      return `${code},${count},${x.toFixed(4)},${((code === '7' ? 3 : 1) * x).toFixed(4)}`;
    };
    const train = ['code,count,x,y'];
    for (let i = 0; i < 120; i++)
      train.push(line(['A1', '7', '12', 'B'][i % 4] as string, `${i % 5}`));
    const test = ['code,count,x,y'];
    for (let i = 0; i < 20; i++)
      test.push(line(i % 2 ? '7' : '12', i === 3 ? 'rotary' : `${i % 5}`));
    await writeFile(join(dir, 'typed-train.csv'), `${train.join('\n')}\n`);
    await writeFile(join(dir, 'typed-test.csv'), `${test.join('\n')}\n`);
    const out = join(dir, 'typed-model');
    const trained = await run(
      'train',
      join(dir, 'typed-train.csv'),
      '--target',
      'y',
      '--learner',
      'gbdt',
      '--test',
      join(dir, 'typed-test.csv'),
      '--out',
      out,
      '--json',
    );
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.last).test.r2).toBeGreaterThan(0.5);
    expect(trained.stderr).toContain(
      'column “count” was trained on numbers, but 1 of its values is not (“rotary”, row 4); it is scored as missing.',
    );
    const scored = await run('predict', out, '--data', join(dir, 'typed-test.csv'));
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.stdout.trim().split('\n')).toHaveLength(21);
    expect(scored.stderr).toContain('column “count” was trained on numbers');
  });

  it('fails with a clear message and a non-zero exit on bad input', async () => {
    const train = join(dir, 'train.csv');
    const cases: [string[], number, RegExp][] = [
      [['train', train, '--target', 'nope', '--learner', 'gbdt'], 1, /has no column “nope”/],
      [['train', train, '--target', 'label', '--learner', 'svm'], 2, /Unknown learner “svm”/],
      [['train', train, '--target', 'label'], 2, /Usage: bunsen train/],
      [
        ['train', train, '--target', 'label', '--learner', 'gbdt', '--params', '{oops'],
        2,
        /--params is not valid JSON/,
      ],
      [['train', join(dir, 'empty.csv'), '--target', 'label', '--learner', 'gbdt'], 2, /is empty/],
      [
        ['train', join(dir, 'missing.csv'), '--target', 'label', '--learner', 'gbdt'],
        2,
        /no such file/,
      ],
      [
        ['train', join(dir, 'one-class.csv'), '--target', 'label', '--learner', 'gbdt'],
        1,
        /only one class/,
      ],
      [['predict', dir, '--data', train], 1, /holds no model\.json/],
      [
        [
          'train',
          train,
          '--target',
          'label',
          '--learner',
          'nb',
          '--test',
          join(dir, 'test-without-b.csv'),
        ],
        1,
        /lacks the column “b”; scoring it fails if the model reads it\.[^]*test-without-b\.csv lacks the column “b” the model needs\./,
      ],
      [
        [
          'train',
          train,
          '--target',
          'label',
          '--learner',
          'nb',
          '--test',
          join(dir, 'test-without-label.csv'),
        ],
        1,
        /has no column “label”, the target, so the model cannot be scored on it/,
      ],
      [['frobnicate'], 2, /Unknown command/],
    ];
    for (const [argv, code, message] of cases) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(code);
      expect(result.stderr, argv.join(' ')).toMatch(message);
    }
  });

  it("prints each command's usage for --help", async () => {
    for (const command of ['profile', 'train', 'predict', 'export', 'automl', 'forecast']) {
      const result = await run(command, '--help');
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toContain(`bunsen ${command} `);
      expect(result.stderr, command).toBe('');
    }
  });
});

describe('bunsen profile', () => {
  it('prints the schema and per-column profile as JSON', async () => {
    const result = await run('profile', join(dir, 'train.csv'), '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.last);
    expect(report.rows).toBe(300);
    expect(
      report.columns.map((column: { name: string; type: string }) => [column.name, column.type]),
    ).toEqual([
      ['a', 'numeric'],
      ['b', 'numeric'],
      ['kind', 'categorical'],
      ['label', 'categorical'],
      ['value', 'numeric'],
    ]);
    expect(Object.keys(report.columns[0])).toEqual(
      expect.arrayContaining(['name', 'type', 'missing', 'distinct', 'mean', 'std', 'min', 'max']),
    );
    expect(Array.isArray(report.warnings)).toBe(true);
  });

  it('reads the cells --missing lists as missing, and only empty cells with --missing ""', async () => {
    const file = join(dir, 'codes.csv');
    await writeFile(file, 'code,score\nNA,-999\nFR,12.5\nDE,-999\n,7\nUS,?\n');
    const column = (result: { last: string }, name: string) =>
      (
        JSON.parse(result.last) as { columns: { name: string; missing: number; max: number }[] }
      ).columns.find((entry) => entry.name === name);
    // By default “NA” and “?” are missing, and −999 is a number.
    const standard = await run('profile', file, '--json');
    expect(column(standard, 'code')).toMatchObject({ missing: 2 });
    expect(column(standard, 'score')).toMatchObject({ missing: 1, min: -999 });
    // The list replaces the default one: “NA” is Namibia's code, −999 a code for missing.
    const chosen = await run('profile', file, '--missing=-999, ?', '--json');
    expect(chosen.code).toBe(0);
    expect(column(chosen, 'code')).toMatchObject({ missing: 1 });
    expect(column(chosen, 'score')).toMatchObject({ missing: 3, min: 7, max: 12.5 });
    const emptyOnly = await run('profile', file, '--missing', '', '--json');
    expect(column(emptyOnly, 'code')).toMatchObject({ missing: 1 });
    expect(column(emptyOnly, 'score')).toMatchObject({ type: 'categorical', missing: 0 });
  });
});
