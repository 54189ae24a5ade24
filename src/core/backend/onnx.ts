/**
 * The one module that sets up onnxruntime-web. The runtime (about 14 MB of wasm) is imported
 * only when the first ONNX model is opened, and runs on the wasm execution provider, which has the
 * ai.onnx.ml operators (LinearClassifier, TreeEnsemble*) that the webgpu build lacks. Browsers
 * load the wasm-only build; Node (tests, the command line) loads the package's Node build,
 * because the browser bundles cannot load their wasm there.
 */
import type * as Ort from 'onnxruntime-web';

export type OnnxElementType = 'float32' | 'float64' | 'int64' | 'string' | 'bool';

/** A tensor going into a model. */
export type OnnxFeed =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'float64'; readonly data: Float64Array; readonly dims: readonly number[] }
  | { readonly type: 'string'; readonly data: readonly string[]; readonly dims: readonly number[] };

/** A tensor coming out of a model, copied out of the runtime. */
export interface OnnxResult {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | string[];
}

export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, OnnxFeed>>): Promise<Record<string, OnnxResult>>;
  /** Frees the session's wasm memory. */
  release(): Promise<void>;
}

export interface OnnxConfig {
  /**
   * Where the browser finds the runtime's wasm: a URL prefix or the file URLs the bundler
   * emitted. Leave unset under Vite, which resolves and emits the wasm itself.
   */
  readonly wasmPaths?: Ort.Env.WasmPrefixOrFilePaths;
  /** Worker threads for one session; 1 by default (threads need cross-origin isolation). */
  readonly numThreads?: number;
}

type OrtModule = typeof Ort;

let config: OnnxConfig = {};
let runtime: Promise<OrtModule> | null = null;

/** Call before the first model is opened. */
export function configureOnnx(next: OnnxConfig): void {
  config = { ...config, ...next };
}

const isNode = () =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
  'string';

async function importRuntime(): Promise<OrtModule> {
  // The package's Node entry is chosen by its export conditions at run time; the specifier is
  // a variable so that browser bundlers do not pull the Node build into the app.
  const nodeEntry = 'onnxruntime-web';
  const ort: OrtModule = isNode()
    ? await import(/* @vite-ignore */ nodeEntry)
    : await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = config.numThreads ?? 1;
  if (config.wasmPaths !== undefined) ort.env.wasm.wasmPaths = config.wasmPaths;
  return ort;
}

/** The runtime, imported on first use; a failed import is retried on the next call. */
export function loadOnnxRuntime(): Promise<OrtModule> {
  runtime ??= importRuntime().catch((error: unknown) => {
    runtime = null;
    throw error;
  });
  return runtime;
}

function toTensor(ort: OrtModule, feed: OnnxFeed): Ort.Tensor {
  const dims = [...feed.dims];
  if (feed.type === 'string') return new ort.Tensor('string', [...feed.data], dims);
  return feed.type === 'float32'
    ? new ort.Tensor('float32', feed.data, dims)
    : new ort.Tensor('float64', feed.data, dims);
}

/** Opens a serialized model on the wasm execution provider. */
export async function openOnnxModel(model: Uint8Array): Promise<OnnxSession> {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const tensors: Record<string, Ort.Tensor> = {};
      for (const [name, feed] of Object.entries(feeds)) tensors[name] = toTensor(ort, feed);
      const results = await session.run(tensors);
      const out: Record<string, OnnxResult> = {};
      for (const [name, tensor] of Object.entries(results)) {
        out[name] = {
          type: tensor.type,
          dims: [...tensor.dims],
          data: tensor.data as OnnxResult['data'],
        };
      }
      return out;
    },
    release: () => session.release(),
  };
}
