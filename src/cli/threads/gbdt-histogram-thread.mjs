// A worker thread that helps gradient-boosted trees grow (partitions, histograms, split
// searches): it receives one shared session per fit and serves that fit's jobs until the fit
// stops (see team-protocol.ts).
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveHistogramJobs } = await import('../../core/learners/gbdt/team-protocol.ts');
parentPort.on('message', (session) => serveHistogramJobs(session));
parentPort.postMessage('ready');
