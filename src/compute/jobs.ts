import { releaseProxy, type Remote } from 'comlink';
import type { JobEvent, JobEventSink } from './events';

export interface JobControl<Progress> {
  signal: AbortSignal;
  emit: (event: JobEvent<Progress>) => void;
  progress: (progress: Progress) => void;
}

const FORGET_EARLY_CANCELS_AFTER = 64;

/**
 * The worker side of cancellation: one AbortController per running job, aborted by `cancel`.
 * A cancel that overtakes its job (possible when the job awaits before starting) is remembered.
 */
export function createJobRegistry() {
  const running = new Map<string, AbortController>();
  const cancelledEarly = new Set<string>();

  async function run<T, Progress>(
    jobId: string,
    events: Remote<JobEventSink<Progress>> | JobEventSink<Progress> | undefined,
    work: (control: JobControl<Progress>) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    running.set(jobId, controller);
    if (cancelledEarly.delete(jobId)) controller.abort();
    const emit = (event: JobEvent<Progress>) => {
      // Fire and forget: the page may already have stopped listening.
      void Promise.resolve(events?.(event)).catch(() => undefined);
    };
    try {
      return await work({
        signal: controller.signal,
        emit,
        progress: (progress) => emit({ type: 'progress', progress }),
      });
    } finally {
      running.delete(jobId);
      const release = (events as Partial<Remote<object>> | undefined)?.[releaseProxy];
      if (typeof release === 'function') release.call(events);
    }
  }

  function cancel(jobId: string): void {
    const controller = running.get(jobId);
    if (controller) {
      controller.abort();
      return;
    }
    cancelledEarly.add(jobId);
    if (cancelledEarly.size > FORGET_EARLY_CANCELS_AFTER) {
      const oldest = cancelledEarly.values().next().value;
      if (oldest !== undefined) cancelledEarly.delete(oldest);
    }
  }

  return {
    run,
    cancel,
    get runningJobs() {
      return running.size;
    },
  };
}

export type JobRegistry = ReturnType<typeof createJobRegistry>;
