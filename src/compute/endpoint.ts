import type { Endpoint } from 'comlink';

/**
 * What the pool needs from one worker: a message port for comlink, a way to hear that the
 * worker failed outside any call (an uncaught error, a message that could not be read), and a
 * way to stop it. A browser Worker is one; Node tests build one over a MessageChannel.
 */
export interface WorkerEndpoint {
  readonly port: Endpoint;
  onFailure(listener: (message: string) => void): void;
  terminate(): void;
}

export interface WorkerLike extends Endpoint {
  terminate(): void;
}

function failureMessage(event: Event): string {
  if (event.type === 'messageerror') return 'a message from the worker could not be read';
  const { message, filename, lineno } = event as Partial<ErrorEvent>;
  const where = filename ? ` (${filename}${lineno ? `:${lineno}` : ''})` : '';
  return message ? `${message}${where}` : 'the worker script failed to load or run';
}

export function workerEndpoint(worker: WorkerLike): WorkerEndpoint {
  return {
    port: worker,
    onFailure(listener) {
      const handle = (event: Event) => {
        // Handled here, so the browser does not also report it as an error of the page.
        event.preventDefault();
        listener(failureMessage(event));
      };
      worker.addEventListener('error', handle as EventListener);
      worker.addEventListener('messageerror', handle as EventListener);
    },
    terminate: () => worker.terminate(),
  };
}
