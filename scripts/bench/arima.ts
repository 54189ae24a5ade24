// Automatic ARIMA selection against R's auto.arima (forecast package), in the same run on the
// same series: the order each picks, its AICc, and the seconds each search takes (the median of
// --repeats runs; R's too). The series: the shipped monthly samples (airline passengers, CO2),
// and generated daily values with a weekly season and hourly values with a daily season, the
// seasonal cases whose exact-likelihood refits dominate the time. Writes bench/results/arima.json.
//   npx tsx scripts/bench/arima.ts [--repeats 3] [--r-repeats 1] [--no-r]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { arimaLabel, autoArima, type ArimaOrder } from '../../src/core/forecast/arima';
import { randomNormal, seededRandom } from '../../src/core/random';
import { readSample } from './lib/samples';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const repeats = arg('repeats', 3);
const rRepeats = arg('r-repeats', 1);
const withR = !process.argv.includes('--no-r');

interface Series {
  readonly name: string;
  readonly period: number;
  readonly values: number[];
}

/** `n` steps of a sine season of `period` steps and Gaussian noise (seeded), with a drift. */
function seasonal(
  n: number,
  { period, amplitude, noise, drift, seed }: Record<string, number>,
): number[] {
  const random = seededRandom(seed!);
  return Array.from(
    { length: n },
    (_, t) =>
      100 +
      drift! * t +
      amplitude! * Math.sin((2 * Math.PI * t) / period!) +
      noise! * randomNormal(random),
  );
}

const series: Series[] = [
  {
    name: 'airline passengers (monthly, 144)',
    period: 12,
    values: readSample('public/samples/airline-passengers.csv', 'month', 'passengers').values,
  },
  {
    name: 'CO2 (monthly)',
    period: 12,
    values: readSample('public/samples/co2-concentration.csv', 'Date', 'CO2').values,
  },
  {
    name: 'daily, weekly season (400)',
    period: 7,
    values: seasonal(400, { period: 7, amplitude: 20, noise: 3, drift: 0.01, seed: 1 }),
  },
  // A season so regular that every model with a seasonal MA term ends on its unit circle when
  // refitted by exact likelihood: both searches refit candidate after candidate.
  {
    name: 'daily, a fixed weekly season (400)',
    period: 7,
    values: seasonal(400, { period: 7, amplitude: 5, noise: 1, drift: 0, seed: 3 }),
  },
  {
    name: 'hourly, daily season (1,440)',
    period: 24,
    values: seasonal(1440, { period: 24, amplitude: 20, noise: 3, drift: 0.01, seed: 2 }),
  },
];

interface Ours {
  readonly label: string;
  readonly order: number[];
  readonly aicc: number;
  readonly seconds: number;
  readonly all_seconds: number[];
}

function ours(task: Series): Ours {
  const x = Float64Array.from(task.values);
  const times: number[] = [];
  let label = '';
  let order: ArimaOrder | null = null;
  let aicc = NaN;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const { fit } = autoArima(x, task.period);
    times.push((performance.now() - started) / 1000);
    order = fit.order;
    aicc = fit.aicc;
    label = arimaLabel(fit.order, fit.constant);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const o = order!;
  return {
    label,
    order: [o.p, o.d, o.q, o.P, o.D, o.Q],
    aicc,
    seconds: sorted[Math.floor(sorted.length / 2)]!,
    all_seconds: times,
  };
}

interface RResult {
  readonly name: string;
  readonly order: number[];
  readonly constant: boolean;
  readonly aicc: number;
  readonly seconds: number;
}

function runR(): { version: string; forecast: string; results: RResult[] } {
  const dir = mkdtempSync(join(tmpdir(), 'bunsen-arima-'));
  try {
    const manifest = join(dir, 'manifest.json');
    const output = join(dir, 'r.json');
    writeFileSync(manifest, JSON.stringify({ repeats: rRepeats, series }));
    const run = spawnSync('Rscript', ['scripts/bench/arima.R', manifest, output], {
      encoding: 'utf8',
    });
    if (run.status !== 0) {
      throw new Error(`Rscript failed; is r-cran-forecast installed?\n${run.stderr}`);
    }
    const parsed = JSON.parse(readFileSync(output, 'utf8')) as {
      r: string;
      forecast: string;
      results: RResult[];
    };
    return { version: parsed.r, forecast: parsed.forecast, results: parsed.results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = loadavg()[0]!;
console.log(`Ours: ${repeats} runs each…`);
const mine = series.map((task) => {
  const result = ours(task);
  console.log(
    `  ${task.name}: ${result.label}, AICc ${result.aicc.toFixed(2)}, ${result.seconds.toFixed(2)} s`,
  );
  return result;
});
if (!withR) process.exit(0);
console.log(`R auto.arima: ${rRepeats} run(s) each…`);
const r = runR();
const rows = series.map((task, i) => {
  const theirs = r.results[i]!;
  const mineRow = mine[i]!;
  const orderOf = (order: number[]) => ({
    p: order[0]!,
    d: order[1]!,
    q: order[2]!,
    P: order[3]!,
    D: order[4]!,
    Q: order[5]!,
    period: task.period,
  });
  const row = {
    series: task.name,
    length: task.values.length,
    period: task.period,
    ours: mineRow,
    r: { ...theirs, label: arimaLabel(orderOf(theirs.order), theirs.constant) },
    same_order: mineRow.label === arimaLabel(orderOf(theirs.order), theirs.constant),
    speedup_over_r: theirs.seconds / mineRow.seconds,
  };
  console.log(
    `${task.name.padEnd(36)} ours ${mineRow.seconds.toFixed(2).padStart(6)} s ${mineRow.label} ` +
      `(AICc ${mineRow.aicc.toFixed(2)})  R ${theirs.seconds.toFixed(2).padStart(6)} s ` +
      `${row.r.label} (AICc ${theirs.aicc.toFixed(2)})` +
      `  (${row.speedup_over_r.toFixed(1)}× R's speed${row.same_order ? ', same model' : ''})`,
  );
  return row;
});
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/arima.json',
  JSON.stringify(
    {
      node: process.version,
      r: r.version,
      r_forecast: r.forecast,
      repeats,
      r_repeats: rRepeats,
      load_average_at_start: load,
      rows,
    },
    null,
    2,
  ),
);
console.log('Wrote bench/results/arima.json');
