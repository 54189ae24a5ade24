#!/usr/bin/env node
// Experiment tracking in headless Chromium against the built lab: a run logging 100,000 metric
// points (does the page stay responsive, how fast are they stored and read back for a chart), the
// run page and the compare view of 50 runs × 1,000 steps. The reference, measured in the same run
// and the same browser, is the plain approach: one IndexedDB record per metric point, read back
// in full. Writes bench/results/tracking.json.
//   node scripts/bench/tracking.mjs [--points 100000] [--runs 50] [--steps 1000] [--root DIR]
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from '@playwright/test';
import { chromiumArgs, findChromium } from '../chromium.mjs';
import { startServer } from '../serve.mjs';

const option = (name) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const points = Number(option('points') ?? 100_000);
const runCount = Number(option('runs') ?? 50);
const steps = Number(option('steps') ?? 1000);
const root = option('root') ?? 'dist';

if (!existsSync(join(root, 'index.html'))) {
  execFileSync('npx', ['vite', 'build', '--outDir', root], { stdio: 'inherit' });
}
const loadStart = loadavg();
const server = await startServer({ root, port: 4100 + Math.floor(Math.random() * 800) });
const profile = await mkdtemp(join(tmpdir(), 'bunsen-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: findChromium(),
  headless: true,
  args: chromiumArgs(),
  viewport: { width: 1400, height: 1000 },
});

/** Records main-thread stalls: long tasks and the largest gap between animation frames. */
const watchMainThread = () => {
  const state = { longTasks: 0, longestTaskMs: 0, longestFrameGapMs: 0, last: 0, on: true };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      state.longTasks += 1;
      state.longestTaskMs = Math.max(state.longestTaskMs, entry.duration);
    }
  }).observe({ type: 'longtask', buffered: false });
  const frame = (now) => {
    if (state.last) state.longestFrameGapMs = Math.max(state.longestFrameGapMs, now - state.last);
    state.last = now;
    if (state.on) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  window.__stalls = state;
};
const readStalls = () => {
  const state = window.__stalls;
  state.on = false;
  return {
    long_tasks: state.longTasks,
    longest_task_ms: Math.round(state.longestTaskMs),
    longest_frame_gap_ms: Math.round(state.longestFrameGapMs),
  };
};

try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  await page.waitForSelector('[data-testid="app-ready"]', { state: 'attached' });
  const workspaceId = await page.evaluate(async () => {
    const lab = window.bunsen;
    const workspace = (await lab.workspaces())[0] ?? (await lab.createWorkspace('Benchmark'));
    return workspace.id;
  });
  await page.reload();
  await page.waitForSelector('[data-testid="app-ready"]', { state: 'attached' });

  console.log(`Logging ${points} metric points into one run, with the runs page open…`);
  await page.goto(`${server.url}#/runs`);
  await page.evaluate(watchMainThread);
  const logging = await page.evaluate(
    async ({ workspaceId, points }) => {
      const lab = window.bunsen;
      const run = await lab.runs.start(workspaceId, { name: 'many points', experiment: 'Bench' });
      const t0 = performance.now();
      // As a trainer logs: a step at a time, yielding to the page between batches of steps.
      for (let step = 0; step < points; step += 1) {
        run.logMetric('loss', Math.exp(-step / points) + 0.01 * Math.sin(step), step);
        if (step % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await run.flush();
      const storedMs = performance.now() - t0;
      await run.finish();
      const t1 = performance.now();
      const history = await lab.runs.metricHistory(run.record.id, 'loss', { maxPoints: 2000 });
      const readMs = performance.now() - t1;
      return {
        runId: run.record.id,
        stored_s: storedMs / 1000,
        downsampled_read_s: readMs / 1000,
        points_read: history.steps?.length ?? history.values?.length ?? null,
        downsampled: history.downsampled ?? null,
      };
    },
    { workspaceId, points },
  );
  logging.main_thread = await page.evaluate(readStalls);

  console.log('Opening the run page of that run…');
  const runPageStart = Date.now();
  await page.goto(`${server.url}#/runs?id=${encodeURIComponent(logging.runId)}`);
  await page.waitForSelector('[data-testid="metric-chart"] path[data-series]');
  const runPageSeconds = (Date.now() - runPageStart) / 1000;

  console.log('Reference: one IndexedDB record per point, written and read back in full…');
  const reference = await page.evaluate(async (points) => {
    const open = indexedDB.open(`bench-tracking-reference-${Math.random()}`, 1);
    open.onupgradeneeded = () =>
      open.result.createObjectStore('points', { keyPath: ['run', 'name', 'step'] });
    const db = await new Promise((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const done = (tx) =>
      new Promise((resolve, reject) => {
        tx.oncomplete = () => resolve(undefined);
        tx.onerror = () => reject(tx.error);
      });
    const t0 = performance.now();
    for (let start = 0; start < points; start += 500) {
      const tx = db.transaction('points', 'readwrite');
      const store = tx.objectStore('points');
      for (let step = start; step < Math.min(points, start + 500); step += 1) {
        store.put({ run: 'r', name: 'loss', step, value: Math.exp(-step / points), time: step });
      }
      await done(tx);
    }
    const writeMs = performance.now() - t0;
    const t1 = performance.now();
    const tx = db.transaction('points', 'readonly');
    const request = tx.objectStore('points').getAll();
    const all = await new Promise((resolve) => (request.onsuccess = () => resolve(request.result)));
    const readMs = performance.now() - t1;
    db.close();
    return { stored_s: writeMs / 1000, full_read_s: readMs / 1000, points_read: all.length };
  }, points);

  console.log(`Logging ${runCount} runs × ${steps} steps, then opening the compare view…`);
  const runIds = await page.evaluate(
    async ({ workspaceId, runCount, steps }) => {
      const lab = window.bunsen;
      const ids = [];
      for (let r = 0; r < runCount; r += 1) {
        const run = await lab.runs.start(workspaceId, {
          name: `sweep ${r + 1}`,
          experiment: 'Sweep',
          params: { learning_rate: 0.01 * (1 + (r % 10)), depth: 2 + (r % 5) },
        });
        for (let step = 0; step < steps; step += 1) {
          run.logMetrics(
            { loss: Math.exp(-step / (100 + 10 * r)), accuracy: 1 - Math.exp(-step / (80 + r)) },
            step,
          );
        }
        await run.finish();
        ids.push(run.record.id);
      }
      return ids;
    },
    { workspaceId, runCount, steps },
  );
  await page.goto(`${server.url}#/runs`);
  await page.waitForSelector('[data-testid="run-row"]');
  await page.evaluate(watchMainThread);
  const compareStart = Date.now();
  await page.goto(`${server.url}#/runs?compare=${runIds.map(encodeURIComponent).join(',')}`);
  await page.waitForFunction(
    (count) =>
      [...document.querySelectorAll('[data-testid="compare-chart"]')].some(
        (chart) => chart.querySelectorAll('path[data-series]').length === count,
      ),
    runIds.length,
    { timeout: 120_000 },
  );
  const compareSeconds = (Date.now() - compareStart) / 1000;
  const compareStalls = await page.evaluate(readStalls);

  const results = {
    benchmark: 'tracking',
    chromium: context.browser()?.version() ?? null,
    node: process.version,
    load_average: { start: loadStart, end: loadavg() },
    one_run: {
      points,
      ours: { ...logging, run_page_open_s: runPageSeconds },
      reference_one_record_per_point: reference,
      store_speedup: reference.stored_s / logging.stored_s,
      read_speedup: reference.full_read_s / logging.downsampled_read_s,
    },
    compare: {
      runs: runIds.length,
      steps,
      metrics: 2,
      open_s: compareSeconds,
      main_thread: compareStalls,
    },
  };
  delete results.one_run.ours.runId;
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/tracking.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  console.log('Wrote bench/results/tracking.json');
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}
