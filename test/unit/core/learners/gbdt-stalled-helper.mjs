// A helper thread that misbehaves on purpose, as one put aside by a busy operating system would:
// it claims every task it can and never delivers any, so the training thread must take them back.
import { parentPort } from 'node:worker_threads';

parentPort.postMessage('ready');
parentPort.on('message', ({ session, protocol }) => {
  const { CLAIM, SEQ, STOP, TASKS, TASK_BITS, TAG_MASK } = protocol;
  const control = new Int32Array(session.control);
  let seen = 0;
  let claimed = 0;
  for (;;) {
    Atomics.wait(control, SEQ, seen);
    if (Atomics.load(control, STOP) !== 0) break;
    seen = Atomics.load(control, SEQ);
    const tag = seen & TAG_MASK;
    for (;;) {
      const claim = Atomics.load(control, CLAIM);
      if (claim >>> TASK_BITS !== tag) break;
      if ((claim & ((1 << TASK_BITS) - 1)) >= Atomics.load(control, TASKS)) break;
      if (Atomics.compareExchange(control, CLAIM, claim, claim + 1) === claim) claimed++;
    }
  }
  parentPort.postMessage(claimed);
});
