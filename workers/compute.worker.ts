import { expose } from 'comlink';
import { createComputeService } from '../src/compute/service';
import { tfjsWasmPaths } from '../src/compute/tfjs-wasm-urls';

expose(createComputeService({ now: () => performance.now(), wasmPaths: tfjsWasmPaths }));
