import { expose } from 'comlink';
import { createForecastService } from '../src/compute/forecast-service';
import { tfjsWasmPaths } from '../src/compute/tfjs-wasm-urls';
import { loadTable } from '../src/store/datasets';
import { WorkspaceStore } from '../src/store/workspace-store';

let store: Promise<WorkspaceStore> | undefined;

expose(
  createForecastService({
    now: () => performance.now(),
    wasmPaths: tfjsWasmPaths,
    loadVersion: async (versionId) => loadTable(await (store ??= WorkspaceStore.open()), versionId),
  }),
);
