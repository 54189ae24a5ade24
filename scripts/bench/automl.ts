// `bunsen automl` against scikit-learn in the same run, on the same 75/25 splits: the shipped
// samples and three generated sets. The reference is the best of HistGradientBoosting,
// RandomForest and LogisticRegression (classification) or Ridge (regression), all with default
// settings, chosen by 5-fold cross-validation on the metric our run ranks models by, refitted and
// scored on the test rows. Both wall times are recorded, and our search runs a second time with
// scikit-learn's time as its budget, to compare at equal time. Writes bench/results/automl.json.
//   npx tsx scripts/bench/automl.ts [--budget 60] [--only iris,wine]
//   BENCH_AUTOML_BUDGET=10 npm run bench:automl       (a quick run)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const budget = Number(arg('budget') ?? process.env.BENCH_AUTOML_BUDGET ?? 60);
const only = (arg('only') ?? process.env.BENCH_AUTOML_ONLY)?.split(',');
const python = '/usr/bin/python3';
// One thread each, as our search runs: OpenMP's spinning threads also slow to a crawl on a busy
// machine, which would measure the load rather than scikit-learn.
const singleThread = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
const helper = 'scripts/bench/automl.py';
const RESULTS = 'bench/results/automl.json';

interface Dataset {
  readonly name: string;
  readonly file: string;
  readonly target: string;
  readonly task: 'classification' | 'regression';
  readonly source: 'sample' | 'generated';
}

const samples: Dataset[] = (
  [
    { name: 'iris', file: 'public/samples/iris.csv', target: 'species', task: 'classification' },
    { name: 'wine', file: 'public/samples/wine.csv', target: 'cultivar', task: 'classification' },
    {
      name: 'breast-cancer',
      file: 'public/samples/breast-cancer.csv',
      target: 'diagnosis',
      task: 'classification',
    },
    { name: 'digits', file: 'public/samples/digits.csv', target: 'digit', task: 'classification' },
    {
      name: 'penguins',
      file: 'public/samples/penguins.csv',
      target: 'species',
      task: 'classification',
    },
    {
      name: 'diabetes',
      file: 'public/samples/diabetes.csv',
      target: 'progression',
      task: 'regression',
    },
  ] satisfies Omit<Dataset, 'source'>[]
).map((dataset) => ({ ...dataset, source: 'sample' as const }));

const generated = (dir: string): Dataset[] =>
  [
    {
      name: 'classification-20k',
      file: join(dir, 'classification-20k.csv'),
      target: 'label',
      task: 'classification' as const,
    },
    {
      name: 'friedman-regression',
      file: join(dir, 'friedman-regression.csv'),
      target: 'y',
      task: 'regression' as const,
    },
    {
      name: 'imbalanced-binary',
      file: join(dir, 'imbalanced-binary.csv'),
      target: 'fraud',
      task: 'classification' as const,
    },
  ].map((dataset) => ({ ...dataset, source: 'generated' as const }));

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { stdout: string; stderr: string; seconds: number } {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
  return { stdout: result.stdout, stderr: result.stderr, seconds };
}

const lastLine = (text: string) => JSON.parse(text.trim().split('\n').at(-1) as string);

const LOWER_IS_BETTER = new Set(['rmse', 'mae', 'log_loss']);

function main() {
  const work = mkdtempSync(join(tmpdir(), 'bunsen-automl-bench-'));
  run(python, [helper, 'generate', work]);
  const datasets = [...samples, ...generated(work)].filter(
    (dataset) => !only || only.includes(dataset.name),
  );
  const results = [];
  for (const dataset of datasets) {
    const dir = join(work, dataset.name);
    mkdirSync(dir, { recursive: true });
    run(python, [helper, 'split', dataset.file, dataset.target, dataset.task, dir]);
    const train = join(dir, 'train.csv');
    const test = join(dir, 'test.csv');
    const automl = (seconds: number, out: string) =>
      run('node', [
        'bin/bunsen.mjs',
        'automl',
        train,
        '--target',
        dataset.target,
        '--task',
        dataset.task,
        '--budget',
        String(seconds),
        '--seed',
        '0',
        '--test',
        test,
        '--out',
        join(dir, out),
        '--json',
      ]);
    console.log(`${dataset.name}: bunsen automl --budget ${budget}…`);
    const ours = automl(budget, 'ours');
    const summary = lastLine(ours.stdout);
    const ourReport = JSON.parse(readFileSync(join(dir, 'ours', 'automl.json'), 'utf8'));
    const metric: string = summary.metric;
    console.log(`${dataset.name}: scikit-learn, 5-fold CV on ${metric}…`);
    const reference = lastLine(
      run(
        python,
        [helper, 'baseline', train, test, dataset.target, dataset.task, metric],
        singleThread,
      ).stdout,
    );
    const ourScore: number = summary.test[metric];
    const theirScore: number = reference.test[metric];
    const asGood = (score: number) =>
      LOWER_IS_BETTER.has(metric) ? score <= theirScore + 1e-12 : score >= theirScore - 1e-12;
    const atLeastAsGood = asGood(ourScore);
    // The same search given only the time scikit-learn took (its cross-validation and refit, as
    // ours excludes process start-up too), so both sides are compared at equal wall time.
    const matchedBudget = Math.max(0.5, Math.round(reference.wall_s * 10) / 10);
    console.log(`${dataset.name}: bunsen automl --budget ${matchedBudget} (scikit-learn's time)…`);
    const matchedRun = automl(matchedBudget, 'ours-matched');
    const matched = lastLine(matchedRun.stdout);
    const matchedScore: number = matched.test[metric];
    const entry = {
      dataset: dataset.name,
      measured_at: new Date().toISOString(),
      source: dataset.source,
      task: dataset.task,
      metric,
      ours: {
        test: summary.test,
        best: summary.best.learner,
        best_params: summary.best.params,
        cv_score: summary.best.cv_score,
        trials: ourReport.trials.length,
        /** Why the search stopped: `converged` before the budget, or `budget`. */
        stop_reason: ourReport.stop_reason,
        stop_detail: ourReport.stop_detail,
        /**
         * Seconds inside the command, as it reports them (search + refit): at most budget_s, less
         * when the search converged first.
         */
        elapsed_s: summary.elapsed_s,
        /** The whole process, start-up (TypeScript loading) included. */
        wall_s: ours.seconds,
      },
      sklearn: {
        test: reference.test,
        best: reference.best,
        cv: reference.cv,
        wall_s: reference.wall_s,
      },
      at_least_as_good: atLeastAsGood,
      /** Ours again, with scikit-learn's seconds as the budget. */
      time_matched: {
        budget_s: matchedBudget,
        test: matched.test,
        best: matched.best.learner,
        trials: matched.leaderboard.length,
        elapsed_s: matched.elapsed_s,
        wall_s: matchedRun.seconds,
        at_least_as_good: asGood(matchedScore),
      },
    };
    console.log(
      `  ${metric}: ours ${ourScore.toFixed(4)} (${entry.ours.best}, ${entry.ours.trials} trials, ` +
        `${entry.ours.stop_reason}, ${summary.elapsed_s.toFixed(1)} s) · ` +
        `scikit-learn ${theirScore.toFixed(4)} (${reference.best}, ${reference.wall_s.toFixed(1)} s)` +
        `${atLeastAsGood ? '' : '  ← behind'}`,
    );
    console.log(
      `  same time: ours ${matchedScore.toFixed(4)} (${entry.time_matched.best}, ` +
        `${entry.time_matched.trials} trials, ${matched.elapsed_s.toFixed(1)} s of ${matchedBudget} s)` +
        `${entry.time_matched.at_least_as_good ? '' : '  ← behind'}`,
    );
    results.push(entry);
  }
  rmSync(work, { recursive: true, force: true });
  // A run of some data sets (--only) replaces their entries and keeps the others, each entry
  // saying when it was measured.
  const previous: typeof results =
    only && existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')).results : [];
  const rerun = new Set(results.map((entry) => entry.dataset));
  const merged = [...previous.filter((entry) => !rerun.has(entry.dataset)), ...results];
  const order = [...samples, ...generated('')].map((dataset) => dataset.name);
  merged.sort((a, b) => order.indexOf(a.dataset) - order.indexOf(b.dataset));
  const report = {
    benchmark: 'automl',
    budget_s: budget,
    node: process.version,
    cpus: cpus().length,
    load_average: loadavg(),
    split: '75/25, stratified for classification, seed 0',
    reference:
      'scikit-learn defaults: best of HistGradientBoosting, RandomForest, LogisticRegression/Ridge by 5-fold CV on the same metric',
    threads: 'one each (OMP_NUM_THREADS=1 for scikit-learn; our search is single-threaded)',
    at_least_as_good_on_every_dataset: merged.every((entry) => entry.at_least_as_good),
    at_least_as_good_in_the_same_time_on_every_dataset: merged.every(
      (entry) => entry.time_matched?.at_least_as_good === true,
    ),
    results: merged,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `Wrote bench/results/automl.json: at least as good on every data set: ${report.at_least_as_good_on_every_dataset}.`,
  );
}

main();
