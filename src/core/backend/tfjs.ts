/**
 * The one module that sets up TensorFlow.js. It loads tfjs itself only when first asked to
 * (`loadTfjs`, `initTfjs`, `useBackend`), registers the optional backends lazily, picks one in the
 * order webgpu → webgl → wasm → cpu, and remembers for every backend it tried why it could not be
 * used, so that the lab can tell the student instead of silently running slower.
 */
import type * as TfModule from '@tensorflow/tfjs';
import { BACKEND_LABELS, BACKEND_ORDER, type BackendName, type BackendStatus } from './names';
import { errorMessage, findGpu, probeWasm, probeWebGl, probeWebGpu } from './probe';

export { BACKEND_LABELS, BACKEND_ORDER, type BackendName, type BackendStatus };

export type Tf = typeof TfModule;

let loaded: Tf | null = null;
let loading: Promise<Tf> | null = null;

/**
 * Loads tfjs once; every later call resolves at once. Importing tfjs takes seconds (hundreds of
 * modules), so a command line or a worker that never trains a tfjs learner never pays for it.
 */
export function loadTfjs(): Promise<Tf> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= import('@tensorflow/tfjs').then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** Whether tfjs has been loaded, so that `tf` can be used. */
export const tfjsLoaded = (): boolean => loaded !== null;

/**
 * tfjs, once `loadTfjs` (or `initTfjs`, `useBackend`) has resolved. Each property is looked up
 * on the loaded module at use, so modules can import `tf` without loading tfjs; using it earlier
 * throws an error that says so instead of failing somewhere inside tfjs.
 */
export const tf: Tf = new Proxy({} as Tf, {
  get(_, key) {
    // Probes for a promise (`then`) or for how to print it (symbols) are not uses.
    if (!loaded && (typeof key === 'symbol' || key === 'then')) return undefined;
    if (!loaded) {
      throw new Error(
        `TensorFlow.js is not loaded yet (tf.${String(key)}); await loadTfjs() or initTfjs() first.`,
      );
    }
    return (loaded as unknown as Record<string | symbol, unknown>)[key];
  },
  has: (_, key) => loaded !== null && key in loaded,
});

// The tfjs types that modules name through `tf`, as they would on a namespace import.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace tf {
  export type Rank = TfModule.Rank;
  export type Tensor<R extends Rank = Rank> = TfModule.Tensor<R>;
  export type Scalar = TfModule.Scalar;
  export type Tensor1D = TfModule.Tensor1D;
  export type Tensor2D = TfModule.Tensor2D;
  export type Variable<R extends Rank = Rank> = TfModule.Variable<R>;
}

export type TfjsSetup =
  | { ok: true; tf: Tf; backend: BackendName; tried: BackendStatus[] }
  | { ok: false; reason: string; tried: BackendStatus[] };

/** URLs of the three tfjs-backend-wasm binaries, as emitted by the bundler for a browser build. */
export interface WasmPaths {
  'tfjs-backend-wasm.wasm': string;
  'tfjs-backend-wasm-simd.wasm': string;
  'tfjs-backend-wasm-threaded-simd.wasm': string;
}

export interface TfjsConfig {
  /** Needed in browsers only; Node loads the binaries from the package itself. */
  wasmPaths?: WasmPaths;
}

const PRIORITY: Readonly<Record<BackendName, number>> = { webgpu: 3, webgl: 2, wasm: 2, cpu: 1 };

let config: TfjsConfig = {};
const outcomes = new Map<BackendName, BackendStatus>();
const initErrors = new Map<BackendName, string>();
const instrumented = new Set<BackendName>();
let queue: Promise<unknown> = Promise.resolve();
let active: BackendName | undefined;

/** Call once, before the first backend is initialised. */
export function configureTfjs(next: TfjsConfig): void {
  config = { ...config, ...next };
}

function serialised<T>(task: () => Promise<T>): Promise<T> {
  const result = queue.then(task, task);
  queue = result.catch(() => undefined);
  return result;
}

/**
 * tfjs swallows a backend's initialisation error (it logs it and resolves false), so each factory
 * is wrapped once to keep the message for the student.
 */
function instrument(backend: BackendName): void {
  if (instrumented.has(backend)) return;
  const factory = tf.findBackendFactory(backend);
  if (!factory) return;
  instrumented.add(backend);
  tf.removeBackend(backend);
  tf.registerBackend(
    backend,
    async () => {
      try {
        return await factory();
      } catch (error) {
        initErrors.set(backend, errorMessage(error));
        throw error;
      }
    },
    PRIORITY[backend],
  );
}

async function registerWebGpu(): Promise<string | undefined> {
  const probe = await probeWebGpu(findGpu());
  if (!probe.ok) return probe.reason;
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    return `WebGPU: failed to load the tfjs WebGPU backend: ${errorMessage(error)}`;
  }
  return undefined;
}

async function registerWasm(): Promise<string | undefined> {
  const probe = probeWasm();
  if (!probe.ok) return probe.reason;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Registered by the import above; must be set before the backend initialises, because
    // threaded tfjs-wasm breaks in minified builds and gains nothing on small machines.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (config.wasmPaths) wasm.setWasmPaths({ ...config.wasmPaths });
  } catch (error) {
    return `WASM: failed to load the tfjs WASM backend: ${errorMessage(error)}`;
  }
  return undefined;
}

async function register(backend: BackendName): Promise<string | undefined> {
  switch (backend) {
    case 'webgpu':
      return registerWebGpu();
    case 'webgl': {
      const probe = probeWebGl();
      return probe.ok ? undefined : probe.reason;
    }
    case 'wasm':
      return registerWasm();
    case 'cpu':
      return undefined;
  }
}

async function activate(backend: BackendName): Promise<BackendStatus> {
  const status = await attempt(backend);
  if (status.available) {
    active = backend;
  } else if (active && tf.getBackend() !== active) {
    // A failed tf.setBackend leaves tfjs pointing at the broken backend; point it back.
    await tf.setBackend(active);
  }
  return status;
}

async function attempt(backend: BackendName): Promise<BackendStatus> {
  const known = outcomes.get(backend);
  if (known && !known.available) return known;
  if (!known) {
    const reason = await register(backend);
    if (reason !== undefined) {
      const status: BackendStatus = { backend, available: false, reason };
      outcomes.set(backend, status);
      return status;
    }
    instrument(backend);
  }
  const label = BACKEND_LABELS[backend];
  let ready = false;
  try {
    ready = await tf.setBackend(backend);
  } catch (error) {
    initErrors.set(backend, errorMessage(error));
  }
  const status: BackendStatus = ready
    ? { backend, available: true }
    : {
        backend,
        available: false,
        reason: `${label}: the backend failed to initialise${describeInitError(backend)}`,
      };
  outcomes.set(backend, status);
  return status;
}

function describeInitError(backend: BackendName): string {
  const message = initErrors.get(backend);
  return message ? `: ${message}` : '';
}

/** Makes `backend` the active one, or says why it cannot be. */
export function useBackend(backend: BackendName): Promise<BackendStatus> {
  return serialised(async () => {
    await loadTfjs();
    return activate(backend);
  });
}

/**
 * Activates the first backend that works, trying `prefer` first and then BACKEND_ORDER.
 * Every backend tried before the chosen one is reported with its reason.
 */
export function initTfjs(options: { prefer?: BackendName } = {}): Promise<TfjsSetup> {
  return serialised(async () => {
    const tf = await loadTfjs();
    // Skips tfjs's per-op debug checks; learners check their own inputs and losses.
    tf.enableProdMode();
    const order = options.prefer
      ? [options.prefer, ...BACKEND_ORDER.filter((name) => name !== options.prefer)]
      : BACKEND_ORDER;
    const tried: BackendStatus[] = [];
    const passedOver: BackendName[] = [];
    for (const backend of order) {
      const software = backend !== options.prefer ? await softwareRenderer(backend) : undefined;
      if (software) {
        passedOver.push(backend);
        tried.push({ backend, available: false, reason: software });
        continue;
      }
      const status = await activate(backend);
      tried.push(status);
      if (status.available) return { ok: true, tf, backend, tried };
    }
    // Only software GPU emulation works: slow, but better than nothing.
    for (const backend of passedOver) {
      const status = await activate(backend);
      if (status.available) return { ok: true, tf, backend, tried };
    }
    return { ok: false, reason: 'No TensorFlow.js backend could be initialised', tried };
  });
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

/**
 * A GPU backend that runs on a software emulation of a GPU is many times slower than WASM (about
 * 40× for WebGPU on SwiftShader), so the automatic choice passes it over and says why.
 */
async function softwareRenderer(backend: BackendName): Promise<string | undefined> {
  const label = BACKEND_LABELS[backend];
  if (backend === 'webgpu') {
    const probe = await probeWebGpu(findGpu());
    if (probe.ok && probe.details.isFallbackAdapter) {
      return `${label}: only a software fallback adapter is available, which is slower than WASM`;
    }
  }
  if (backend === 'webgl') {
    const probe = probeWebGl();
    if (probe.ok && SOFTWARE_RENDERER.test(probe.details.renderer)) {
      return `${label}: the renderer is software (${probe.details.renderer}), which is slower than WASM`;
    }
  }
  return undefined;
}

/** Tries every backend, in BACKEND_ORDER, and leaves the previously active one active. */
export function listBackends(): Promise<BackendStatus[]> {
  return serialised(async () => {
    await loadTfjs();
    const previous = activeBackend();
    const statuses: BackendStatus[] = [];
    for (const backend of BACKEND_ORDER) statuses.push(await activate(backend));
    if (previous) await activate(previous);
    return statuses;
  });
}

export function activeBackend(): BackendName | undefined {
  return active;
}
