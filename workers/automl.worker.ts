import { expose } from 'comlink';
import { browserTrialConcurrency } from '../src/compute/automl-trials';
import { createAutoMLService } from '../src/compute/automl-service';
import { workerEndpoint } from '../src/compute/endpoint';
import { decodeWithBrowser } from '../src/compute/images';
import { tfjsWasmPaths } from '../src/compute/tfjs-wasm-urls';
import { loadTable } from '../src/store/datasets';
import { WorkspaceStore } from '../src/store/workspace-store';

let store: Promise<WorkspaceStore> | undefined;

function spawnTrialWorker() {
  const worker = new Worker(new URL('./automl-trial.worker.ts', import.meta.url), {
    type: 'module',
    name: 'bunsen-automl-trial',
  });
  return workerEndpoint(worker);
}

expose(
  createAutoMLService({
    now: () => performance.now(),
    wasmPaths: tfjsWasmPaths,
    loadVersion: async (versionId) => loadTable(await (store ??= WorkspaceStore.open()), versionId),
    images: {
      read: async (hash) => (await (store ??= WorkspaceStore.open())).getBlob(hash),
      decode: decodeWithBrowser,
    },
    trialWorkers: {
      concurrency: browserTrialConcurrency(navigator.hardwareConcurrency),
      spawn: spawnTrialWorker,
    },
  }),
);
