import { expose } from 'comlink';
import { createAutoMLService } from '../src/compute/automl-service';
import { tfjsWasmPaths } from '../src/compute/tfjs-wasm-urls';
import { loadTable } from '../src/store/datasets';
import { WorkspaceStore } from '../src/store/workspace-store';

let store: Promise<WorkspaceStore> | undefined;

expose(
  createAutoMLService({
    now: () => performance.now(),
    wasmPaths: tfjsWasmPaths,
    loadVersion: async (versionId) => loadTable(await (store ??= WorkspaceStore.open()), versionId),
  }),
);
