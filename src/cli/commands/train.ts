import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initTfjs } from '../../core/backend/tfjs';
import { isLearnerName, LEARNER_NAMES } from '../../core/learners/registry';
import type { Task } from '../../core/learners/types';
import { evaluate, fit, headline } from '../../core/model';
import { seededRandom } from '../../core/random';
import { CliError } from '../errors';
import {
  parseJsonOption,
  parseSeed,
  readScoringTable,
  checkTestColumns,
  requireFeatures,
  readTable,
  typesOf,
  type Output,
} from '../io';
import { spareHistogramHelpers } from '../threads/gbdt-histograms';

export const TRAIN_USAGE =
  'bunsen train TRAIN.csv --target COL --learner linear|mlp|gbdt|forest|extratrees|knn|nb ' +
  '[--task classification|regression] [--params JSON] [--seed N] [--test TEST.csv] [--out DIR] [--json]';

const TF_LEARNERS = new Set(['linear', 'mlp']);

export async function train(argv: string[], io: Output, now: () => number): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      learner: { type: 'string' },
      task: { type: 'string' },
      params: { type: 'string' },
      seed: { type: 'string' },
      test: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length || !values.target || !values.learner) {
    throw new CliError(`Usage: ${TRAIN_USAGE}`);
  }
  const learner = values.learner;
  if (!isLearnerName(learner)) {
    throw new CliError(`Unknown learner “${learner}”. Choose one of: ${LEARNER_NAMES.join(', ')}.`);
  }
  const task = values.task as Task | undefined;
  if (task !== undefined && task !== 'classification' && task !== 'regression') {
    throw new CliError(`--task must be classification or regression, got “${values.task}”.`);
  }
  const params = values.params ? parseJsonOption(values.params, '--params') : {};
  const seed = parseSeed(values.seed);

  const table = await readTable(file);
  if (!table.has(values.target)) {
    throw new CliError(
      `${file} has no column “${values.target}”. Columns: ${table.names.join(', ')}.`,
      1,
    );
  }
  const testTable = values.test
    ? await readScoringTable(values.test, typesOf(table), (text) => io.err(text))
    : undefined;
  if (testTable && values.test) {
    checkTestColumns(values.test, testTable, table, values.target, (text) => io.err(text));
  }
  if (TF_LEARNERS.has(learner)) {
    const setup = await initTfjs();
    if (setup.ok) io.err(`Training on the tfjs ${setup.backend} backend.\n`);
  }

  io.err(`Training ${learner} on ${table.rowCount} rows × ${table.names.length - 1} features…\n`);
  const started = now();
  let lastReport = started;
  // Helper threads only save time; the model is the same with or without them.
  const histogramHelpers =
    learner === 'gbdt' ? spareHistogramHelpers(table.rowCount, table.names.length - 1) : undefined;
  const model = await fit(
    table,
    { target: values.target, learner, params, ...(task ? { task } : {}) },
    {
      rng: seededRandom(seed),
      histogramHelpers,
      onProgress: (progress) => {
        const at = now();
        if (at - lastReport < 1000) return;
        lastReport = at;
        const metrics = Object.entries(progress.metrics)
          .map(([name, value]) => `${name} ${value.toPrecision(4)}`)
          .join(', ');
        io.err(
          `  step ${progress.step}${progress.total ? `/${progress.total}` : ''}${metrics ? `: ${metrics}` : ''}\n`,
        );
      },
    },
  ).finally(() => histogramHelpers?.close());
  const fitSeconds = (now() - started) / 1000;
  io.err(`Fitted in ${fitSeconds.toFixed(2)} s.\n`);

  if (testTable && values.test) requireFeatures(values.test, testTable, model.features);
  const report = testTable ? evaluate(model, testTable) : undefined;
  if (values.out) {
    await mkdir(values.out, { recursive: true });
    await writeFile(join(values.out, 'model.json'), JSON.stringify(model.toJSON()));
    if (report) await writeFile(join(values.out, 'evaluation.json'), JSON.stringify(report));
    io.err(`Wrote the model to ${join(values.out, 'model.json')}.\n`);
  }
  const summary = {
    learner,
    params,
    task: model.task,
    seed,
    rows: model.trainingRows,
    fit_s: fitSeconds,
    ...(report ? { test: headline(report) } : {}),
  };
  if (values.json) io.out(`${JSON.stringify(summary)}\n`);
  else {
    io.out(
      `${learner} (${model.task}) fitted on ${model.trainingRows} rows in ${fitSeconds.toFixed(2)} s\n`,
    );
    if (report) {
      for (const [name, value] of Object.entries(headline(report))) {
        io.out(`  ${name.padEnd(18)} ${value === null ? '—' : value.toFixed(4)}\n`);
      }
    }
  }
  return 0;
}
