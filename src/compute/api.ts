import type { BackendName, BackendStatus } from '../core/backend/names';
import type { WebGlDetails, WebGpuAdapterDetails } from '../core/backend/probe';
import type { BenchmarkPlan, BenchmarkProgress, BenchmarkReport } from '../core/bench/types';
import type { JobEventSink } from './events';
import type { Cancellable } from './pool';

export type { BackendName, BackendStatus, WebGlDetails, WebGpuAdapterDetails };
export type { BenchmarkPlan, BenchmarkProgress, BenchmarkReport };

/** What the compute worker can see of the device it runs on. */
export interface DeviceInfo {
  /** Every tfjs backend, in order of preference, each available or with the reason it is not. */
  backends: BackendStatus[];
  /** The backend jobs use unless told otherwise. */
  defaultBackend?: BackendName;
  /** Why working backends ahead of the default in the preferred order were passed over. */
  passedOver?: Partial<Record<BackendName, string>>;
  /** Present when a WebGPU adapter was found. */
  webgpu?: WebGpuAdapterDetails;
  /** Present when a WebGL2 context could be created. */
  webgl?: WebGlDetails;
  wasmSimd: boolean;
  hardwareConcurrency?: number;
  /** Approximate RAM in GiB (Chromium only, rounded and capped by the browser). */
  deviceMemoryGb?: number;
}

export interface BenchmarkOptions {
  /** Backends to measure, in this order; by default every available one. */
  backends?: BackendName[];
  plan?: BenchmarkPlan;
}

/** The compute worker, as the page sees it through comlink. */
export interface ComputeApi extends Cancellable {
  deviceInfo(): Promise<DeviceInfo>;
  benchmark(
    jobId: string,
    options: BenchmarkOptions,
    events: JobEventSink<BenchmarkProgress>,
  ): Promise<BenchmarkReport>;
  cancel(jobId: string): void;
}
