// A helper thread that never delivers: it polls without sleeping, claims every task of every job
// it sees and drops them, so the training thread must take them back. It reports the tasks it
// claimed (by job kind) when a session stops, then serves the next session.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ session, protocol }) => {
  const { CLAIM, SEQ, STOP, KIND, TASKS, TASK_BITS, TAG_MASK } = protocol;
  const control = new Int32Array(session.control);
  const claimed = [0, 0];
  let seen = Atomics.load(control, SEQ);
  parentPort.postMessage({ ready: true });
  while (Atomics.load(control, STOP) === 0) {
    const seq = Atomics.load(control, SEQ);
    if (seq === seen) continue;
    seen = seq;
    const tag = seq & TAG_MASK;
    for (;;) {
      const claim = Atomics.load(control, CLAIM);
      if (claim >>> TASK_BITS !== tag) break;
      if ((claim & ((1 << TASK_BITS) - 1)) >= Atomics.load(control, TASKS)) break;
      if (Atomics.compareExchange(control, CLAIM, claim, claim + 1) === claim) {
        claimed[Atomics.load(control, KIND)]++;
      }
    }
  }
  parentPort.postMessage({ claimed });
});
