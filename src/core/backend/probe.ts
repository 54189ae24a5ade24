/**
 * Feature probes that explain, in words a student can act on, why a tfjs backend is or is not
 * usable here. They read only `globalThis`, so they run unchanged in a page, a worker and Node.
 */

export interface WebGpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupStorageSize: number;
}

export interface WebGpuAdapterDetails {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: WebGpuLimits;
}

export interface WebGlDetails {
  version: 2;
  vendor: string;
  renderer: string;
}

export type Probe<T> = { ok: true; details: T } | { ok: false; reason: string };

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

interface GpuAdapterLike {
  features: Iterable<string>;
  limits: Partial<Record<keyof WebGpuLimits, number>>;
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
}

export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<GpuAdapterLike | null>;
}

const LIMIT_NAMES: readonly (keyof WebGpuLimits)[] = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupStorageSize',
];

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export function findGpu(): GpuLike | undefined {
  const navigatorLike = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return navigatorLike?.gpu;
}

function adapterDetails(adapter: GpuAdapterLike): WebGpuAdapterDetails {
  const info = adapter.info ?? {};
  const limits = {} as WebGpuLimits;
  // GPUSupportedLimits exposes its values as prototype getters, so they are read by name.
  for (const name of LIMIT_NAMES) limits[name] = adapter.limits[name] ?? 0;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    features: [...adapter.features].sort(),
    limits,
  };
}

export async function probeWebGpu(
  gpu: GpuLike | undefined = findGpu(),
): Promise<Probe<WebGpuAdapterDetails>> {
  if (!gpu) {
    return { ok: false, reason: 'WebGPU: not supported here (navigator.gpu is missing)' };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      return {
        ok: false,
        reason: 'WebGPU: no adapter (navigator.gpu.requestAdapter() returned null)',
      };
    }
    return { ok: true, details: adapterDetails(adapter) };
  } catch (error) {
    return { ok: false, reason: `WebGPU: requestAdapter() failed: ${errorMessage(error)}` };
  }
}

interface WebGlContextLike {
  VENDOR: number;
  RENDERER: number;
  getParameter(name: number): unknown;
  getExtension(name: string): unknown;
}

type ContextSource = { kind: 'worker' | 'page'; create: () => WebGlContextLike | null };

const UNMASKED_VENDOR_WEBGL = 0x9245;
const UNMASKED_RENDERER_WEBGL = 0x9246;

function contextSource(): ContextSource | undefined {
  const scope = globalThis as {
    OffscreenCanvas?: new (
      width: number,
      height: number,
    ) => {
      getContext(kind: 'webgl2'): unknown;
    };
    document?: { createElement(tag: 'canvas'): { getContext(kind: 'webgl2'): unknown } };
  };
  const { OffscreenCanvas, document } = scope;
  if (OffscreenCanvas) {
    const kind = document ? 'page' : 'worker';
    return {
      kind,
      create: () => new OffscreenCanvas(1, 1).getContext('webgl2') as WebGlContextLike | null,
    };
  }
  if (document) {
    return {
      kind: 'page',
      create: () =>
        document.createElement('canvas').getContext('webgl2') as WebGlContextLike | null,
    };
  }
  return undefined;
}

function readString(gl: WebGlContextLike, name: number): string {
  const value = gl.getParameter(name);
  return typeof value === 'string' ? value : '';
}

function describeContext(gl: WebGlContextLike): WebGlDetails {
  const vendor = readString(gl, gl.VENDOR);
  const renderer = readString(gl, gl.RENDERER);
  const masked = renderer === '' || renderer === 'WebKit WebGL';
  const debugInfo = masked ? gl.getExtension('WEBGL_debug_renderer_info') : null;
  if (debugInfo) {
    return {
      version: 2,
      vendor: readString(gl, UNMASKED_VENDOR_WEBGL) || vendor,
      renderer: readString(gl, UNMASKED_RENDERER_WEBGL) || renderer,
    };
  }
  return { version: 2, vendor, renderer };
}

function releaseContext(gl: WebGlContextLike): void {
  const loseContext = gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null;
  loseContext?.loseContext();
}

export function probeWebGl(): Probe<WebGlDetails> {
  const source = contextSource();
  if (!source) {
    return {
      ok: false,
      reason: 'WebGL: no WebGL2 context here (no OffscreenCanvas or document to draw on)',
    };
  }
  try {
    const gl = source.create();
    if (!gl) return { ok: false, reason: `WebGL: no WebGL2 context in this ${source.kind}` };
    const details = describeContext(gl);
    releaseContext(gl);
    return { ok: true, details };
  } catch (error) {
    return { ok: false, reason: `WebGL: creating a WebGL2 context failed: ${errorMessage(error)}` };
  }
}

export function probeWasm(): Probe<{ simd: boolean }> {
  if (typeof WebAssembly !== 'object') {
    return { ok: false, reason: 'WASM: WebAssembly is not supported here' };
  }
  // The smallest module that uses a v128 value: it validates only where SIMD is supported.
  const simdProbe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
    15, 253, 98, 11,
  ]);
  return { ok: true, details: { simd: WebAssembly.validate(simdProbe) } };
}
