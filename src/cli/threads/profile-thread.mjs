// A worker thread that summarises some of a table's number columns while the calling thread
// summarises the rest (see profileTableShared in core/data/profile/profile.ts): it receives the
// columns, their buffers moved, and posts back their summaries and the columns, moved again.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { profileColumns } = await import('../../core/data/profile/profile.ts');

parentPort.on('message', ({ columns, options }) => {
  let reply;
  try {
    reply = { profiles: profileColumns(columns, options), columns };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error), columns };
  }
  parentPort.postMessage(
    reply,
    columns.map((column) => column.values.buffer),
  );
});
