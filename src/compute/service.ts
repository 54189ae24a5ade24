import {
  configureTfjs,
  initTfjs,
  listBackends,
  tf,
  useBackend,
  type BackendName,
  type BackendStatus,
  type WasmPaths,
} from '../core/backend/tfjs';
import { probeWasm, probeWebGl, probeWebGpu } from '../core/backend/probe';
import { runBenchmarks } from '../core/bench/suite';
import type { BenchmarkOptions, ComputeApi, DeviceInfo } from './api';
import { createJobRegistry } from './jobs';
import { yieldToEventLoop } from '../core/errors/training-error';

export interface ComputeServiceOptions {
  now: () => number;
  wasmPaths?: WasmPaths;
}

interface NavigatorFacts {
  hardwareConcurrency?: number;
  deviceMemory?: number;
}

function navigatorFacts(): Pick<DeviceInfo, 'hardwareConcurrency' | 'deviceMemoryGb'> {
  const facts = (globalThis as { navigator?: NavigatorFacts }).navigator;
  return {
    hardwareConcurrency: facts?.hardwareConcurrency,
    deviceMemoryGb: facts?.deviceMemory,
  };
}

/** The compute worker's implementation; the worker file only exposes it. */
export function createComputeService(options: ComputeServiceOptions): ComputeApi {
  configureTfjs({ wasmPaths: options.wasmPaths });
  const jobs = createJobRegistry();
  const ready = initTfjs();

  async function defaultBackend() {
    const setup = await ready;
    return setup.ok ? setup.backend : undefined;
  }

  async function passedOver(backends: BackendStatus[]) {
    const setup = await ready;
    const reasons: Partial<Record<BackendName, string>> = {};
    for (const tried of setup.tried) {
      const works = backends.some((status) => status.backend === tried.backend && status.available);
      if (!tried.available && works) reasons[tried.backend] = tried.reason;
    }
    return reasons;
  }

  async function deviceInfo(): Promise<DeviceInfo> {
    const initial = await defaultBackend();
    const [backends, webgpu, webgl, wasm] = await Promise.all([
      listBackends(),
      probeWebGpu(),
      probeWebGl(),
      probeWasm(),
    ]);
    return {
      backends,
      defaultBackend: initial,
      passedOver: await passedOver(backends),
      webgpu: webgpu.ok ? webgpu.details : undefined,
      webgl: webgl.ok ? webgl.details : undefined,
      wasmSimd: wasm.ok && wasm.details.simd,
      ...navigatorFacts(),
    };
  }

  async function benchmark(
    jobId: string,
    request: BenchmarkOptions,
    events: Parameters<ComputeApi['benchmark']>[2],
  ) {
    return jobs.run(jobId, events, async ({ signal, progress }) => {
      const initial = await defaultBackend();
      const backends =
        request.backends ??
        (await listBackends()).filter((status) => status.available).map((s) => s.backend);
      try {
        return await runBenchmarks({
          tf,
          backends,
          activate: useBackend,
          now: options.now,
          signal,
          pause: yieldToEventLoop,
          onProgress: progress,
          plan: request.plan,
        });
      } finally {
        if (initial) await useBackend(initial);
      }
    });
  }

  return { deviceInfo, benchmark, cancel: (jobId) => jobs.cancel(jobId) };
}
