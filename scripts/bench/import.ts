// CSV import (parse + type inference) and profile of a generated table, against pandas.read_csv
// of the same file in the same run. Each side runs in its own process so its peak memory is its
// own. Writes bench/results/import.json.
//   npx tsx scripts/bench/import.ts [--rows 1000000] [--repeats 2] [--keep]
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCsvImporter } from '../../src/core/data/csv/importer';
import { profileTable } from '../../src/core/data/profile/profile';
import { randomInt, randomNormal, seededRandom } from '../../src/core/random';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const python = '/usr/bin/python3';
const MB = 1024 * 1024;

const COLORS = ['red', 'green', 'blue', 'yellow', 'purple'];
const SEGMENTS = ['consumer', 'corporate', 'home office'];
const CITIES = Array.from({ length: 50 }, (_, i) => `city_${String(i).padStart(2, '0')}`);
const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * 20 columns of the kinds a student's table has: 9 floats (one with 2 decimals, some missing),
 * 4 integers (one an ID), 4 categoricals (3 to 1,000 levels), an ISO date, an ISO timestamp and a
 * boolean; about 150 bytes a row.
 */
function generateCsv(path: string, rows: number, seed: number): void {
  const random = seededRandom(seed);
  const header = [
    ...Array.from({ length: 8 }, (_, i) => `x${i}`),
    'price',
    'id',
    'quantity',
    'age',
    'visits',
    'color',
    'segment',
    'city',
    'product',
    'date',
    'timestamp',
    'is_active',
  ];
  const fd = openSync(path, 'w');
  let buffer = `${header.join(',')}\n`;
  const start = Date.UTC(2020, 0, 1);
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let i = 0; i < 8; i++) {
      const missing = i === 3 && random() < 0.02;
      cells.push(missing ? '' : (randomNormal(random) * 10 ** (i % 4)).toFixed(4 - (i % 3)));
    }
    cells.push((5 + random() * 995).toFixed(2));
    cells.push(String(r + 1));
    cells.push(String(1 + randomInt(random, 20)));
    cells.push(random() < 0.01 ? 'NA' : String(18 + randomInt(random, 70)));
    cells.push(String(randomInt(random, 100_000)));
    cells.push(COLORS[randomInt(random, COLORS.length)] as string);
    cells.push(SEGMENTS[randomInt(random, SEGMENTS.length)] as string);
    cells.push(CITIES[randomInt(random, CITIES.length)] as string);
    cells.push(`SKU-${pad(randomInt(random, 1000), 4)}`);
    const when = new Date(start + randomInt(random, 4 * 365 * 86_400) * 1000);
    cells.push(`${when.getUTCFullYear()}-${pad(when.getUTCMonth() + 1)}-${pad(when.getUTCDate())}`);
    cells.push(when.toISOString().slice(0, 19));
    cells.push(random() < 0.3 ? 'true' : 'false');
    buffer += `${cells.join(',')}\n`;
    if (buffer.length > 4 * MB) {
      writeSync(fd, buffer);
      buffer = '';
    }
  }
  writeSync(fd, buffer);
  closeSync(fd);
}

interface NodeRun {
  readonly import_seconds: number;
  readonly profile_seconds: number;
  readonly total_seconds: number;
  readonly baseline_rss_mb: number;
  readonly peak_rss_mb: number;
  readonly rows: number;
  readonly types: Record<string, string>;
}

/** Runs in a child process: stream the file through the importer, then profile the table. */
function measure(path: string): NodeRun {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const size = statSync(path).size;
  const started = performance.now();
  const importer = createCsvImporter({ totalBytes: size });
  const fd = openSync(path, 'r');
  const chunk = new Uint8Array(MB);
  for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
    importer.push(chunk.subarray(0, read));
    sample();
  }
  closeSync(fd);
  const result = importer.finish();
  sample();
  if (!result.ok) throw new Error(result.error.message);
  const imported = performance.now();
  profileTable(result.table, { onProgress: sample });
  sample();
  const finished = performance.now();
  return {
    import_seconds: (imported - started) / 1000,
    profile_seconds: (finished - imported) / 1000,
    total_seconds: (finished - started) / 1000,
    baseline_rss_mb: baseline / MB,
    peak_rss_mb: peak / MB,
    rows: result.table.rowCount,
    types: Object.fromEntries(result.table.columns.map((column) => [column.name, column.type])),
  };
}

const pandasScript = `
import json, resource, sys, time
import pandas as pd
path = sys.argv[1]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
df = pd.read_csv(path)
read = time.perf_counter() - t
t = time.perf_counter()
df.describe(include='all')
describe = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({'read_csv_seconds': read, 'describe_seconds': describe,
                  'baseline_rss_mb': before / 1024, 'peak_rss_mb': peak / 1024,
                  'rows': int(df.shape[0]), 'pandas': pd.__version__}))
`;

function lastJsonLine<T>(output: string): T {
  const lines = output.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as T;
}

function runNode(path: string): NodeRun {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, process.argv[1] as string, '--measure', path],
    {
      encoding: 'utf8',
      maxBuffer: 16 * MB,
    },
  );
  if (child.status !== 0) throw new Error(`the measuring process failed:\n${child.stderr}`);
  return lastJsonLine<NodeRun>(child.stdout);
}

interface PandasRun {
  readonly read_csv_seconds: number;
  readonly describe_seconds: number;
  readonly baseline_rss_mb: number;
  readonly peak_rss_mb: number;
  readonly rows: number;
  readonly pandas: string;
}

function runPandas(path: string): PandasRun {
  const child = spawnSync(python, ['-c', pandasScript, path], {
    encoding: 'utf8',
    maxBuffer: 16 * MB,
  });
  if (child.status !== 0) throw new Error(`pandas failed:\n${child.stderr}`);
  return lastJsonLine<PandasRun>(child.stdout);
}

const best = <T>(runs: T[], key: (run: T) => number) =>
  runs.reduce((a, b) => (key(b) < key(a) ? b : a));
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

function main() {
  const measureAt = process.argv.indexOf('--measure');
  if (measureAt > 0) {
    console.log(JSON.stringify(measure(process.argv[measureAt + 1] as string)));
    return;
  }
  const rows = arg('rows', 1_000_000);
  const repeats = arg('repeats', 2);
  const dir = mkdtempSync(join(tmpdir(), 'bunsen-import-'));
  const path = join(dir, 'table.csv');
  try {
    console.log(`Generating ${rows.toLocaleString('en-US')} × 20 CSV…`);
    generateCsv(path, rows, 42);
    const bytes = statSync(path).size;
    const megabytes = bytes / MB;
    console.log(`${megabytes.toFixed(1)} MB`);
    const nodeRuns: NodeRun[] = [];
    const pandasRuns: PandasRun[] = [];
    for (let i = 0; i < repeats; i++) {
      const ours = runNode(path);
      nodeRuns.push(ours);
      console.log(
        `ours:   import ${ours.import_seconds.toFixed(2)} s + profile ${ours.profile_seconds.toFixed(2)} s, peak RSS ${ours.peak_rss_mb.toFixed(0)} MB`,
      );
      const theirs = runPandas(path);
      pandasRuns.push(theirs);
      console.log(
        `pandas: read_csv ${theirs.read_csv_seconds.toFixed(2)} s (describe ${theirs.describe_seconds.toFixed(2)} s), peak RSS ${theirs.peak_rss_mb.toFixed(0)} MB`,
      );
    }
    const ours = best(nodeRuns, (run) => run.total_seconds);
    const theirs = best(pandasRuns, (run) => run.read_csv_seconds);
    const results = {
      benchmark: 'csv-import',
      file: { rows, columns: 20, bytes, megabytes: round(megabytes, 1) },
      node: {
        version: process.version,
        import_seconds: round(ours.import_seconds),
        profile_seconds: round(ours.profile_seconds),
        total_seconds: round(ours.total_seconds),
        import_mb_per_s: round(megabytes / ours.import_seconds, 1),
        import_and_profile_mb_per_s: round(megabytes / ours.total_seconds, 1),
        peak_rss_mb: round(ours.peak_rss_mb, 0),
        baseline_rss_mb: round(ours.baseline_rss_mb, 0),
        peak_rss_over_file_size: round(ours.peak_rss_mb / megabytes, 2),
        types: ours.types,
      },
      pandas: {
        version: theirs.pandas,
        read_csv_seconds: round(theirs.read_csv_seconds),
        read_csv_mb_per_s: round(megabytes / theirs.read_csv_seconds, 1),
        describe_seconds: round(theirs.describe_seconds),
        peak_rss_mb: round(theirs.peak_rss_mb, 0),
      },
      import_and_profile_vs_pandas_read_csv: round(theirs.read_csv_seconds / ours.total_seconds, 2),
      import_vs_pandas_read_csv: round(theirs.read_csv_seconds / ours.import_seconds, 2),
      repeats,
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        load: loadavg().map((x) => round(x, 2)),
      },
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/import.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `Import + profile ${results.node.import_and_profile_mb_per_s} MB/s (import alone ${results.node.import_mb_per_s} MB/s) vs pandas.read_csv ${results.pandas.read_csv_mb_per_s} MB/s; peak RSS ${results.node.peak_rss_mb} MB for a ${results.file.megabytes} MB file.`,
    );
    console.log('Wrote bench/results/import.json');
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.log(`Kept ${path}`);
  }
}

main();
