/**
 * A worker thread that runs AutoML trials for the command line: it receives a search's workload
 * once, then trial specs, and answers each with its outcome. Started by `trial-threads.ts`; it
 * gets no tfjs trials (those stay on the main thread), so tfjs never starts here.
 */
import { parentPort } from 'node:worker_threads';
import { executeTrial, trialContextOf, type TrialOutcome } from '../core/automl';
import type { TrialContext } from '../core/automl/trial';
import type { ThreadReply, ThreadRequest } from './trial-threads';

const port = parentPort;
if (!port) throw new Error('trial-thread.ts runs only as a worker thread.');

let context: TrialContext | null = null;
const running = new Map<number, AbortController>();

const reply = (message: ThreadReply, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

async function run(id: number, spec: Extract<ThreadRequest, { kind: 'run' }>['spec']) {
  const abort = new AbortController();
  running.set(id, abort);
  try {
    if (!context) throw new Error('The trial thread has no data yet.');
    const outcome: TrialOutcome = await executeTrial(context, spec, abort.signal);
    const buffers = outcome.predictions ? [outcome.predictions.buffer as ArrayBuffer] : [];
    reply({ kind: 'outcome', id, outcome }, buffers);
  } catch (error) {
    reply({ kind: 'failed', id, message: error instanceof Error ? error.message : String(error) });
  } finally {
    running.delete(id);
  }
}

port.on('message', (message: ThreadRequest) => {
  switch (message.kind) {
    case 'load':
      context = trialContextOf(message.workload, () => performance.now());
      reply({ kind: 'loaded' });
      return;
    case 'run':
      void run(message.spec.id, message.spec);
      return;
    case 'cancel':
      running.get(message.id)?.abort();
      return;
  }
});

reply({ kind: 'ready' });
