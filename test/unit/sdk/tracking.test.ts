import { describe, expect, it } from 'vitest';
import { datasetVersion, fakeLocks, manualTimers, openLab, runLockName } from './helpers';
import { StoreError } from '../../../src/store/errors';
import type { EndedRun } from '../../../src/sdk';
import {
  appendTelemetry,
  createRun,
  logRunArtifact,
  logRunParams,
} from '../../../src/store/tracking';
import { seededRandom } from '../../../src/core/random';
import { sha256 } from '../../../src/store/hash';

async function refusal(promise: Promise<unknown> | (() => unknown), kind: StoreError['kind']) {
  let error: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).kind).toBe(kind);
  return error as StoreError;
}

describe('tracking runs', () => {
  it('records a run from start to finish and keeps it immutable afterwards', async () => {
    const { lab, clock, workspace, store } = await openLab();
    const version = await datasetVersion(store, workspace.id);
    const run = await lab.runs.start(workspace.id, {
      experiment: 'Iris',
      name: 'gbdt, 100 trees',
      params: { learner: 'gbdt', tree: { depth: 3, leaves: [1, 2] }, lr: 0.1 },
      tags: { owner: 'ada' },
      seed: 7,
      device: 'cpu',
      backend: 'typed arrays',
      inputs: [version.id],
      snapshot: { kind: 'spec', content: { target: 'species', learner: 'gbdt' } },
    });
    expect(run.record).toMatchObject({
      status: 'running',
      params: { learner: 'gbdt', 'tree.depth': 3, 'tree.leaves': '[1,2]', lr: 0.1 },
      inputs: [{ datasetVersionId: version.id, contentHash: version.contentHash, role: null }],
      seed: 7,
      startedAt: clock.now(),
    });
    const [experiment] = await lab.experiments.list(workspace.id);
    expect(experiment?.name).toBe('Iris');

    clock.advance(1500);
    run.logMetric('loss', 0.9, 0);
    run.logMetrics({ loss: 0.5, accuracy: 0.8 }, 1);
    run.log('epoch 1 done\nepoch 2 done');
    await run.logParams({ test_size: 0.2 });
    await run.logArtifact('model.json', '{"trees":[]}', 'application/json');
    await run.setEnvironment({ backend: 'wasm' });
    clock.advance(2500);
    const finished = await run.finish();

    expect(finished).toMatchObject({
      status: 'finished',
      endedAt: clock.now(),
      durationMs: 4000,
      backend: 'wasm',
      error: null,
      counts: { metricPoints: 3, logLines: 2 },
      summary: {
        loss: { latest: 0.5, latestStep: 1, min: 0.5, max: 0.9, count: 2 },
        accuracy: { latest: 0.8, min: 0.8, max: 0.8, count: 1 },
      },
      params: { test_size: 0.2 },
    });
    expect(await lab.runs.snapshot(run.id)).toEqual({
      kind: 'spec',
      mediaType: 'application/json',
      text: '{"target":"species","learner":"gbdt"}',
    });
    const [finish] = await lab.auditOf(run.id, { limit: 1 });
    expect(finish?.summary).toBe(
      'Run “gbdt, 100 trees” finished after 4.0 s: 2 metrics (3 points), 2 log lines, 1 artifact',
    );
    expect(finish?.changes).toContainEqual({
      field: 'status',
      before: 'running',
      after: 'finished',
    });

    await refusal(() => run.logMetric('loss', 0.1, 2), 'immutable');
    await refusal(() => run.log('late'), 'immutable');
    await refusal(run.finish(), 'immutable');
    await refusal(
      appendTelemetry(
        store,
        run.id,
        { metrics: [{ key: 'loss', steps: [2], values: [0.1], times: [0] }], logs: null },
        0,
      ),
      'immutable',
    );
    await refusal(logRunParams(store, run.id, { extra: 1 }), 'immutable');
    await refusal(
      logRunArtifact(store, run.id, { name: 'late.txt', data: new Uint8Array(1) }),
      'immutable',
    );
    await refusal(store.update('runs', run.id, { status: 'running' }), 'immutable');
    await refusal(store.update('runs', run.id, { params: {} }), 'immutable');
    expect((await lab.runs.setTags(run.id, { owner: null, reviewed: 'yes' })).tags).toEqual({
      reviewed: 'yes',
    });
    expect((await lab.runs.setNotes(run.id, 'Best so far')).notes).toBe('Best so far');
    expect((await lab.runs.rename(run.id, 'gbdt-best')).name).toBe('gbdt-best');
    expect((await lab.verifyAudit(workspace.id)).ok).toBe(true);
    lab.close();
  });

  it('keeps a logged parameter’s value and checks what a run points at', async () => {
    const { lab, workspace, store } = await openLab();
    const version = await datasetVersion(store, workspace.id);
    const run = await lab.runs.start(workspace.id, { params: { lr: 0.1 } });
    expect(run.record.name).toBe('Run 1');
    await run.logParams({ lr: 0.1, epochs: 5 });
    const error = await refusal(run.logParams({ lr: 0.2 }), 'immutable');
    expect(error.message).toMatch(/Parameter “lr” of run “Run 1” is already 0.1/);
    await refusal(run.logParams({ bad: { nested: new Date() } as never }), 'invalid');
    await run.finish('cancelled');

    await refusal(lab.runs.start(workspace.id, { inputs: ['missing'] }), 'not-found');
    const mismatch = await refusal(
      lab.runs.start(workspace.id, {
        inputs: [{ datasetVersionId: version.id, contentHash: 'f'.repeat(64) }],
      }),
      'invalid',
    );
    expect(mismatch.where).toBe('inputs[0].contentHash');
    await refusal(lab.runs.start(workspace.id, { parentRunId: 'missing' }), 'not-found');
    await refusal(lab.runs.start(workspace.id, { name: ' ' }), 'invalid');
    expect((await lab.runs.list(workspace.id)).map((item) => item.status)).toEqual(['cancelled']);
    lab.close();
  });

  it('moves queued runs to running and ends them once', async () => {
    const { lab, workspace } = await openLab();
    const run = await lab.runs.start(workspace.id, { queued: true });
    expect(run.record).toMatchObject({ status: 'queued', startedAt: null });
    await run.start();
    expect(run.record.status).toBe('running');
    await refusal(run.start(), 'immutable');
    const failed = await run.finish('failed', new Error('Out of memory'));
    expect(failed).toMatchObject({ status: 'failed', error: 'Out of memory' });

    const never = await lab.runs.start(workspace.id, { queued: true });
    expect((await never.finish('cancelled')).durationMs).toBeNull();
    lab.close();
  });

  it('buffers points and writes them in batches, keeping every point in step order', async () => {
    const timers = manualTimers();
    const { lab, workspace, store } = await openLab({
      timers,
      flushPoints: 100,
      locks: fakeLocks(),
    });
    const run = await lab.runs.start(workspace.id);
    const chunks = async () => (await store.listChildren('metrics', run.id)).length;

    for (let step = 0; step < 99; step++) run.logMetric('loss', 1 / (step + 1), step);
    expect(await chunks()).toBe(0);
    expect(timers.pending).toBe(1);
    run.logMetric('loss', 0.01, 99);
    await run.flush();
    expect(await chunks()).toBe(1);
    expect(timers.pending).toBe(0);

    run.logMetric('loss', 0.5, 150);
    run.logMetric('loss', 0.6, 120);
    run.logMetric('loss', 0.7, 120);
    run.logMetric('accuracy', 0.9);
    run.log('tick');
    expect(timers.pending).toBe(1);
    timers.fire();
    await run.flush();
    expect(await chunks()).toBe(3);
    expect((await lab.runs.logs(run.id)).lines).toEqual(['tick']);

    const history = await lab.runs.metricHistory(run.id, 'loss');
    expect(history.total).toBe(103);
    expect(history.downsampled).toBe(false);
    expect([...history.steps.slice(98)]).toEqual([98, 99, 120, 120, 150]);
    expect([...history.values.slice(99)]).toEqual([0.01, 0.6, 0.7, 0.5]);
    expect(history.values[0]).toBe(1);
    const accuracy = await lab.runs.metricHistory(run.id, 'accuracy');
    expect([...accuracy.steps]).toEqual([0]);
    expect(await lab.runs.metricNames(run.id)).toEqual(['accuracy', 'loss']);

    run.logMetric('loss', NaN, 200);
    const done = await run.finish();
    expect(done.summary.loss).toMatchObject({
      latest: null,
      latestStep: 200,
      min: 0.01,
      max: 1,
      count: 104,
    });
    expect(Number.isNaN((await lab.runs.metricHistory(run.id, 'loss')).values[103])).toBe(true);
    lab.close();
  });

  it('stores 100,000 points of one run cheaply and reads them back downsampled', async () => {
    const { lab, workspace, store } = await openLab();
    const run = await lab.runs.start(workspace.id, { name: 'long' });
    const rng = seededRandom(3);
    const values = Float64Array.from(
      { length: 100_000 },
      (_, step) => 1 / Math.sqrt(step + 1) + rng() * 0.01,
    );
    values[54_321] = 7;
    values[77_777] = -3;
    for (let step = 0; step < values.length; step++)
      run.logMetric('loss', values[step] as number, step);
    const done = await run.finish();
    expect(done.counts.metricPoints).toBe(100_000);
    expect(done.summary.loss).toMatchObject({
      count: 100_000,
      min: -3,
      max: 7,
      latestStep: 99_999,
    });
    expect((await store.listChildren('metrics', run.id)).length).toBe(100);

    const chart = await lab.runs.metricHistory(run.id, 'loss', { maxPoints: 1000 });
    expect(chart.total).toBe(100_000);
    expect(chart.downsampled).toBe(true);
    expect(chart.values.length).toBeLessThanOrEqual(1000);
    expect(chart.values.length).toBeGreaterThan(990);
    expect(chart.steps[0]).toBe(0);
    expect(chart.steps[chart.steps.length - 1]).toBe(99_999);
    expect([...chart.values]).toContain(7);
    expect([...chart.values]).toContain(-3);
    expect(chart.times.length).toBe(chart.values.length);

    const full = await lab.runs.metricHistory(run.id, 'loss', { maxPoints: Infinity });
    expect(full.values).toEqual(values);
    expect(full.steps.every((step, i) => step === i)).toBe(true);
    lab.close();
  });

  it('compares runs: several series in one read', async () => {
    const { lab, workspace } = await openLab();
    const ids: string[] = [];
    for (let r = 0; r < 5; r++) {
      const run = await lab.runs.start(workspace.id, { params: { lr: r / 10 } });
      for (let step = 0; step < 1000; step++) run.logMetric('loss', (r + 1) / (step + 1), step);
      await run.finish();
      ids.push(run.id);
    }
    const series = await lab.runs.metricHistories(
      ids.map((runId) => ({ runId, name: 'loss' })),
      { maxPoints: 200 },
    );
    expect(series.map((item) => [item.runId, item.total, item.values.length <= 200])).toEqual(
      ids.map((id) => [id, 1000, true]),
    );
    expect(series[4]?.values[0]).toBe(5);
    lab.close();
  });

  it('reads logs by page and artifacts by name, one blob per distinct content', async () => {
    const { lab, workspace, store } = await openLab();
    const run = await lab.runs.start(workspace.id);
    for (let i = 0; i < 25; i++) run.log(`line ${i}`);
    run.log('x'.repeat(10_000));
    const page = await (async () => {
      await run.flush();
      return lab.runs.logs(run.id, { offset: 20, limit: 3 });
    })();
    expect(page).toMatchObject({ lines: ['line 20', 'line 21', 'line 22'], total: 26 });
    expect((await lab.runs.logs(run.id, { offset: 25 })).lines[0]).toHaveLength(8193);

    const plot = new Uint8Array([137, 80, 78, 71]);
    await run.logArtifact('plots/roc.png', plot, 'image/png');
    await run.logArtifact('copy.png', plot, 'image/png');
    const hash = await sha256(plot);
    expect((await store.getBlob(hash))?.refs).toBe(1);
    await run.logArtifact('plots/roc.png', new Uint8Array([1, 2, 3]), 'image/png');
    expect((await store.getBlob(hash))?.refs).toBe(1);
    await run.logArtifact('copy.png', 'text now');
    expect(await store.getBlob(hash)).toBeUndefined();
    await refusal(run.logArtifact('../escape', 'x'), 'invalid');
    const artifact = await lab.runs.artifact(run.id, 'plots/roc.png');
    expect(artifact).toMatchObject({ mediaType: 'image/png', size: 3 });
    expect([...artifact.bytes]).toEqual([1, 2, 3]);
    await refusal(lab.runs.artifact(run.id, 'nope.png'), 'not-found');
    await run.finish();
    expect((await lab.garbageCollect()).repaired).toBe(0);
    lab.close();
  });

  it('reports a failed write on flush and ends the run as failed', async () => {
    const timers = manualTimers();
    const { lab, workspace, store } = await openLab({ timers });
    const run = await lab.runs.start(workspace.id);
    // Another writer ends the run behind the handle's back: its next write is refused.
    await store.update('runs', run.id, { status: 'cancelled' });
    run.logMetric('loss', 1);
    await refusal(run.flush(), 'immutable');
    await refusal(run.finish(), 'immutable');
    expect((await lab.runs.get(run.id)).status).toBe('cancelled');
    lab.close();
  });
});

describe('interrupted runs', () => {
  it('marks runs whose Web Lock nobody holds as interrupted, and leaves live ones', async () => {
    const locks = fakeLocks();
    const { lab, clock, workspace, store } = await openLab({ locks });
    const mine = await lab.runs.start(workspace.id, { name: 'mine' });
    expect(locks.held.has(runLockName(mine.id))).toBe(true);
    const experimentId = mine.record.experimentId;
    const otherTab = await createRun(store, workspace.id, {
      experimentId,
      name: 'other tab',
      status: 'running',
    });
    locks.held.add(runLockName(otherTab.id));
    const closedTab = await createRun(store, workspace.id, {
      experimentId,
      name: 'closed tab',
      status: 'running',
    });
    const queued = await createRun(store, workspace.id, {
      experimentId,
      name: 'queued',
      status: 'queued',
    });
    clock.advance(5000);

    const interrupted = await lab.runs.recoverInterrupted();
    expect(interrupted.map((run) => run.name).sort()).toEqual(['closed tab', 'queued']);
    expect(await lab.runs.get(closedTab.id)).toMatchObject({
      status: 'interrupted',
      error: 'The page running this run was closed or crashed before the run ended.',
      endedAt: closedTab.heartbeatAt,
      durationMs: 0,
    });
    expect((await lab.runs.get(queued.id)).status).toBe('interrupted');
    expect((await lab.runs.get(otherTab.id)).status).toBe('running');
    expect((await lab.runs.get(mine.id)).status).toBe('running');

    locks.held.delete(runLockName(otherTab.id));
    expect((await lab.runs.recoverInterrupted(workspace.id)).map((run) => run.id)).toEqual([
      otherTab.id,
    ]);
    await mine.finish();
    expect(locks.held.has(runLockName(mine.id))).toBe(false);
    expect(await lab.runs.recoverInterrupted()).toEqual([]);
    lab.close();
  });

  it('falls back to heartbeats where Web Locks are missing', async () => {
    const timers = manualTimers();
    const { lab, clock, workspace, store } = await openLab({
      locks: null,
      timers,
      heartbeatMs: 10_000,
      staleAfterMs: 60_000,
    });
    const live = await lab.runs.start(workspace.id, { name: 'live' });
    const experimentId = live.record.experimentId;
    const elsewhere = await createRun(store, workspace.id, {
      experimentId,
      name: 'elsewhere',
      status: 'running',
    });
    clock.advance(30_000);
    expect(await lab.runs.recoverInterrupted()).toEqual([]);

    clock.advance(40_000);
    timers.fire();
    await live.flush();
    expect((await lab.runs.get(live.id)).heartbeatAt).toBe(clock.now());
    const interrupted = await lab.runs.recoverInterrupted();
    expect(interrupted.map((run) => run.id)).toEqual([elsewhere.id]);
    expect(interrupted[0]?.endedAt).toBe(elsewhere.heartbeatAt);
    lab.close();
  });

  it('ends runs left running by an old version of the lab', async () => {
    const { lab, clock, workspace, store } = await openLab();
    const legacy = await store.create('runs', workspace.id, { name: 'legacy', status: 'running' });
    clock.advance(60_000);
    const [run] = await lab.runs.recoverInterrupted();
    expect(run).toMatchObject({ id: legacy.id, status: 'interrupted', durationMs: null });
    lab.close();
  });
});

describe('querying runs', () => {
  it('filters runs by expression over metrics, params, tags and attributes', async () => {
    const { lab, clock, workspace } = await openLab();
    const specs = [
      { learner: 'gbdt', accuracy: 0.95, seconds: 10, tag: 'tuned' },
      { learner: 'gbdt', accuracy: 0.85, seconds: 20, tag: '' },
      { learner: 'forest', accuracy: 0.92, seconds: 30, tag: 'tuned' },
    ];
    const ids: string[] = [];
    for (const [index, spec] of specs.entries()) {
      const run = await lab.runs.start(workspace.id, {
        experiment: index < 2 ? 'boosting' : 'trees',
        params: { learner: spec.learner },
        tags: spec.tag ? { stage: spec.tag } : {},
      });
      run.logMetric('accuracy', spec.accuracy - 0.1, 0);
      run.logMetric('accuracy', spec.accuracy, 1);
      clock.advance(spec.seconds * 1000);
      await run.finish();
      ids.push(run.id);
    }
    const names = async (filter: string) =>
      (await lab.runs.list(workspace.id, { filter })).map((run) => ids.indexOf(run.id));
    expect(await names('metrics.accuracy > 0.9 and params.learner = "gbdt"')).toEqual([0]);
    expect(await names('metrics.accuracy > 0.9')).toEqual([0, 2]);
    expect(await names('metrics.accuracy.min < 0.8')).toEqual([1]);
    expect(await names('tags.stage = "tuned" and not experiment = "trees"')).toEqual([0]);
    expect(await names('duration >= 20 and status = "finished"')).toEqual([1, 2]);
    expect(await names('')).toEqual([0, 1, 2]);
    const experiments = await lab.experiments.list(workspace.id);
    const boosting = experiments.find((item) => item.name === 'boosting');
    expect(
      (
        await lab.runs.list(workspace.id, {
          experimentId: boosting?.id,
          filter: 'metrics.accuracy < 0.9',
        })
      ).map((run) => ids.indexOf(run.id)),
    ).toEqual([1]);
    const error = await refusal(
      lab.runs.list(workspace.id, { filter: 'metrics.accuracy >' }),
      'invalid',
    );
    expect(error.where).toBe('filter@18');
    expect(error.message).toMatch(/^The filter is not valid: Expected a value/);
    lab.close();
  });

  it('records runs that have ended, whole, in one write: all of them or none', async () => {
    const { lab, clock, workspace, store } = await openLab();
    const version = await datasetVersion(store, workspace.id);
    const parent = await lab.runs.start(workspace.id, { experiment: 'Sales', name: 'search' });
    const start = clock.now();
    const candidate = (trial: number, fields: Partial<EndedRun> = {}): EndedRun => ({
      name: `Candidate ${trial}`,
      status: 'finished',
      params: { model: 'ets', trial, settings: '{"damped":true}' },
      tags: { source: 'forecast-candidate' },
      seed: 3,
      device: 'cpu',
      parentRunId: parent.id,
      startedAt: start + 100 * trial,
      endedAt: start + 100 * trial + 250,
      metrics: { backtest_mase: 0.5 + trial / 10, fit_seconds: 0.25, backtest_smape: NaN },
      logs: ['ETS(A,N,N): backtest MASE 0.6 over 8 folds in 0.25 s.'],
      ...fields,
    });
    const runs = await lab.runs.record(workspace.id, {
      experiment: 'Sales',
      inputs: [{ datasetVersionId: version.id, role: 'training' }],
      runs: [
        candidate(1),
        candidate(2, {
          status: 'failed',
          error: 'No fit.',
          metrics: {},
          logs: ['Failed: No fit.'],
        }),
        candidate(3, { status: 'cancelled', metrics: {}, logs: ['Stopped.\nOut of time.'] }),
      ],
    });
    expect(runs.map((run) => run.status)).toEqual(['finished', 'failed', 'cancelled']);
    const first = await lab.runs.get(runs[0]!.id);
    expect(first).toMatchObject({
      name: 'Candidate 1',
      parentRunId: parent.id,
      params: { model: 'ets', trial: 1, settings: '{"damped":true}' },
      inputs: [
        { datasetVersionId: version.id, contentHash: version.contentHash, role: 'training' },
      ],
      startedAt: start + 100,
      endedAt: start + 350,
      durationMs: 250,
      error: null,
      counts: { metricPoints: 3, logLines: 1, chunks: 4 },
      summary: {
        backtest_mase: { latest: 0.6, min: 0.6, max: 0.6, count: 1 },
        backtest_smape: { latest: null, min: null, count: 1 },
      },
    });
    expect([...(await lab.runs.metricHistory(first.id, 'backtest_mase')).values]).toEqual([0.6]);
    expect(await lab.runs.metricNames(first.id)).toEqual([
      'backtest_mase',
      'backtest_smape',
      'fit_seconds',
    ]);
    expect((await lab.runs.logs(first.id)).lines).toEqual([
      'ETS(A,N,N): backtest MASE 0.6 over 8 folds in 0.25 s.',
    ]);
    expect((await lab.runs.logs(runs[2]!.id)).lines).toEqual(['Stopped.', 'Out of time.']);
    expect((await lab.runs.get(runs[1]!.id)).error).toBe('No fit.');
    expect(
      (await lab.runs.list(workspace.id, { parentRunId: parent.id })).map((run) => run.name),
    ).toEqual(['Candidate 1', 'Candidate 2', 'Candidate 3']);
    const [created] = await lab.auditOf(runs[2]!.id);
    expect(created?.summary).toBe(
      'Recorded run “Candidate 3” in experiment “Sales”: it was cancelled after 0.3 s: 0 metrics (0 points), 2 log lines, 0 artifacts',
    );
    expect((await lab.verifyAudit(workspace.id)).ok).toBe(true);
    // An ended run cannot take more.
    await refusal(
      appendTelemetry(store, first.id, { metrics: [], logs: { lines: ['late'], times: [0] } }, 0),
      'immutable',
    );

    // One bad run in a batch: nothing of the batch is written, and it says which and why.
    const before = (await lab.runs.list(workspace.id)).length;
    const bad = await refusal(
      lab.runs.record(workspace.id, {
        experiment: 'Sales',
        runs: [candidate(4), candidate(5, { params: { alpha: Infinity } })],
      }),
      'invalid',
    );
    expect(bad.message).toMatch(/alpha/);
    const backwards = await refusal(
      lab.runs.record(workspace.id, {
        experiment: 'Sales',
        runs: [candidate(6, { endedAt: start })],
      }),
      'invalid',
    );
    expect(backwards.message).toContain('“Candidate 6” ends');
    await refusal(
      lab.runs.record(workspace.id, {
        experiment: 'Sales',
        runs: [candidate(7, { parentRunId: 'no-such-run' })],
      }),
      'not-found',
    );
    expect((await lab.runs.list(workspace.id)).length).toBe(before);
    lab.close();
  });

  it('lists children of a parent run', async () => {
    const { lab, workspace } = await openLab();
    const parent = await lab.runs.start(workspace.id, { name: 'search' });
    const child = await lab.runs.start(workspace.id, { name: 'trial 1', parentRunId: parent.id });
    await child.finish();
    await parent.finish();
    expect(
      (await lab.runs.list(workspace.id, { parentRunId: parent.id })).map((run) => run.name),
    ).toEqual(['trial 1']);
    expect(
      (await lab.runs.list(workspace.id, { parentRunId: null })).map((run) => run.name),
    ).toEqual(['search']);
    expect((await lab.runs.list(workspace.id, { filter: `parent = "${parent.id}"` })).length).toBe(
      1,
    );
    lab.close();
  });
});

describe('experiments', () => {
  it('keeps names unique and refuses to delete one that still holds runs', async () => {
    const { lab, workspace } = await openLab();
    const first = await lab.experiments.create(workspace.id, { name: 'Baseline' });
    await refusal(lab.experiments.create(workspace.id, { name: 'baseline' }), 'conflict');
    expect((await lab.experiments.ensure(workspace.id, 'BASELINE')).id).toBe(first.id);
    const run = await lab.runs.start(workspace.id, { experiment: first.id });
    await run.finish();
    const error = await refusal(lab.experiments.remove(first.id), 'conflict');
    expect(error.message).toMatch(/still holds 1 run/);
    await lab.runs.delete([run.id]);
    await lab.experiments.rename(first.id, 'Old baseline');
    await lab.experiments.remove(first.id);
    expect(await lab.experiments.list(workspace.id)).toEqual([]);
    lab.close();
  });
});
