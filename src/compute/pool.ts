import { wrap, type Remote } from 'comlink';
import type { WorkerEndpoint } from './endpoint';
import { JobError, type JobErrorKind } from './errors';

/** Every worker API must let the pool ask it to stop a job. */
export interface Cancellable {
  cancel(jobId: string): unknown;
}

type TimerHandle = ReturnType<typeof setTimeout>;

export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface PoolOptions {
  spawn: () => WorkerEndpoint;
  /** Most workers alive at once. */
  size: number;
  /** An idle worker is terminated after this long. */
  idleTimeoutMs: number;
  /** How long a cancelled or timed-out job may take to stop before its worker is terminated. */
  cancelGraceMs?: number;
  timers?: Timers;
}

export interface JobOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type JobTask<Api, T> = (worker: Remote<Api>, jobId: string) => Promise<T>;

export interface PoolStats {
  workers: number;
  busy: number;
  queued: number;
  spawned: number;
}

export interface Pool<Api extends Cancellable> {
  run<T>(task: JobTask<Api, T>, options?: JobOptions): Promise<T>;
  stats(): PoolStats;
  /** Terminates every worker; jobs still queued or running fail as cancelled. */
  close(): void;
}

interface Job {
  id: string;
  task: JobTask<never, unknown>;
  options: JobOptions;
  settled: boolean;
  resolve(value: unknown): void;
  reject(error: JobError): void;
  timers: TimerHandle[];
  slot?: Slot;
  detach(): void;
}

interface Slot {
  endpoint: WorkerEndpoint;
  api: Remote<Cancellable>;
  job?: Job;
  draining: boolean;
  idleTimer?: TimerHandle;
  alive: boolean;
}

const DEFAULT_CANCEL_GRACE_MS = 2000;

const systemTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
};

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const STOP_MESSAGES: Record<'cancelled' | 'timeout', string> = {
  cancelled: 'The job was cancelled',
  timeout: 'The job took too long and was stopped',
};

export function createPool<Api extends Cancellable>(options: PoolOptions): Pool<Api> {
  const timers = options.timers ?? systemTimers;
  const graceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let spawned = 0;
  let nextJobId = 1;
  let closed = false;

  function settle(job: Job, outcome: { value: unknown } | { error: JobError }): void {
    if (job.settled) return;
    job.settled = true;
    job.detach();
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.value);
  }

  function clearJobTimers(job: Job): void {
    job.timers.forEach((handle) => timers.clearTimeout(handle));
    job.timers = [];
  }

  function retire(slot: Slot): void {
    if (!slot.alive) return;
    slot.alive = false;
    slots.delete(slot);
    if (slot.idleTimer !== undefined) timers.clearTimeout(slot.idleTimer);
    if (slot.job) clearJobTimers(slot.job);
    slot.endpoint.terminate();
  }

  function spawnSlot(): Slot {
    const endpoint = options.spawn();
    const slot: Slot = {
      endpoint,
      api: wrap<Cancellable>(endpoint.port),
      draining: false,
      alive: true,
    };
    spawned++;
    slots.add(slot);
    endpoint.onFailure((message) => crashed(slot, message));
    return slot;
  }

  function crashed(slot: Slot, message: string): void {
    if (!slot.alive) return;
    const job = slot.job;
    retire(slot);
    if (job) settle(job, { error: new JobError('crashed', `The worker crashed: ${message}`) });
    pump();
  }

  function becomeIdle(slot: Slot): void {
    slot.job = undefined;
    slot.draining = false;
    slot.idleTimer = timers.setTimeout(() => retire(slot), options.idleTimeoutMs);
  }

  function finished(slot: Slot, job: Job, outcome: { value: unknown } | { error: unknown }): void {
    if (!slot.alive || slot.job !== job) return;
    clearJobTimers(job);
    settle(
      job,
      'error' in outcome
        ? { error: new JobError('failed', messageOf(outcome.error), { cause: outcome.error }) }
        : outcome,
    );
    becomeIdle(slot);
    pump();
  }

  function start(slot: Slot, job: Job): void {
    if (slot.idleTimer !== undefined) timers.clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    slot.job = job;
    job.slot = slot;
    if (job.options.timeoutMs !== undefined) {
      job.timers.push(timers.setTimeout(() => stop(job, 'timeout'), job.options.timeoutMs));
    }
    const task = job.task as JobTask<Cancellable, unknown>;
    Promise.resolve()
      .then(() => task(slot.api, job.id))
      .then(
        (value) => finished(slot, job, { value }),
        (error: unknown) => finished(slot, job, { error }),
      );
  }

  function stop(job: Job, kind: 'cancelled' | 'timeout'): void {
    if (job.settled) return;
    settle(job, { error: new JobError(kind satisfies JobErrorKind, STOP_MESSAGES[kind]) });
    const slot = job.slot;
    if (!slot) {
      const index = queue.indexOf(job);
      if (index >= 0) queue.splice(index, 1);
      return;
    }
    if (!slot.alive || slot.draining) return;
    slot.draining = true;
    clearJobTimers(job);
    Promise.resolve(slot.api.cancel(job.id)).catch(() => undefined);
    job.timers.push(
      timers.setTimeout(() => {
        retire(slot);
        pump();
      }, graceMs),
    );
  }

  function idleSlot(): Slot | undefined {
    for (const slot of slots) if (!slot.job) return slot;
    return undefined;
  }

  function pump(): void {
    while (!closed && queue.length > 0) {
      const slot = idleSlot() ?? (slots.size < options.size ? spawnSlot() : undefined);
      if (!slot) return;
      const job = queue.shift();
      if (job) start(slot, job);
    }
  }

  function run<T>(task: JobTask<Api, T>, jobOptions: JobOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (closed) {
        reject(new JobError('cancelled', 'The compute pool is closed'));
        return;
      }
      const { signal } = jobOptions;
      if (signal?.aborted) {
        reject(new JobError('cancelled', STOP_MESSAGES.cancelled));
        return;
      }
      const onAbort = () => stop(job, 'cancelled');
      const job: Job = {
        id: `job-${nextJobId++}`,
        task: task as JobTask<never, unknown>,
        options: jobOptions,
        settled: false,
        resolve: resolve as (value: unknown) => void,
        reject,
        timers: [],
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(job);
      pump();
    });
  }

  function close(): void {
    closed = true;
    for (const job of queue.splice(0)) {
      settle(job, { error: new JobError('cancelled', 'The compute pool was closed') });
    }
    for (const slot of [...slots]) {
      const job = slot.job;
      retire(slot);
      if (job) settle(job, { error: new JobError('cancelled', 'The compute pool was closed') });
    }
  }

  function stats(): PoolStats {
    const busy = [...slots].filter((slot) => slot.job).length;
    return { workers: slots.size, busy, queued: queue.length, spawned };
  }

  return { run, stats, close };
}
