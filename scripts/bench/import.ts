// CSV import (parse + type inference) and profile of a generated table, against pandas.read_csv
// of the same file in the same run: in Node (each side in its own process, so its peak memory is
// its own) and in Chromium through the lab's real import path (the Data page's file input, the
// data worker, the profile and the store). Writes bench/results/import.json.
//   npx tsx scripts/bench/import.ts [--rows 1000000] [--repeats 2] [--keep]
//     [--dist DIR]   a built lab to serve (default: build one into a temporary folder)
//     [--no-browser] Node and pandas only
//     [--browser-repeats N]  import in Chromium N times (default: as many as --repeats), each
//                    in a fresh profile; the fastest run is reported, as Node's and pandas'
//                    are, with every run's time and the highest renderer peak of any run
//     [--browser-only] Chromium only, written to bench/results/import-browser.json
//     [--memory-dump FILE]  also write where the renderer's memory lies (Chromium's
//                    memory-infra allocators: V8, array buffers, Blink, compositor…) once the
//                    view is quiet
//     [--main-thread-profile FILE]  also write a CPU profile of the page's main thread during
//                    the import and while the Data view renders it (open it in Chromium's
//                    DevTools, Performance panel)
// The browser run watches the page's main thread during the import and afterwards, while the
// Data view shows the new dataset (its profile, rows and, scrolled into view, its charts), until
// the page has been quiet for a while; both phases are reported. The renderer's memory is then
// followed while the service worker, which the lab registers once it is quiet, installs.
// It also reports the CPU time of each Chromium thread (by process kind and thread name) while
// the file is read and parsed and afterwards (profile and store): which threads keep the cores
// busy, and when they wait.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { chromiumArgs, findChromium } from '../chromium.mjs';
import { startServer } from '../serve.mjs';
import { createCsvImporter } from '../../src/core/data/csv/importer';
import { profileTable } from '../../src/core/data/profile/profile';
import { randomInt, randomNormal, seededRandom } from '../../src/core/random';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const textArg = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
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
  /** CPU time of the whole process (every thread) during the import. */
  readonly import_cpu_seconds: number;
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
  const cpuStarted = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpuStarted);
  profileTable(result.table, { onProgress: sample });
  sample();
  const finished = performance.now();
  return {
    import_seconds: (imported - started) / 1000,
    import_cpu_seconds: (cpu.user + cpu.system) / 1e6,
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
cpu = time.process_time()
df = pd.read_csv(path)
read = time.perf_counter() - t
read_cpu = time.process_time() - cpu
t = time.perf_counter()
df.describe(include='all')
describe = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({'read_csv_seconds': read, 'read_csv_cpu_seconds': read_cpu,
                  'describe_seconds': describe,
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
  readonly read_csv_cpu_seconds: number;
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

// ── Chromium ──────────────────────────────────────────────────────────────────────────────────

interface BrowserRun {
  readonly chromium: string;
  /** The notice → the Data view shows the rows and every chart, scrolled into view. */
  readonly view_seconds: number;
  /** A derive step on the imported table, from Apply to its new version shown. */
  readonly prepare_step_seconds: number;
  /** The renderer's peak RSS during that step. */
  readonly prepare_step_peak_rss_mb: number;
  /** After that step, a reload → the Data view shows the stored version's rows and profile. */
  readonly reopen_seconds: number;
  /** File chosen → the lab's "Imported …" notice: read, parse, profile and store. */
  readonly import_seconds: number;
  /** File chosen → the progress line turns from reading to profiling (read and parse). */
  readonly parse_seconds: number | null;
  readonly rows: number;
  readonly baseline_rss_mb: ProcessMemory;
  /** Until the import's notice. */
  readonly peak_rss_mb: ProcessMemory;
  /** Until the Data view has shown the dataset and the page is quiet again. */
  readonly peak_rss_with_view_mb: ProcessMemory;
  /** Until the service worker, registered once the lab is quiet, has installed (or 60 s). */
  readonly peak_rss_with_service_worker_mb: ProcessMemory;
  /** The notice → the service worker is active; null when it was not within 60 s. */
  readonly service_worker_seconds: number | null;
  /** CPU seconds used during the import (renderer: the page and its workers). */
  readonly cpu_seconds: ProcessMemory;
  /** CPU seconds by process kind and thread name, while parsing and afterwards. */
  readonly import_cpu_by_thread: Record<string, Record<string, number>>;
  readonly renderer_rss_timeline: readonly [number, number, string][];
  readonly page_js_heap_peak_mb: number | null;
  readonly worker_js_heap_peak_mb: number | null;
  readonly main_thread: { import: Responsiveness; view: Responsiveness };
  /** Seconds (from the file chosen) of each read of stored columns on the page's thread. */
  readonly page_reads_of_stored_columns: number[];
}

/** Resident memory of the Chromium processes of one profile, from /proc. */
interface ProcessMemory {
  /** The renderer that runs the page and its workers. */
  readonly renderer: number;
  /** Every Chromium process (browser, GPU, utilities); shared pages count once per process. */
  readonly all_processes: number;
}

interface Responsiveness {
  readonly long_tasks: number;
  readonly long_task_total_ms: number;
  readonly longest_long_task_ms: number;
  readonly longest_frame_gap_ms: number;
  /** The larger of the two: how long the page could not respond at worst. */
  readonly longest_block_ms: number;
}

const rssKb = (pid: string) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)/.exec(status);
  return match ? Number(match[1]) : 0;
};

/** Chromium processes started with `userDataDir`, each with its kind (browser, renderer, gpu-process, utility…). */
function chromiumProcesses(
  userDataDir: string,
): { pid: string; renderer: boolean; kind: string }[] {
  const found: { pid: string; renderer: boolean; kind: string }[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes(userDataDir)) continue;
      const kind = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
      found.push({ pid, renderer: kind === 'renderer', kind });
    } catch {
      // The process ended while the list was read.
    }
  }
  return found;
}

/**
 * The name and the user + system CPU seconds so far of a process or thread, from its `stat` file
 * (Linux counts them in 1/100 s).
 */
function readStat(path: string): { name: string; seconds: number } {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    seconds: (Number(fields[11]) + Number(fields[12])) / 100,
  };
}

const cpuSeconds = (pid: string) => readStat(`/proc/${pid}/stat`).seconds;

interface ThreadCpu {
  /** "process kind / thread name" */
  readonly key: string;
  readonly seconds: number;
}

/**
 * CPU seconds so far of every thread of the Chromium processes of this profile, by pid/tid,
 * each named "process kind / thread name": where an import's CPU goes.
 */
function threadCpu(userDataDir: string): Map<string, ThreadCpu> {
  const threads = new Map<string, ThreadCpu>();
  for (const { pid, kind } of chromiumProcesses(userDataDir)) {
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        const { name, seconds } = readStat(`/proc/${pid}/task/${task}/stat`);
        threads.set(`${pid}/${task}`, { key: `${kind} / ${name}`, seconds });
      }
    } catch {
      // The process or thread ended while it was read.
    }
  }
  return threads;
}

/**
 * CPU seconds used between two `threadCpu` readings, summed by thread name, the busiest first
 * (≥ 0.05 s). A thread that ended in between is missing (its time cannot be read any more).
 */
function threadCpuBetween(before: Map<string, ThreadCpu>, after: Map<string, ThreadCpu>) {
  const byName = new Map<string, number>();
  for (const [id, { key, seconds }] of after) {
    byName.set(key, (byName.get(key) ?? 0) + seconds - (before.get(id)?.seconds ?? 0));
  }
  return Object.fromEntries(
    [...byName]
      .map(([key, seconds]) => [key, round(seconds, 2)] as const)
      .filter(([, seconds]) => seconds >= 0.05)
      .sort((a, b) => b[1] - a[1]),
  );
}

/**
 * Samples the processes' memory every `ms` until stopped (the pid list is refreshed each 2 s),
 * and the CPU time they used meanwhile.
 */
function sampleMemory(userDataDir: string, ms = 100) {
  let processes = chromiumProcesses(userDataDir);
  let listed = performance.now();
  const peak = { renderer: 0, all_processes: 0 };
  let marked: ProcessMemory | null = null;
  let viewed: ProcessMemory | null = null;
  let latest: ProcessMemory = { renderer: 0, all_processes: 0 };
  const sample = (): ProcessMemory => {
    if (performance.now() - listed > 2000) {
      processes = chromiumProcesses(userDataDir);
      listed = performance.now();
    }
    let all = 0;
    let renderer = 0;
    for (const process of processes) {
      let kb = 0;
      try {
        kb = rssKb(process.pid);
      } catch {
        continue;
      }
      all += kb;
      if (process.renderer) renderer = Math.max(renderer, kb);
    }
    const now = { renderer: renderer / 1024, all_processes: all / 1024 };
    latest = now;
    peak.renderer = Math.max(peak.renderer, now.renderer);
    peak.all_processes = Math.max(peak.all_processes, now.all_processes);
    return now;
  };
  const cpuBefore = new Map<string, number>();
  const cpuOf = (pid: string) => {
    try {
      return cpuSeconds(pid);
    } catch {
      return 0;
    }
  };
  for (const process of processes) cpuBefore.set(process.pid, cpuOf(process.pid));
  const baseline = sample();
  const timer = setInterval(sample, ms);
  return {
    baseline,
    /** The latest sample. */
    latest: () => latest,
    /** The peak so far, kept as the first phase's. */
    mark: () => {
      sample();
      marked = { ...peak };
    },
    /** The peak so far, kept as the second phase's. */
    markView: () => {
      sample();
      viewed = { ...peak };
    },
    stop: (): {
      marked: ProcessMemory;
      viewed: ProcessMemory;
      peak: ProcessMemory;
      cpu: ProcessMemory;
    } => {
      clearInterval(timer);
      sample();
      const cpu = { renderer: 0, all_processes: 0 };
      for (const process of chromiumProcesses(userDataDir)) {
        const used = cpuOf(process.pid) - (cpuBefore.get(process.pid) ?? 0);
        cpu.all_processes += used;
        if (process.renderer) cpu.renderer += used;
      }
      return {
        marked: marked ?? { ...peak },
        viewed: viewed ?? { ...peak },
        peak: { ...peak },
        cpu,
      };
    },
  };
}

/**
 * Records, in the page, every long task (over 50 ms on the main thread) and every gap of over
 * 50 ms between animation frames, each with its start on the page's clock, while
 * `window.__importBench.recording` is set. A string, because a function passed to the page would
 * carry the bundler's helpers with it.
 */
const RECORDER = `(() => {
  const recorder = { recording: false, longTasks: [], frameGaps: [], blobReads: [] };
  window.__importBench = recorder;
  // Reads of stored columns on the page's thread: the view shows the table the import handed
  // over, so there should be none (one would copy the whole table).
  for (const method of ['get', 'getAll']) {
    const original = IDBObjectStore.prototype[method];
    IDBObjectStore.prototype[method] = function (...args) {
      if (this.name === 'blobs') recorder.blobReads.push(performance.now());
      return original.apply(this, args);
    };
  }
  new PerformanceObserver((list) => {
    if (!recorder.recording) return;
    for (const entry of list.getEntries()) {
      recorder.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask' });
  let last = 0;
  const frame = (time) => {
    if (recorder.recording && last > 0 && time - last > 50) {
      recorder.frameGaps.push({ start: last, duration: time - last });
    }
    last = time;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;

interface Block {
  readonly start: number;
  readonly duration: number;
}

interface Recorded {
  readonly longTasks: Block[];
  readonly frameGaps: Block[];
  readonly blobReads: number[];
}

const readRecorder = async (page: Page) =>
  (await page.evaluate(`(() => {
    const { longTasks, frameGaps, blobReads } = window.__importBench;
    return { longTasks, frameGaps, blobReads };
  })()`)) as Recorded;

/** The blocks that started in [from, to) on the page's clock. */
function responsiveness(recorded: Recorded, from: number, to: number): Responsiveness {
  const within = (blocks: Block[]) =>
    blocks.filter((block) => block.start >= from && block.start < to).map((b) => b.duration);
  const tasks = within(recorded.longTasks);
  const longest = Math.max(0, ...tasks);
  const gap = Math.max(0, ...within(recorded.frameGaps));
  return {
    long_tasks: tasks.length,
    long_task_total_ms: round(
      tasks.reduce((a, b) => a + b, 0),
      0,
    ),
    longest_long_task_ms: round(longest, 0),
    longest_frame_gap_ms: round(gap, 0),
    longest_block_ms: round(Math.max(longest, gap), 0),
  };
}

const QUIET_MS = 2000;

/** Waits until no long task has been seen for `QUIET_MS` (the view's lazy work is done). */
async function waitForQuiet(page: Page, timeoutMs = 120_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const quietFor = (await page.evaluate(`(() => {
      const tasks = window.__importBench.longTasks;
      const last = tasks.length ? tasks[tasks.length - 1] : null;
      return performance.now() - (last ? last.start + last.duration : 0);
    })()`)) as number;
    if (quietFor >= QUIET_MS) return;
    if (performance.now() > deadline)
      throw new Error('the page never became quiet after the import');
    await new Promise((done) => setTimeout(done, QUIET_MS - quietFor + 50));
  }
}

/**
 * Shows the imported dataset as a user would look at it: the profile and rows, then each chart
 * scrolled into view, waiting for each to draw.
 */
async function viewDataset(page: Page, onStep: (step: string) => void) {
  const view = page.getByTestId('dataset-view');
  onStep('view:profile');
  await view.getByTestId('profile-row').first().waitFor({ timeout: 120_000 });
  onStep('view:rows');
  await view.getByTestId('data-row').first().waitFor({ timeout: 120_000 });
  const panels = view.getByTestId('explore-panel');
  for (let i = 0; i < (await panels.count()); i++) {
    const panel = panels.nth(i);
    const title =
      (await panel
        .locator(':is(h2, h3, h4)')
        .first()
        .textContent()
        .catch(() => null)) ?? '';
    onStep(`view:${title.trim().split(/\s+/).slice(0, 3).join('-') || `panel-${i}`}`);
    await panel.scrollIntoViewIfNeeded({ timeout: 120_000 });
    await panel.locator(':is(svg, canvas)').first().waitFor({ timeout: 120_000 });
  }
  onStep('view:settle');
  await view.getByTestId('data-row').first().scrollIntoViewIfNeeded();
}

/**
 * Waits (up to 60 s) until the page's service worker is active, then 1 s more for what its
 * install leaves: how many seconds it took, or null when it did not happen in that time.
 */
async function waitForServiceWorker(page: Page): Promise<number | null> {
  const started = performance.now();
  const active = (await page
    .evaluate(
      `Promise.race([
        navigator.serviceWorker.ready.then(async (registration) => {
          const worker = registration.active;
          while (worker.state !== 'activated') {
            await new Promise((done) => worker.addEventListener('statechange', done, { once: true }));
          }
          return true;
        }),
        new Promise((done) => setTimeout(() => done(false), 60000)),
      ])`,
    )
    .catch(() => false)) as boolean;
  const seconds = (performance.now() - started) / 1000;
  await new Promise((done) => setTimeout(done, 1000));
  return active ? seconds : null;
}

/** The JS heap in use by the data worker, where Chromium exposes `performance.memory` there. */
async function workerHeap(page: Page): Promise<number | null> {
  const worker = page.workers().find((candidate) => /data\.worker/.test(candidate.url()));
  if (!worker) return null;
  try {
    return (await worker.evaluate(
      'performance.memory ? performance.memory.usedJSHeapSize : null',
    )) as number | null;
  } catch {
    return null;
  }
}

/** Builds the lab into a temporary folder, for a fresh clone where no build is at hand. */
function buildLab(): { dist: string; remove: () => void } {
  const dist = mkdtempSync(join(tmpdir(), 'bunsen-import-dist-'));
  console.log(`Building the lab into ${dist}…`);
  const built = spawnSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir'], {
    encoding: 'utf8',
    maxBuffer: 64 * MB,
  });
  if (built.status !== 0) {
    rmSync(dist, { recursive: true, force: true });
    throw new Error(`the lab's build failed:\n${built.stdout}\n${built.stderr}`);
  }
  return { dist, remove: () => rmSync(dist, { recursive: true, force: true }) };
}

interface TraceEvent {
  readonly ph: string;
  readonly pid: number;
  readonly name: string;
  readonly args?: {
    readonly name?: string;
    readonly dumps?: {
      readonly allocators?: Record<string, { attrs?: Record<string, { value: string }> }>;
      readonly process_totals?: Record<string, string>;
    };
  };
}

/**
 * One detailed memory-infra dump of every process: per process, its resident size and each
 * allocator (two levels deep) over 1 MB, largest first.
 */
async function memoryDump(cdp: CDPSession) {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }: { value: TraceEvent[] }) => events.push(...value));
  const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: ['disabled-by-default-memory-infra'],
      memoryDumpConfig: { triggers: [] },
    },
    transferMode: 'ReportEvents',
  });
  await cdp.send('Tracing.requestMemoryDump', { levelOfDetail: 'detailed' });
  await cdp.send('Tracing.end');
  await complete;
  const names = new Map<number, string>();
  for (const event of events) {
    if (event.ph === 'M' && event.name === 'process_name')
      names.set(event.pid, event.args?.name ?? '');
  }
  const megabytes = (hex: string | undefined) => (hex ? round(parseInt(hex, 16) / MB, 1) : 0);
  return events
    .filter((event) => event.ph === 'v' && event.args?.dumps?.allocators)
    .map((event) => {
      const dumps = event.args?.dumps;
      const allocators = Object.entries(dumps?.allocators ?? {})
        .filter(([name]) => name.split('/').length <= 3)
        .map(([name, entry]) => ({ name, mb: megabytes(entry.attrs?.size?.value) }))
        .filter((entry) => entry.mb >= 1)
        .sort((a, b) => b.mb - a.mb);
      return {
        process: names.get(event.pid) ?? String(event.pid),
        resident_mb: megabytes(dumps?.process_totals?.resident_set_bytes),
        allocators,
      };
    });
}

/**
 * Derives one column from the shown version through the Prepare panel: the seconds until the new
 * version is shown, and the renderer's peak RSS meanwhile (MB).
 */
/**
 * Reloads the page on the Data view of the stored dataset: seconds until its rows and profile
 * show again, read back from IndexedDB.
 */
async function reopenAfterReload(page: Page): Promise<number> {
  const started = performance.now();
  await page.reload();
  const view = page.getByTestId('dataset-view');
  await view.getByTestId('data-row').first().waitFor({ timeout: 120_000 });
  await view.getByTestId('profile-row').first().waitFor({ timeout: 120_000 });
  return (performance.now() - started) / 1000;
}

async function deriveStep(
  page: Page,
  userDataDir: string,
): Promise<{ seconds: number; peakRendererMb: number }> {
  const view = page.getByTestId('dataset-view');
  await view.getByTestId('step-derive').click();
  await view.getByTestId('derive-name').fill('double_price');
  await view.getByTestId('derive-expression').fill('price * 2');
  const memory = sampleMemory(userDataDir, 50);
  const started = performance.now();
  await view.getByTestId('prepare-apply').click();
  await view
    .getByTestId('shown-version')
    .filter({ hasText: 'version 2' })
    .waitFor({ timeout: 10 * 60_000 });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, peakRendererMb: memory.stop().peak.renderer };
}

async function runBrowser(
  path: string,
  dist: string,
  profilePath: string | undefined,
  dumpPath?: string,
): Promise<BrowserRun> {
  const server = await startServer({ root: dist });
  const userDataDir = mkdtempSync(join(tmpdir(), 'bunsen-import-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: true,
    args: [...chromiumArgs(), '--enable-precise-memory-info'],
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const failed = () => {
      if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
    };
    await page.goto(server.url);
    await page.getByTestId('app-ready').waitFor({ state: 'attached', timeout: 120_000 });
    await page
      .getByRole('navigation', { name: 'Lab' })
      .getByRole('link', { name: /^Data/ })
      .click();
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    await page.evaluate(RECORDER);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    let pageHeap = 0;
    let workerHeapPeak: number | null = null;
    let parseSeconds: number | null = null;
    let sampling = true;
    /** Where the view is, for the timeline: which part is being waited for. */
    let viewStep = 'view';
    const memory = sampleMemory(userDataDir);
    /** [seconds, renderer RSS in MB, the import's phase] every 250 ms: where the peak falls. */
    const timeline: [number, number, string][] = [];
    await page.evaluate('window.__importBench.recording = true');
    if (profilePath !== undefined) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const cpuAtStart = threadCpu(userDataDir);
    // Threads read every tick keep their last reading once they end (a worker that a job
    // starts and ends would otherwise leave no trace).
    const cpuSeen = new Map(cpuAtStart);
    const readThreads = () => {
      for (const [id, thread] of threadCpu(userDataDir)) cpuSeen.set(id, thread);
      return new Map(cpuSeen);
    };
    let cpuAtProfile: Map<string, ThreadCpu> | null = null;
    const started = performance.now();
    const watch = (async () => {
      // Page heap and phase every 250 ms, the worker's heap every second (it answers between
      // chunks, so asking more often would slow the import it measures).
      let tick = 0;
      while (sampling) {
        const { metrics } = (await cdp.send('Performance.getMetrics')) as {
          metrics: { name: string; value: number }[];
        };
        const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
        pageHeap = Math.max(pageHeap, used);
        const phase = await page
          .getByTestId('import-progress')
          .textContent({ timeout: 100 })
          .catch(() => null);
        if (parseSeconds === null && phase?.includes('Profiling')) {
          parseSeconds = (performance.now() - started) / 1000;
          cpuAtProfile = readThreads();
        }
        readThreads();
        timeline.push([
          round((performance.now() - started) / 1000, 2),
          round(memory.latest().renderer, 0),
          phase?.trim().split(/\s+/)[0] ?? viewStep,
        ]);
        if (tick++ % 4 === 0) {
          const heap = await workerHeap(page);
          if (heap !== null) workerHeapPeak = Math.max(workerHeapPeak ?? 0, heap);
        }
        await new Promise((done) => setTimeout(done, 250));
      }
    })();
    // A failure below must not leave the sampling loop asking a closed page (and hide the error).
    const stopWatching = async () => {
      sampling = false;
      await watch.catch(() => undefined);
    };
    try {
      const pageStart = (await page.evaluate('performance.now()')) as number;
      await page.getByTestId('import-file').setInputFiles(path);
      const notice = page.getByTestId('notice').filter({ hasText: /Imported table\.csv/ });
      const refused = page.getByTestId('import-error');
      await notice.or(refused).waitFor({ timeout: 30 * 60_000 });
      failed();
      if (await refused.isVisible()) {
        throw new Error(`the import failed: ${(await refused.textContent()) ?? ''}`);
      }
      const seconds = (performance.now() - started) / 1000;
      const imported = (await page.evaluate('performance.now()')) as number;
      const cpuAtEnd = readThreads();
      // Notices fade after a while: read this one now.
      const text = (await notice.textContent()) ?? '';
      memory.mark();
      await viewDataset(page, (step) => (viewStep = step));
      const viewSeconds = (performance.now() - started) / 1000 - seconds;
      await waitForQuiet(page);
      failed();
      const quiet = (await page.evaluate('performance.now()')) as number;
      await page.evaluate('window.__importBench.recording = false');
      memory.markView();
      if (dumpPath !== undefined) {
        writeFileSync(dumpPath, JSON.stringify(await memoryDump(cdp), null, 1));
      }
      // The lab registers its service worker once it is quiet; on this first visit that
      // installs it (precaching every runtime) in the page's process, after the view.
      const serviceWorkerSeconds = await waitForServiceWorker(page);
      await stopWatching();
      const { marked, viewed, peak, cpu } = memory.stop();
      if (profilePath !== undefined) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(profilePath, JSON.stringify(profile));
      }
      const recorded = await readRecorder(page);
      const prepare = await deriveStep(page, userDataDir);
      failed();
      const reopenSeconds = await reopenAfterReload(page);
      failed();
      const rows = Number(/: ([\d,]+) rows/.exec(text)?.[1]?.replaceAll(',', '') ?? NaN);
      return {
        chromium: context.browser()?.version() ?? 'unknown',
        view_seconds: viewSeconds,
        prepare_step_seconds: prepare.seconds,
        prepare_step_peak_rss_mb: prepare.peakRendererMb,
        reopen_seconds: reopenSeconds,
        import_seconds: seconds,
        parse_seconds: parseSeconds,
        rows,
        baseline_rss_mb: memory.baseline,
        peak_rss_mb: marked,
        peak_rss_with_view_mb: viewed,
        peak_rss_with_service_worker_mb: peak,
        service_worker_seconds: serviceWorkerSeconds,
        cpu_seconds: cpu,
        import_cpu_by_thread: {
          read_and_parse: threadCpuBetween(cpuAtStart, cpuAtProfile ?? cpuAtEnd),
          profile_and_store: threadCpuBetween(cpuAtProfile ?? cpuAtStart, cpuAtEnd),
        },
        renderer_rss_timeline: timeline,
        page_js_heap_peak_mb: pageHeap / MB,
        worker_js_heap_peak_mb: workerHeapPeak === null ? null : workerHeapPeak / MB,
        main_thread: {
          import: responsiveness(recorded, pageStart, imported),
          view: responsiveness(recorded, imported, quiet),
        },
        page_reads_of_stored_columns: recorded.blobReads.map((at) =>
          round((at - pageStart) / 1000, 2),
        ),
      };
    } finally {
      await stopWatching();
    }
  } finally {
    await context.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

function browserResults(run: BrowserRun, megabytes: number, pandasSeconds: number | null) {
  const memory = (sample: ProcessMemory) => ({
    renderer: round(sample.renderer, 0),
    all_processes: round(sample.all_processes, 0),
  });
  return {
    chromium: run.chromium,
    path: 'Data page file input → data worker (reads the file as a stream) → profile → IndexedDB → Data view',
    import_seconds: round(run.import_seconds),
    import_mb_per_s: round(megabytes / run.import_seconds, 1),
    read_and_parse_seconds: run.parse_seconds === null ? null : round(run.parse_seconds),
    read_and_parse_mb_per_s:
      run.parse_seconds === null ? null : round(megabytes / run.parse_seconds, 1),
    rows: run.rows,
    cpu_seconds: {
      renderer: round(run.cpu_seconds.renderer, 2),
      all_processes: round(run.cpu_seconds.all_processes, 2),
    },
    import_cpu_by_thread: run.import_cpu_by_thread,
    baseline_rss_mb: memory(run.baseline_rss_mb),
    peak_rss_mb: memory(run.peak_rss_mb),
    renderer_peak_rss_over_file_size: round(run.peak_rss_mb.renderer / megabytes, 2),
    peak_rss_with_view_mb: memory(run.peak_rss_with_view_mb),
    renderer_peak_rss_with_view_over_file_size: round(
      run.peak_rss_with_view_mb.renderer / megabytes,
      2,
    ),
    view_seconds: round(run.view_seconds),
    prepare_step_seconds: round(run.prepare_step_seconds),
    prepare_step_renderer_peak_rss_mb: round(run.prepare_step_peak_rss_mb, 0),
    prepare_step_note:
      'One derive step (price * 2) on the imported version, from Apply until version 2 is shown: the step and the new version’s profile in the data worker, the new column stored (the 20 columns it keeps are shared with version 1, not written again).',
    reopen_seconds: round(run.reopen_seconds),
    reopen_note:
      'After the derive step, a reload of the page until the Data view shows version 2’s rows and profile again: the lab starting, and the 21 columns read back from IndexedDB.',
    peak_rss_with_service_worker_mb: memory(run.peak_rss_with_service_worker_mb),
    renderer_peak_rss_with_service_worker_over_file_size: round(
      run.peak_rss_with_service_worker_mb.renderer / megabytes,
      2,
    ),
    service_worker_seconds_after_quiet:
      run.service_worker_seconds === null ? null : round(run.service_worker_seconds),
    renderer_rss_growth_over_file_size: round(
      (run.peak_rss_mb.renderer - run.baseline_rss_mb.renderer) / megabytes,
      2,
    ),
    page_js_heap_peak_mb:
      run.page_js_heap_peak_mb === null ? null : round(run.page_js_heap_peak_mb, 0),
    worker_js_heap_peak_mb:
      run.worker_js_heap_peak_mb === null ? null : round(run.worker_js_heap_peak_mb, 0),
    renderer_rss_timeline: run.renderer_rss_timeline,
    page_reads_of_stored_columns: run.page_reads_of_stored_columns,
    memory_note:
      'RSS from /proc of the Chromium processes of this profile (the renderer holds the page, its workers and, this being a first visit, the service worker while it installs and precaches the runtimes; the lab registers it once it is quiet, so its install is measured apart, after the view); JS heaps from CDP Performance.getMetrics (page) and performance.memory in the data worker (null where Chromium does not expose it).',
    main_thread: {
      ...run.main_thread,
      longest_block_ms: Math.max(
        run.main_thread.import.longest_block_ms,
        run.main_thread.view.longest_block_ms,
      ),
      note: 'import: file chosen → the import notice; view: the notice → the Data view shows the rows and each chart (scrolled into view) and no long task has run for 2 s. Long tasks are main-thread tasks over 50 ms; frame gaps are gaps of over 50 ms between animation frames.',
    },
    import_vs_pandas_read_csv:
      pandasSeconds === null ? null : round(pandasSeconds / run.import_seconds, 2),
    read_and_parse_vs_pandas_read_csv:
      pandasSeconds === null || run.parse_seconds === null
        ? null
        : round(pandasSeconds / run.parse_seconds, 2),
  };
}

function report(browser: BrowserRun) {
  console.log(
    `chromium: import + profile + store ${browser.import_seconds.toFixed(2)} s (read + parse ${browser.parse_seconds?.toFixed(2) ?? '?'} s), renderer peak RSS ${browser.peak_rss_mb.renderer.toFixed(0)} MB (${browser.peak_rss_with_view_mb.renderer.toFixed(0)} MB with the view, ${browser.peak_rss_with_service_worker_mb.renderer.toFixed(0)} MB as the service worker installs afterwards), longest main-thread block ${browser.main_thread.import.longest_block_ms} ms during the import, ${browser.main_thread.view.longest_block_ms} ms while the view renders; a derive step ${browser.prepare_step_seconds.toFixed(2)} s (renderer peak ${browser.prepare_step_peak_rss_mb.toFixed(0)} MB); reopened after a reload in ${browser.reopen_seconds.toFixed(2)} s`,
  );
}

/**
 * Chromium runs `--browser-repeats` times (as often as Node and pandas by default): the fastest
 * is reported, as theirs are, with every run's time and peak.
 */
async function runBrowsers(path: string, dist: string, repeats: number): Promise<BrowserRuns> {
  const runs: BrowserRun[] = [];
  for (let i = 0; i < repeats; i++) {
    const run = await runBrowser(
      path,
      dist,
      textArg('main-thread-profile'),
      textArg('memory-dump'),
    );
    report(run);
    runs.push(run);
  }
  return {
    best: best(runs, (run) => run.import_seconds),
    all: runs.map((run) => ({
      import_seconds: round(run.import_seconds),
      renderer_peak_rss_mb: round(run.peak_rss_mb.renderer, 0),
    })),
  };
}

interface BrowserRuns {
  readonly best: BrowserRun;
  readonly all: { import_seconds: number; renderer_peak_rss_mb: number }[];
}

/** The fastest run's results, with each run's time and the highest renderer peak of any run. */
function browserRunsResults(runs: BrowserRuns, megabytes: number, pandasSeconds: number | null) {
  const highest = Math.max(...runs.all.map((run) => run.renderer_peak_rss_mb));
  return {
    ...browserResults(runs.best, megabytes, pandasSeconds),
    runs: runs.all,
    renderer_peak_rss_mb_highest_run: highest,
    renderer_peak_rss_highest_run_over_file_size: round(highest / megabytes, 2),
  };
}

const bestCpu = <T>(runs: T[], key: (run: T) => number) => Math.min(...runs.map(key));

const best = <T>(runs: T[], key: (run: T) => number) =>
  runs.reduce((a, b) => (key(b) < key(a) ? b : a));
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

async function main() {
  const measureAt = process.argv.indexOf('--measure');
  if (measureAt > 0) {
    console.log(JSON.stringify(measure(process.argv[measureAt + 1] as string)));
    return;
  }
  const rows = arg('rows', 1_000_000);
  const repeats = arg('repeats', 2);
  const browserRepeats = arg('browser-repeats', repeats);
  const withBrowser = !process.argv.includes('--no-browser');
  const givenDist = textArg('dist');
  if (givenDist !== undefined && !existsSync(join(givenDist, 'index.html'))) {
    throw new Error(`--dist ${givenDist}: there is no built lab (index.html) there.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bunsen-import-'));
  let build: { dist: string; remove: () => void } | null = null;
  const path = join(dir, 'table.csv');
  try {
    console.log(`Generating ${rows.toLocaleString('en-US')} × 20 CSV…`);
    generateCsv(path, rows, 42);
    const bytes = statSync(path).size;
    const megabytes = bytes / MB;
    console.log(`${megabytes.toFixed(1)} MB`);
    const machine = () => ({
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      load: loadavg().map((x) => round(x, 2)),
    });
    if (process.argv.includes('--browser-only')) {
      if (givenDist === undefined) build = buildLab();
      const dist = givenDist === undefined ? build!.dist : resolve(givenDist);
      const browser = await runBrowsers(path, dist, browserRepeats);
      const results = {
        benchmark: 'csv-import-browser',
        file: { rows, columns: 20, bytes, megabytes: round(megabytes, 1) },
        browser: browserRunsResults(browser, megabytes, null),
        machine: machine(),
      };
      mkdirSync('bench/results', { recursive: true });
      writeFileSync('bench/results/import-browser.json', `${JSON.stringify(results, null, 2)}\n`);
      console.log('Wrote bench/results/import-browser.json');
      return;
    }
    const nodeRuns: NodeRun[] = [];
    const pandasRuns: PandasRun[] = [];
    for (let i = 0; i < repeats; i++) {
      const ours = runNode(path);
      nodeRuns.push(ours);
      console.log(
        `ours:   import ${ours.import_seconds.toFixed(2)} s (CPU ${ours.import_cpu_seconds.toFixed(2)} s) + profile ${ours.profile_seconds.toFixed(2)} s, peak RSS ${ours.peak_rss_mb.toFixed(0)} MB`,
      );
      const theirs = runPandas(path);
      pandasRuns.push(theirs);
      console.log(
        `pandas: read_csv ${theirs.read_csv_seconds.toFixed(2)} s (CPU ${theirs.read_csv_cpu_seconds.toFixed(2)} s; describe ${theirs.describe_seconds.toFixed(2)} s), peak RSS ${theirs.peak_rss_mb.toFixed(0)} MB`,
      );
    }
    let browser: BrowserRuns | null = null;
    if (withBrowser) {
      if (givenDist === undefined) build = buildLab();
      const dist = givenDist === undefined ? build!.dist : resolve(givenDist);
      browser = await runBrowsers(path, dist, browserRepeats);
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
        import_cpu_seconds: round(ours.import_cpu_seconds),
        import_mb_per_cpu_s: round(megabytes / ours.import_cpu_seconds, 1),
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
        read_csv_cpu_seconds: round(theirs.read_csv_cpu_seconds),
        read_csv_mb_per_cpu_s: round(megabytes / theirs.read_csv_cpu_seconds, 1),
        describe_seconds: round(theirs.describe_seconds),
        peak_rss_mb: round(theirs.peak_rss_mb, 0),
      },
      browser: browser && browserRunsResults(browser, megabytes, theirs.read_csv_seconds),
      import_and_profile_vs_pandas_read_csv: round(theirs.read_csv_seconds / ours.total_seconds, 2),
      import_vs_pandas_read_csv: round(theirs.read_csv_seconds / ours.import_seconds, 2),
      // The same ratio in CPU time, which a loaded machine disturbs less than wall time.
      import_vs_pandas_read_csv_cpu: round(
        bestCpu(pandasRuns, (run) => run.read_csv_cpu_seconds) /
          bestCpu(nodeRuns, (run) => run.import_cpu_seconds),
        2,
      ),
      repeats,
      browser_repeats: browser?.all.length ?? 0,
      machine: machine(),
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/import.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `Import + profile ${results.node.import_and_profile_mb_per_s} MB/s (import alone ${results.node.import_mb_per_s} MB/s) vs pandas.read_csv ${results.pandas.read_csv_mb_per_s} MB/s; peak RSS ${results.node.peak_rss_mb} MB for a ${results.file.megabytes} MB file.`,
    );
    console.log('Wrote bench/results/import.json');
  } finally {
    build?.remove();
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.log(`Kept ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
