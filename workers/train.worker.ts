import { expose } from 'comlink';
import { createTrainService } from '../src/compute/train-service';
import { decodeWithBrowser } from '../src/compute/images';
import { tfjsWasmPaths } from '../src/compute/tfjs-wasm-urls';
import { loadTable } from '../src/store/datasets';
import { WorkspaceStore } from '../src/store/workspace-store';

let store: Promise<WorkspaceStore> | undefined;

expose(
  createTrainService({
    now: () => performance.now(),
    wasmPaths: tfjsWasmPaths,
    loadVersion: async (versionId) => loadTable(await (store ??= WorkspaceStore.open()), versionId),
    images: {
      read: async (hash) => (await (store ??= WorkspaceStore.open())).getBlob(hash),
      decode: decodeWithBrowser,
    },
  }),
);
