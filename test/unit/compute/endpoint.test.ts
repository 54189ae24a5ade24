import { describe, expect, it } from 'vitest';
import { expose, wrap } from 'comlink';
import { workerEndpoint, type WorkerLike } from '../../../src/compute/endpoint';

/** A Worker look-alike: messages go to an API over a MessageChannel, errors are dispatched. */
class FakeWorker extends EventTarget implements WorkerLike {
  terminated = false;
  private readonly channel = new MessageChannel();

  constructor(api: object) {
    super();
    expose(api, this.channel.port2);
    this.channel.port1.addEventListener('message', (event) =>
      this.dispatchEvent(new MessageEvent('message', { data: (event as MessageEvent).data })),
    );
    this.channel.port1.start();
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.channel.port1.postMessage(message, transfer);
  }

  terminate(): void {
    this.terminated = true;
    this.channel.port1.close();
    this.channel.port2.close();
  }
}

describe('workerEndpoint', () => {
  it('carries comlink calls', async () => {
    const worker = new FakeWorker({ double: (value: number) => value * 2 });
    const api = wrap<{ double(value: number): number }>(workerEndpoint(worker).port);
    expect(await api.double(21)).toBe(42);
    worker.terminate();
  });

  it('reports uncaught errors with their message and marks them handled', () => {
    const worker = new FakeWorker({});
    const endpoint = workerEndpoint(worker);
    const failures: string[] = [];
    endpoint.onFailure((message) => failures.push(message));
    const error = Object.assign(new Event('error', { cancelable: true }), {
      message: 'Uncaught Error: simulated crash',
      filename: 'compute.worker.js',
      lineno: 3,
    });
    worker.dispatchEvent(error);
    worker.dispatchEvent(new Event('messageerror', { cancelable: true }));
    worker.dispatchEvent(new Event('error', { cancelable: true }));
    expect(failures).toEqual([
      'Uncaught Error: simulated crash (compute.worker.js:3)',
      'a message from the worker could not be read',
      'the worker script failed to load or run',
    ]);
    expect(error.defaultPrevented).toBe(true);
    endpoint.terminate();
    expect(worker.terminated).toBe(true);
  });
});
