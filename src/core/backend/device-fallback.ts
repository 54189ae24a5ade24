import { TrainingError } from '../errors/training-error';

/** Messages with which WebGPU and WebGL report a GPU that went away mid-work. */
const DEVICE_LOST =
  /device (?:was |is |has been )?lost|context (?:was |is )?lost|CONTEXT_LOST|GPUDevice.*(?:destroyed|lost)|gpu.*(?:crash|reset|hung)/i;

const GPU_BACKENDS = new Set(['webgpu', 'webgl']);

/** Whether an error means the GPU device was lost (driver reset, tab backgrounded, device destroyed). */
export function isDeviceLost(error: unknown): boolean {
  if (error instanceof TrainingError) return error.kind === 'device-lost';
  const message = error instanceof Error ? error.message : String(error);
  return DEVICE_LOST.test(message);
}

export interface FallbackOutcome<T> {
  readonly value: T;
  /** The backend the work finished on. */
  readonly backend: string;
  /** Set when the GPU was lost and the work ran again on `backend`; says what happened. */
  readonly note?: string;
}

/**
 * Runs `work` on `backend`; when it is a GPU backend and the device is lost, switches to the
 * fallback (WASM or CPU) that `switchToFallback` activates and runs `work` once more from the
 * start, saying so. Any other error, and a loss on the fallback itself, is thrown as it is.
 */
export async function withDeviceFallback<T>(
  backend: string,
  work: () => Promise<T>,
  switchToFallback: () => Promise<string>,
): Promise<FallbackOutcome<T>> {
  try {
    return { value: await work(), backend };
  } catch (error) {
    if (!GPU_BACKENDS.has(backend) || !isDeviceLost(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    let fallback: string;
    try {
      fallback = await switchToFallback();
    } catch (switchError) {
      throw new TrainingError(
        'device-lost',
        `The ${backend} device was lost (${reason}) and no fallback backend could start: ${
          switchError instanceof Error ? switchError.message : String(switchError)
        }`,
      );
    }
    const value = await work();
    return {
      value,
      backend: fallback,
      note: `The ${backend} device was lost (${reason}); training started again on ${fallback}.`,
    };
  }
}
