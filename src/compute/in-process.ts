import { expose } from 'comlink';
import type { WorkerEndpoint } from './endpoint';

export interface InProcessEndpoint extends WorkerEndpoint {
  /** Reports a failure as a worker's uncaught error would. */
  fail(message: string): void;
  readonly terminated: boolean;
}

/**
 * Serves `api` over a MessageChannel in this thread: the same protocol as a Worker, for Node
 * (tests, scripts) where there is no Worker to spawn.
 */
export function inProcessEndpoint(api: object): InProcessEndpoint {
  const { port1, port2 } = new MessageChannel();
  expose(api, port2);
  const listeners: ((message: string) => void)[] = [];
  let terminated = false;
  return {
    port: port1,
    onFailure: (listener) => listeners.push(listener),
    fail: (message) => listeners.forEach((listener) => listener(message)),
    terminate() {
      terminated = true;
      port1.close();
      port2.close();
    },
    get terminated() {
      return terminated;
    },
  };
}
