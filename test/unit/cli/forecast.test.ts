import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { loadForecast } from '../../../src/core/forecast';
import { rSeries } from '../core/forecast/helpers';

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

const month = (index: number) =>
  `${1949 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

function airline(from: number, to: number) {
  const values = rSeries('AirPassengers').x;
  const lines = ['month,passengers'];
  for (let i = from; i < to; i++) lines.push(`${month(i)},${values[i]}`);
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bunsen-forecast-'));
  await writeFile(join(dir, 'train.csv'), airline(0, 132));
  await writeFile(join(dir, 'test.csv'), airline(132, 144));
  const stores = ['date,store,sales'];
  for (let day = 0; day < 70; day++) {
    const date = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
    stores.push(`${date},north,${100 + (day % 7) * 5 + day}`);
    stores.push(`${date},south,${50 + (day % 7 === 5 ? 30 : 0)}`);
  }
  await writeFile(join(dir, 'stores.csv'), `${stores.join('\n')}\n`);
  await writeFile(
    join(dir, 'dupes.csv'),
    'date,sales\n2024-01-01,1\n2024-01-02,2\n2024-01-02,3\n2024-01-03,4\n',
  );
  await writeFile(
    join(dir, 'bad-time.csv'),
    'date,sales\n2024-01-01,1\n2024-01-02,2\nnext week,3\n',
  );
  await writeFile(join(dir, 'short.csv'), 'date,sales\n2024-01-01,1\n2024-01-02,2\n');
  // Six weeks of a market's closing prices, Monday 2024-01-01 to Friday 2024-02-09.
  const closes = ['date,close'];
  for (let day = 0; day < 42; day++) {
    const date = new Date(Date.UTC(2024, 0, 1 + day));
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    closes.push(`${date.toISOString().slice(0, 10)},${(100 + day * 0.5 + (day % 3)).toFixed(2)}`);
  }
  await writeFile(join(dir, 'closes.csv'), `${closes.join('\n')}\n`);
  // Monthly dates written month/day/year on the first of the month: read day first, they would
  // be the first twelve days of January.
  const us = (from: number, to: number) => {
    const values = rSeries('AirPassengers').x;
    const lines = ['date,passengers'];
    for (let i = from; i < to; i++)
      lines.push(`${(i % 12) + 1}/1/${1949 + Math.floor(i / 12)},${values[i]}`);
    return `${lines.join('\n')}\n`;
  };
  await writeFile(join(dir, 'us-train.csv'), us(0, 132));
  await writeFile(join(dir, 'us-test.csv'), us(132, 144));
  await writeFile(join(dir, 'either.csv'), 'date,sales\n1/2/2020,1\n2/2/2020,2\n3/2/2020,3\n');
});

const quick = ['--models', 'snaive,naive,drift,theta,stl'];

describe('bunsen forecast', () => {
  it('forecasts, scores the test file and saves a model that forecasts again', async () => {
    const out = join(dir, 'model');
    const result = await run(
      'forecast',
      join(dir, 'train.csv'),
      '--time',
      'month',
      '--target',
      'passengers',
      '--horizon',
      '12',
      '--test',
      join(dir, 'test.csv'),
      '--out',
      out,
      '--json',
      ...quick,
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.last);
    expect(summary).toMatchObject({ horizon: 12, frequency: 'monthly', period: 12 });
    expect(Object.keys(summary.best)).toEqual(
      expect.arrayContaining(['model', 'params', 'backtest']),
    );
    expect(Object.keys(summary.best.backtest)).toEqual(['mase', 'smape', 'rmse', 'mae']);
    // How the chosen model's own 80% intervals did on the backtest, and how much they were widened.
    expect(Object.keys(summary.best.intervals)).toEqual([
      'level',
      'backtest_coverage',
      'widened_by',
    ]);
    expect(summary.best.intervals.level).toBe(80);
    expect(summary.best.intervals.backtest_coverage).toBeGreaterThanOrEqual(0);
    expect(summary.best.intervals.backtest_coverage).toBeLessThanOrEqual(1);
    expect(summary.best.intervals.widened_by).toBeGreaterThanOrEqual(1);
    for (const entry of summary.leaderboard) {
      expect(Object.keys(entry)).toEqual(
        expect.arrayContaining(['model', 'params', 'backtest', 'fit_s']),
      );
    }
    expect(summary.forecast).toHaveLength(12);
    expect(summary.forecast[0].time).toBe('1960-01-01');
    expect(summary.forecast[11].time).toBe('1960-12-01');
    for (const item of summary.forecast) {
      expect(item.lo).toBeLessThan(item.value);
      expect(item.hi).toBeGreaterThan(item.value);
    }
    // The seasonal pattern carries over: July above November.
    expect(summary.forecast[6].value).toBeGreaterThan(summary.forecast[10].value);
    expect(summary.test.mase).toBeGreaterThan(0);
    expect(summary.test.mase).toBeLessThan(1.5);
    expect(result.stderr).toContain('seasonal period 12');

    const saved = JSON.parse(await readFile(join(out, 'forecast.json'), 'utf8'));
    expect(saved).toMatchObject({ format: 'bunsen-forecast', frequency: 'monthly' });
    expect(saved.series[0].lastTime).toBe('1959-12-01');
    const loaded = loadForecast(saved).series[0]!.forecast(12);
    summary.forecast.forEach((item: { value: number }, i: number) => {
      expect(loaded.result.mean[i]).toBeCloseTo(item.value, 2);
    });
    const csv = (await readFile(join(out, 'forecast.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('time,forecast,lo80,hi80,lo95,hi95');
    expect(csv).toHaveLength(13);
  });

  it('says when the intervals it prints were widened from the backtest', async () => {
    // Monthly sales that wander calmly, then eight times as wildly in their last third.
    let seed = 12345;
    const uniform = () => (seed = (48271 * seed) % 2147483647) / 2147483647;
    let level = 100;
    const lines = ['month,sales'];
    for (let t = 0; t < 96; t++) {
      level += (uniform() + uniform() + uniform() + uniform() - 2) * 1.7 * (t < 64 ? 1 : 8);
      lines.push(`${month(t)},${level.toFixed(2)}`);
    }
    await writeFile(join(dir, 'wild.csv'), `${lines.join('\n')}\n`);
    const args = ['forecast', join(dir, 'wild.csv'), '--time', 'month', '--target', 'sales'];
    const result = await run(...args, '--horizon', '6', '--models', 'naive,drift,mean');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /Its own 80% intervals held \d+% of the \d+ backtest values; the intervals below are widened 1\.\d\d×\./,
    );
    const json = await run(...args, '--horizon', '6', '--models', 'naive,drift,mean', '--json');
    const widened = JSON.parse(json.last).best.intervals.widened_by;
    expect(result.stdout).toContain(`widened ${widened.toFixed(2)}×`);
  });

  it('forecasts every series of a table', async () => {
    const result = await run(
      'forecast',
      join(dir, 'stores.csv'),
      '--time',
      'date',
      '--target',
      'sales',
      '--series',
      'store',
      '--horizon',
      '7',
      '--json',
      ...quick,
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.last);
    expect(summary.frequency).toBe('daily');
    expect(summary.forecast).toHaveLength(14);
    expect(summary.forecast.map((item: { series: string }) => item.series)).toEqual([
      ...new Array(7).fill('north'),
      ...new Array(7).fill('south'),
    ]);
    expect(summary.forecast[0].time).toBe('2024-03-11');
    expect(Object.keys(summary.series)).toEqual(['north', 'south']);
    expect(summary.series.south.period).toBe(7);
    // The weekly spike of "south" lands on the Saturday of the forecast week.
    const south = summary.forecast.filter((item: { series: string }) => item.series === 'south');
    const spike = south.reduce((top: { value: number }, item: { value: number }) =>
      item.value > top.value ? item : top,
    );
    expect(new Date(`${spike.time}T00:00:00Z`).getUTCDay()).toBe(6);
  });

  it('aggregates rows that share a day when asked to', async () => {
    const result = await run(
      'forecast',
      join(dir, 'dupes.csv'),
      '--time',
      'date',
      '--target',
      'sales',
      '--horizon',
      '1',
      '--aggregate',
      'sum',
      '--json',
      '--models',
      'naive',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.last).forecast[0]).toMatchObject({ time: '2024-01-04', value: 4 });
    expect(JSON.parse(result.last).notes).toEqual(['1 daily step combined several rows (sum).']);
    expect(result.stderr).toContain('Note: 1 daily step combined several rows (sum).');
  });

  it('forecasts Monday-to-Friday data on weekdays, or on every day when told', async () => {
    const args = ['forecast', join(dir, 'closes.csv'), '--time', 'date', '--target', 'close'];
    const result = await run(...args, '--horizon', '3', '--json', '--models', 'naive,drift');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.last);
    expect(json.frequency).toBe('weekday');
    expect(json.notes ?? []).toEqual([]);
    // After Friday 9 February: Monday to Wednesday.
    expect(json.forecast.map((step: { time: string }) => step.time)).toEqual([
      '2024-02-12',
      '2024-02-13',
      '2024-02-14',
    ]);
    const told = await run(
      ...args,
      '--horizon',
      '3',
      '--json',
      '--models',
      'naive',
      '--frequency',
      'daily',
    );
    const everyDay = JSON.parse(told.last);
    expect(everyDay.frequency).toBe('daily');
    expect(everyDay.notes).toEqual([
      '10 of 40 daily steps had no value and were filled (interpolate).',
    ]);
    expect(everyDay.forecast[0].time).toBe('2024-02-10');
  });

  it('reads numeric dates in the order that makes the series regular, or as told', async () => {
    const args = ['--time', 'date', '--target', 'passengers', '--horizon', '12', '--json'];
    const result = await run(
      'forecast',
      join(dir, 'us-train.csv'),
      ...args,
      '--test',
      join(dir, 'us-test.csv'),
      ...quick,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'Dates in “date” such as “1/1/1949” read as month/day/year: that order makes the times regular',
    );
    const json = JSON.parse(result.last);
    expect(json.frequency).toBe('monthly');
    expect(json.forecast[0].time).toBe('1960-01-01');
    expect(json.test.mase).toBeGreaterThan(0);

    const either = ['--time', 'date', '--target', 'sales', '--horizon', '1', '--models', 'naive'];
    const refused = await run('forecast', join(dir, 'either.csv'), ...either);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/both make a regular series; choose one with --date-order/);
    const told = await run('forecast', join(dir, 'either.csv'), ...either, '--date-order', 'dmy');
    expect(told.code, told.stderr).toBe(0);
    expect(told.stdout).toContain('2020-02-04');
  });

  it.each([
    [
      ['--target', 'sales', '--time', 'day', '--horizon', '3'],
      'bad-time.csv',
      1,
      /no column “day”/,
    ],
    [
      ['--target', 'sales', '--time', 'date', '--horizon', '3'],
      'bad-time.csv',
      1,
      /Row 3 of “date” is “next week”/,
    ],
    [
      ['--target', 'sales', '--time', 'date', '--horizon', '3'],
      'dupes.csv',
      1,
      /Rows 2 and 3 both fall on 2024-01-02/,
    ],
    [
      ['--target', 'sales', '--time', 'date', '--horizon', '3'],
      'short.csv',
      1,
      /has 2 values; forecasting needs at least/,
    ],
    [
      ['--target', 'sales', '--time', 'date', '--horizon', '0'],
      'short.csv',
      2,
      /--horizon must be a whole number ≥ 1/,
    ],
    [['--target', 'sales', '--time', 'date'], 'short.csv', 2, /Usage: bunsen forecast/],
    [
      ['--target', 'sales', '--time', 'date', '--horizon', '2', '--fill', 'guess'],
      'short.csv',
      2,
      /--fill must be one of/,
    ],
  ])('fails clearly: %j on %s', async (args, file, code, message) => {
    const result = await run('forecast', join(dir, file), ...args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });

  it('documents the JSON shape in its help', async () => {
    const result = await run('forecast', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"series": {ID:');
    expect(result.stdout).toContain('"notes": [TEXT]');
  });
});
