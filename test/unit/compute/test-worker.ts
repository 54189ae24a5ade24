import type { JobEventSink } from '../../../src/compute/events';
import { createJobRegistry } from '../../../src/compute/jobs';
import { inProcessEndpoint, type InProcessEndpoint } from '../../../src/compute/in-process';

/** A worker API for exercising the pool: each method is one way a job can behave. */
export interface TestApi {
  count(jobId: string, to: number, events: JobEventSink<number>): Promise<number>;
  waitForCancel(jobId: string): Promise<string>;
  ignoreCancel(jobId: string): Promise<string>;
  fail(jobId: string, message: string): Promise<never>;
  whoAmI(jobId: string): Promise<number>;
  cancel(jobId: string): void;
}

const never = new Promise<never>(() => undefined);

function createTestApi(workerNumber: number): TestApi {
  const jobs = createJobRegistry();
  return {
    count: (jobId, to, events) =>
      jobs.run(jobId, events, async ({ progress, emit }) => {
        for (let i = 1; i <= to; i++) {
          progress(i);
          emit({ type: 'metric', name: 'i', value: i, step: i });
        }
        emit({ type: 'log', level: 'info', message: 'done' });
        return to;
      }),
    waitForCancel: (jobId) =>
      jobs.run(jobId, undefined, ({ signal }) => {
        return new Promise<string>((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('stopped'))),
        );
      }),
    ignoreCancel: (jobId) => jobs.run(jobId, undefined, () => never),
    fail: async (_jobId, message) => {
      throw new Error(message);
    },
    whoAmI: async () => workerNumber,
    cancel: (jobId) => jobs.cancel(jobId),
  };
}

/** Spawns in-process workers and keeps them for inspection. */
export function testWorkers() {
  const spawned: InProcessEndpoint[] = [];
  const spawn = () => {
    const endpoint = inProcessEndpoint(createTestApi(spawned.length + 1));
    spawned.push(endpoint);
    return endpoint;
  };
  return { spawn, spawned };
}
