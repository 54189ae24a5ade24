export type LogLevel = 'info' | 'warn' | 'error';

/** Everything a running job may stream back to the page besides its result. */
export type JobEvent<Progress> =
  | { type: 'progress'; progress: Progress }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'metric'; name: string; value: number; step?: number };

/** Passed to the worker wrapped in comlink.proxy; calls cross back to the page. */
export type JobEventSink<Progress> = (event: JobEvent<Progress>) => void;

export interface JobEventHandlers<Progress> {
  onProgress?: (progress: Progress) => void;
  onLog?: (level: LogLevel, message: string) => void;
  onMetric?: (name: string, value: number, step?: number) => void;
}

export function dispatchJobEvent<Progress>(
  handlers: JobEventHandlers<Progress>,
  event: JobEvent<Progress>,
): void {
  switch (event.type) {
    case 'progress':
      handlers.onProgress?.(event.progress);
      return;
    case 'log':
      handlers.onLog?.(event.level, event.message);
      return;
    case 'metric':
      handlers.onMetric?.(event.name, event.value, event.step);
      return;
  }
}
