/** Backend names and labels, importable without loading TensorFlow.js itself. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** The order in which backends are preferred: fastest where present first. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export const BACKEND_LABELS: Readonly<Record<BackendName, string>> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};

export type BackendStatus =
  | { backend: BackendName; available: true }
  | { backend: BackendName; available: false; reason: string };
