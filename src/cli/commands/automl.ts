import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AUTOML_METRICS,
  DEFAULT_BUDGET_SECONDS,
  GPU_LEARNERS,
  metricByName,
  runAutoML,
  type AutoMLEvent,
  type AutoMLSummary,
  type LeaderboardEntry,
  type TrialExecutorFactory,
  type TrialRecord,
} from '../../core/automl';
import { initTfjs } from '../../core/backend/tfjs';
import { LEARNER_NAMES } from '../../core/learners/registry';
import type { LearnerName, Task } from '../../core/learners/types';
import { evaluate, headline, type EvaluationReport } from '../../core/model';
import { CliError } from '../errors';
import {
  parseSeed,
  readScoringTable,
  checkTestColumns,
  requireFeatures,
  readTable,
  typesOf,
  type Output,
} from '../io';
import { trialConcurrency, trialThreads, type TrialThreads } from '../trial-threads';

export const AUTOML_USAGE =
  'bunsen automl TRAIN.csv --target COL [--task classification|regression] [--metric NAME] ' +
  '[--budget SECONDS] [--seed N] [--max-trials N] [--learners gbdt,forest,…] [--full-budget] ' +
  '[--exclude COL,…] [--drop-leaky] [--test TEST.csv] [--out DIR] [--json]';

const AUTOML_HELP = `Usage: ${AUTOML_USAGE}

Searches learners and their settings for the best cross-validated model of TRAIN.csv, then
refits it (or an ensemble) on all rows.

  --budget SECONDS   the most time it takes, refit included (default ${DEFAULT_BUDGET_SECONDS}); it stops
                     earlier once every learner was tried and the best score stopped improving
  --full-budget      search until the budget is spent, even once the search has converged
  --max-trials N     run at most N trials; with --seed the search is the same on any machine
  --learners LIST    search only these learners (${LEARNER_NAMES.join(', ')})
  --exclude LIST     leave these columns out of the features (comma-separated names; the flag
                     may be given more than once)
  --drop-leaky       leave out a column that alone predicts the target almost perfectly; by
                     default it is kept, with an alert, since only you know whether it is
                     known before the outcome
  --metric NAME      rank models by NAME (${AUTOML_METRICS.classification.join(', ')};
                     ${AUTOML_METRICS.regression.join(', ')})
  --test TEST.csv    score the final model on held-out rows
  --out DIR          write DIR/model.json and the full report DIR/automl.json
  --json             print one JSON line instead of the leaderboard
`;

/** Entries of the leaderboard printed in the JSON line; DIR/automl.json has every trial. */
const LEADERBOARD_LINES = 25;

function parseBudget(text: string | undefined): number {
  if (text === undefined) return DEFAULT_BUDGET_SECONDS;
  const budget = Number(text);
  if (!Number.isFinite(budget) || budget <= 0) {
    throw new CliError(`--budget must be a number of seconds above 0, got “${text}”.`);
  }
  return budget;
}

function parseLearners(text: string | undefined): LearnerName[] | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(LEARNER_NAMES as readonly string[]).includes(name));
  if (!names.length || unknown.length) {
    throw new CliError(
      `--learners takes a comma-separated list of ${LEARNER_NAMES.join(', ')}; got “${text}”.`,
    );
  }
  return names as LearnerName[];
}

function parseExclude(texts: readonly string[] | undefined): string[] {
  if (texts === undefined) return [];
  const names = texts.flatMap((text) =>
    text
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
  if (!names.length) throw new CliError('--exclude takes a comma-separated list of column names.');
  return names;
}

function parseMaxTrials(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trials = Number(text);
  if (!Number.isInteger(trials) || trials < 1) {
    throw new CliError(`--max-trials must be a whole number ≥ 1, got “${text}”.`);
  }
  return trials;
}

const score = (value: number | null) => (value === null ? '—' : value.toFixed(4));

function describeTrial(trial: TrialRecord, metric: string): string {
  const sample = trial.fullFidelity ? '' : ` on ${trial.rows.toLocaleString('en-US')} rows`;
  const head = `  #${String(trial.id).padEnd(4)}${trial.learner.padEnd(11)}`;
  if (trial.status !== 'ok') return `${head}${trial.status}${sample}: ${trial.error ?? ''}\n`;
  return `${head}${metric} ${score(trial.score)}${sample}  (${trial.fitSeconds.toFixed(2)} s)\n`;
}

/** Progress lines on stderr, one per event worth a line. */
function progressPrinter(io: Output) {
  let metric = '';
  return (event: AutoMLEvent) => {
    switch (event.type) {
      case 'setup': {
        const { setup } = event;
        metric = setup.metric;
        const classes = setup.classes ? ` with ${setup.classes.length} classes` : '';
        io.err(
          `Task: ${setup.task}${classes}, ${setup.rows} rows. Metric: ${setup.metric}. ${setup.metricReason}\n`,
        );
        io.err(`Validation: ${setup.validation.reason}\n`);
        for (const guardrail of setup.guardrails) {
          io.err(`  [${guardrail.status}] ${guardrail.name}: ${guardrail.reason}\n`);
        }
        if (setup.dropped.length) {
          const left = setup.dropped.map((entry) => `${entry.column} (${entry.reason})`);
          io.err(`Features: ${setup.features.length}; left out: ${left.join(', ')}.\n`);
        }
        for (const learner of setup.learners) {
          if (learner.status === 'skipped')
            io.err(`  Skipping ${learner.learner}: ${learner.reason}.\n`);
        }
        break;
      }
      case 'trial-finished':
        io.err(describeTrial(event.trial, metric));
        break;
      case 'learner-dropped':
        io.err(`  Dropping ${event.learner}: ${event.reason}.\n`);
        break;
      case 'search-stopped':
        io.err(
          `Search stopped (${event.reason}) after ${event.trials} trials in ${event.elapsedSeconds.toFixed(1)} s: ${event.detail}\n`,
        );
        break;
      case 'ensemble':
        io.err(`Ensemble ${event.ensemble.kept ? 'kept' : 'not kept'}: ${event.ensemble.reason}\n`);
        break;
      case 'refit-started':
        io.err(
          `Refitting ${event.members.map((member) => `${member.learner} #${member.trial}`).join(', ')} on ${event.rows} rows…\n`,
        );
        break;
      default:
        break;
    }
  };
}

const leaderboardEntry = (entry: LeaderboardEntry) => ({
  learner: entry.learner,
  cv_score: entry.score,
  fit_s: entry.fitSeconds,
  trial: entry.trial,
  params: entry.params,
});

function bestOf(summary: AutoMLSummary) {
  const best = summary.best;
  return best && { learner: best.learner, params: best.params, cv_score: best.score };
}

/** The full report written to DIR/automl.json. */
function report(
  summary: AutoMLSummary,
  budget: number,
  elapsed: number,
  test: EvaluationReport | undefined,
) {
  const { setup } = summary;
  return {
    task: summary.task,
    metric: summary.metric,
    greater_is_better: summary.greaterIsBetter,
    metric_reason: setup.metricReason,
    budget_s: budget,
    elapsed_s: elapsed,
    search_s: summary.searchSeconds,
    stop_reason: summary.stopReason,
    stop_detail: summary.stopDetail,
    best: bestOf(summary),
    leaderboard: summary.leaderboard.map(leaderboardEntry),
    ensemble: summary.ensemble,
    validation: setup.validation,
    guardrails: setup.guardrails,
    dropped_columns: setup.dropped,
    features: setup.features,
    class_weight: setup.classWeight,
    featurization: setup.featurization,
    learners: setup.learners,
    fidelities: setup.fidelities,
    refit: { seconds: summary.refitSeconds, rows: summary.refitRows },
    trials: summary.trials,
    ...(test ? { test: headline(test) } : {}),
  };
}

export async function automl(argv: string[], io: Output, now: () => number): Promise<number> {
  const started = now();
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      task: { type: 'string' },
      metric: { type: 'string' },
      budget: { type: 'string' },
      seed: { type: 'string' },
      'max-trials': { type: 'string' },
      learners: { type: 'string' },
      'full-budget': { type: 'boolean', default: false },
      exclude: { type: 'string', multiple: true },
      'drop-leaky': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      test: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    io.out(AUTOML_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (!file || extra.length || !values.target) throw new CliError(`Usage: ${AUTOML_USAGE}`);
  const task = values.task as Task | undefined;
  if (task !== undefined && task !== 'classification' && task !== 'regression') {
    throw new CliError(`--task must be classification or regression, got “${values.task}”.`);
  }
  if (values.metric !== undefined && !metricByName(values.metric)) {
    const names = [...AUTOML_METRICS.classification, ...AUTOML_METRICS.regression];
    throw new CliError(
      `Unknown metric “${values.metric}”. Choose one of: ${names.join(', ')} (auc_weighted is roc_auc).`,
    );
  }
  const budget = parseBudget(values.budget);
  const maxTrials = parseMaxTrials(values['max-trials']);
  const learners = parseLearners(values.learners);
  const untilConverged = !values['full-budget'];
  const exclude = parseExclude(values.exclude);
  const dropLeaky = values['drop-leaky'];
  const seed = parseSeed(values.seed);
  const threads = trialThreads(trialConcurrency(), Promise.resolve());
  try {
    return await search(
      values,
      {
        file,
        task,
        budget,
        maxTrials,
        seed,
        started,
        learners,
        untilConverged,
        exclude,
        dropLeaky,
      },
      { concurrency: threads.concurrency, trials: startingTfjs(threads.trials, io) },
      io,
      now,
    );
  } finally {
    await threads.close();
  }
}

/**
 * Loading and starting tfjs takes seconds, so it starts only when the first tfjs trial (linear,
 * neural network) is about to run on this thread; a search without one never loads it. Trials of
 * other learners do not wait for it.
 */
function startingTfjs(trials: TrialExecutorFactory, io: Output): TrialExecutorFactory {
  let started: Promise<void> | null = null;
  const start = () =>
    (started ??= initTfjs().then(
      (setup) => {
        if (setup.ok) {
          io.err(`Neural and linear learners run on the tfjs ${setup.backend} backend.\n`);
        }
      },
      (error: unknown) =>
        io.err(`tfjs did not start: ${error instanceof Error ? error.message : String(error)}\n`),
    ));
  return (workload, local) =>
    trials(workload, {
      concurrency: local.concurrency,
      run: async (spec, signal) => {
        if (GPU_LEARNERS.has(spec.learner)) await start();
        return local.run(spec, signal);
      },
    });
}

interface Parsed {
  readonly file: string;
  readonly task: Task | undefined;
  readonly budget: number;
  readonly maxTrials: number | undefined;
  readonly seed: number;
  readonly started: number;
  readonly learners: readonly LearnerName[] | undefined;
  readonly untilConverged: boolean;
  readonly exclude: readonly string[];
  readonly dropLeaky: boolean;
}

async function search(
  values: { target?: string; metric?: string; test?: string; out?: string; json?: boolean },
  parsed: Parsed,
  threads: Pick<TrialThreads, 'concurrency' | 'trials'>,
  io: Output,
  now: () => number,
): Promise<number> {
  const { file, task, budget, maxTrials, seed, started, learners, exclude } = parsed;
  const targetName = values.target as string;
  const table = await readTable(file);
  if (!table.has(targetName)) {
    throw new CliError(
      `${file} has no column “${targetName}”. Columns: ${table.names.join(', ')}.`,
      1,
    );
  }
  const unknown = exclude.filter((name) => !table.has(name) || name === targetName);
  if (unknown.length) {
    const [name] = unknown;
    throw new CliError(
      name === targetName
        ? `--exclude names the target “${targetName}”; leave out feature columns only.`
        : `--exclude: ${file} has no column “${name}”. Columns: ${table.names.join(', ')}.`,
      1,
    );
  }
  const testTable = values.test
    ? await readScoringTable(values.test, typesOf(table), (text) => io.err(text))
    : undefined;
  if (testTable && values.test) {
    checkTestColumns(values.test, testTable, table, targetName, (text) => io.err(text), exclude);
  }
  if (threads.concurrency > 1) {
    io.err(`Trials run ${threads.concurrency} at a time (one neural or linear at most).\n`);
  }

  // Scoring the test rows and writing files come after the search; keep a little time for them.
  const spent = (now() - started) / 1000 + (testTable || values.out ? 0.02 * budget : 0);
  const { predictor, summary } = await runAutoML(table, {
    target: targetName,
    ...(task ? { task } : {}),
    ...(values.metric ? { metric: values.metric } : {}),
    seed,
    ...(maxTrials !== undefined ? { maxTrials } : {}),
    ...(learners ? { learners } : {}),
    ...(exclude.length ? { exclude } : {}),
    leakage: parsed.dropLeaky ? 'drop' : 'keep',
    stopWhenConverged: parsed.untilConverged,
    budgetSeconds: Math.max(budget - spent, 1e-3),
    now,
    onEvent: progressPrinter(io),
    trials: threads.trials,
  });
  if (testTable && values.test) requireFeatures(values.test, testTable, predictor.features);
  const test = testTable ? evaluate(predictor, testTable) : undefined;
  const elapsed = (now() - started) / 1000;
  if (values.out) {
    await mkdir(values.out, { recursive: true });
    await writeFile(join(values.out, 'model.json'), JSON.stringify(predictor.toJSON()));
    await writeFile(
      join(values.out, 'automl.json'),
      `${JSON.stringify(report(summary, budget, elapsed, test), null, 2)}\n`,
    );
    io.err(
      `Wrote the model to ${join(values.out, 'model.json')} and the report to ${join(values.out, 'automl.json')}.\n`,
    );
  }
  if (values.json) {
    const line = {
      task: summary.task,
      metric: summary.metric,
      budget_s: budget,
      elapsed_s: (now() - started) / 1000,
      best: bestOf(summary),
      leaderboard: summary.leaderboard.slice(0, LEADERBOARD_LINES).map(leaderboardEntry),
      ...(test ? { test: headline(test) } : {}),
    };
    io.out(`${JSON.stringify(line)}\n`);
    return 0;
  }
  const best = summary.best;
  io.out(
    `Best: ${best?.learner ?? '—'} with cross-validated ${summary.metric} ${score(best?.score ?? null)}\n`,
  );
  io.out(
    `Leaderboard (${summary.metric}, ${summary.greaterIsBetter ? 'higher' : 'lower'} is better):\n`,
  );
  const allRows = summary.setup.fidelities[summary.setup.fidelities.length - 1] as number;
  for (const entry of summary.leaderboard.slice(0, 10)) {
    const sample = entry.rows < allRows ? `  on ${entry.rows.toLocaleString('en-US')} rows` : '';
    io.out(
      `  ${(entry.trial === null ? '' : `#${entry.trial}`).padEnd(6)}${entry.learner.padEnd(11)}${score(entry.score)}  ${entry.fitSeconds.toFixed(2)} s${sample}\n`,
    );
  }
  if (test) {
    io.out('Held-out test scores:\n');
    for (const [name, value] of Object.entries(headline(test)))
      io.out(`  ${name.padEnd(18)} ${score(value)}\n`);
  }
  return 0;
}
