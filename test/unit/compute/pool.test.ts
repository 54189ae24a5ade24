import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { proxy } from 'comlink';
import { createPool, type Pool } from '../../../src/compute/pool';
import { isJobError, JobError } from '../../../src/compute/errors';
import { dispatchJobEvent, type JobEvent } from '../../../src/compute/events';
import { testWorkers, type TestApi } from './test-worker';

const IDLE_MS = 10_000;
const GRACE_MS = 1_000;

let pools: Pool<TestApi>[] = [];

function setup(size = 1) {
  const workers = testWorkers();
  const pool = createPool<TestApi>({
    spawn: workers.spawn,
    size,
    idleTimeoutMs: IDLE_MS,
    cancelGraceMs: GRACE_MS,
  });
  pools.push(pool);
  return { pool, ...workers };
}

/** Lets messages between the page side and the in-process worker flow. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

async function rejection(promise: Promise<unknown>): Promise<JobError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof JobError)) throw new Error(`expected a JobError, got ${String(error)}`);
  return error;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  pools.forEach((pool) => pool.close());
  pools = [];
  vi.useRealTimers();
});

describe('worker pool', () => {
  it('streams progress, metrics and logs of a job, then its result', async () => {
    const { pool } = setup();
    const events: JobEvent<number>[] = [];
    const progress: number[] = [];
    const result = await pool.run((api, jobId) =>
      api.count(
        jobId,
        3,
        proxy((event: JobEvent<number>) => {
          events.push(event);
          dispatchJobEvent({ onProgress: (value) => progress.push(value) }, event);
        }),
      ),
    );
    await settle();
    expect(result).toBe(3);
    expect(progress).toEqual([1, 2, 3]);
    expect(events.filter((event) => event.type === 'metric')).toHaveLength(3);
    expect(events.at(-1)).toEqual({ type: 'log', level: 'info', message: 'done' });
  });

  it('fails a job whose worker throws, and keeps the worker', async () => {
    const { pool, spawned } = setup();
    const error = await rejection(pool.run((api, jobId) => api.fail(jobId, 'bad input')));
    expect(error.kind).toBe('failed');
    expect(error.message).toBe('bad input');
    expect(await pool.run((api, jobId) => api.whoAmI(jobId))).toBe(1);
    expect(spawned).toHaveLength(1);
  });

  it('cancels cooperatively: the worker stops and serves the next job', async () => {
    const { pool, spawned } = setup();
    const controller = new AbortController();
    const running = pool.run((api, jobId) => api.waitForCancel(jobId), {
      signal: controller.signal,
    });
    await settle();
    controller.abort();
    const error = await rejection(running);
    expect(error.kind).toBe('cancelled');
    await settle();
    expect(pool.stats()).toMatchObject({ workers: 1, busy: 0 });
    await vi.advanceTimersByTimeAsync(GRACE_MS * 2);
    expect(await pool.run((api, jobId) => api.whoAmI(jobId))).toBe(1);
    expect(spawned[0]?.terminated).toBe(false);
  });

  it('terminates a worker that ignores a cancel after the grace period', async () => {
    const { pool, spawned } = setup();
    const controller = new AbortController();
    const running = pool.run((api, jobId) => api.ignoreCancel(jobId), {
      signal: controller.signal,
    });
    await settle();
    controller.abort();
    expect((await rejection(running)).kind).toBe('cancelled');
    const next = pool.run((api, jobId) => api.whoAmI(jobId));
    await vi.advanceTimersByTimeAsync(GRACE_MS - 1);
    expect(spawned[0]?.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(spawned[0]?.terminated).toBe(true);
    expect(await next).toBe(2);
  });

  it('cancels a queued job without starting it', async () => {
    const { pool } = setup();
    const first = pool.run((api, jobId) => api.waitForCancel(jobId));
    const controller = new AbortController();
    const queued = pool.run((api, jobId) => api.whoAmI(jobId), { signal: controller.signal });
    expect(pool.stats().queued).toBe(1);
    controller.abort();
    expect((await rejection(queued)).kind).toBe('cancelled');
    expect(pool.stats().queued).toBe(0);
    void first.catch(() => undefined);
  });

  it('rejects a job whose signal is already aborted', async () => {
    const { pool, spawned } = setup();
    const error = await rejection(
      pool.run((api, jobId) => api.whoAmI(jobId), { signal: AbortSignal.abort() }),
    );
    expect(error.kind).toBe('cancelled');
    expect(spawned).toHaveLength(0);
  });

  it('times a job out with the same mechanics as a cancel', async () => {
    const { pool, spawned } = setup();
    const running = rejection(
      pool.run((api, jobId) => api.ignoreCancel(jobId), { timeoutMs: 5_000 }),
    );
    await settle();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(pool.stats().busy).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await running;
    expect(error.kind).toBe('timeout');
    await vi.advanceTimersByTimeAsync(GRACE_MS);
    expect(spawned[0]?.terminated).toBe(true);
    expect(await pool.run((api, jobId) => api.whoAmI(jobId))).toBe(2);
  });

  it('fails only the crashed job and replaces its worker', async () => {
    const { pool, spawned } = setup(2);
    const victim = pool.run((api, jobId) => api.ignoreCancel(jobId));
    const bystander = pool.run((api, jobId) => api.waitForCancel(jobId), {
      signal: AbortSignal.timeout(60_000),
    });
    await settle();
    expect(spawned).toHaveLength(2);
    spawned[0]?.fail('simulated crash');
    const error = await rejection(victim);
    expect(isJobError(error, 'crashed')).toBe(true);
    expect(error.message).toBe('The worker crashed: simulated crash');
    expect(spawned[0]?.terminated).toBe(true);
    expect(pool.stats()).toMatchObject({ workers: 1, busy: 1 });
    expect(await pool.run((api, jobId) => api.whoAmI(jobId))).toBe(3);
    expect(spawned).toHaveLength(3);
    pool.close();
    expect((await rejection(bystander)).kind).toBe('cancelled');
  });

  it('ignores a crash report from a worker that is already gone', async () => {
    const { pool, spawned } = setup();
    expect(await pool.run((api, jobId) => api.whoAmI(jobId))).toBe(1);
    spawned[0]?.fail('late');
    spawned[0]?.fail('later');
    expect(pool.stats().workers).toBe(0);
    expect(await pool.run((api, jobId) => api.whoAmI(jobId))).toBe(2);
  });

  it('runs jobs in parallel up to its size and queues the rest', async () => {
    const { pool, spawned } = setup(2);
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(() => pool.run((api, jobId) => api.whoAmI(jobId))),
    );
    expect(spawned).toHaveLength(2);
    expect(new Set(results)).toEqual(new Set([1, 2]));
  });

  it('terminates workers that stay idle, and spawns again on demand', async () => {
    const { pool, spawned } = setup();
    await pool.run((api, jobId) => api.whoAmI(jobId));
    await vi.advanceTimersByTimeAsync(IDLE_MS - 1);
    expect(spawned[0]?.terminated).toBe(false);
    await pool.run((api, jobId) => api.whoAmI(jobId));
    await vi.advanceTimersByTimeAsync(IDLE_MS - 1);
    expect(spawned[0]?.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(spawned[0]?.terminated).toBe(true);
    expect(pool.stats().workers).toBe(0);
    expect(await pool.run((api, jobId) => api.whoAmI(jobId))).toBe(2);
  });

  it('fails everything when closed and refuses new jobs', async () => {
    const { pool, spawned } = setup();
    const running = pool.run((api, jobId) => api.ignoreCancel(jobId));
    await settle();
    pool.close();
    expect((await rejection(running)).kind).toBe('cancelled');
    expect(spawned[0]?.terminated).toBe(true);
    expect((await rejection(pool.run((api, jobId) => api.whoAmI(jobId)))).kind).toBe('cancelled');
  });
});
