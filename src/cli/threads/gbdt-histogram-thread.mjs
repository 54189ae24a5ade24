// A worker thread that helps gradient-boosted trees build histograms: it receives one shared
// session per fit and serves that fit's jobs until the fit stops (see histogram-team.ts).
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveHistogramJobs } = await import('../../core/learners/gbdt/histogram-team.ts');
parentPort.on('message', (session) => serveHistogramJobs(session));
parentPort.postMessage('ready');
