import { checkCancelled, TrainingError, yieldToEventLoop } from '../core/errors/training-error';
import { exportOnnx, onnxInputs } from '../core/export';
import { loadPredictor } from '../core/model';
import type { ExportApi, OnnxExportOutcome } from './export-api';
import { createJobRegistry } from './jobs';

export interface ExportServiceOptions {
  /** Moves the result's buffer back instead of copying it (comlink's `transfer` in a worker). */
  transfer?: <T>(value: T, buffers: ArrayBuffer[]) => T;
}

function failure(error: unknown): Extract<OnnxExportOutcome, { ok: false }> {
  if (error instanceof TrainingError) {
    return {
      ok: false,
      error: {
        kind: error.kind,
        message: error.message,
        ...(error.where === undefined ? {} : { part: error.where }),
      },
    };
  }
  return {
    ok: false,
    error: { kind: 'internal', message: error instanceof Error ? error.message : String(error) },
  };
}

/**
 * The export worker's implementation: rebuilds the model from its JSON and writes it as ONNX,
 * featurization included, off the page's thread. Cancellation is honoured between the steps
 * (the graph itself is built in one go; the pool ends a worker that does not stop in time).
 */
export function createExportService(options: ExportServiceOptions = {}): ExportApi {
  const jobs = createJobRegistry();
  const transfer = options.transfer ?? (<T>(value: T) => value);
  return {
    exportOnnx: (jobId, request, events) =>
      jobs.run(jobId, events, async ({ signal, progress }): Promise<OnnxExportOutcome> => {
        try {
          progress({ phase: 'read' });
          await yieldToEventLoop();
          checkCancelled(signal);
          const predictor = loadPredictor(request.model);
          progress({ phase: 'export' });
          await yieldToEventLoop();
          checkCancelled(signal);
          const bytes = exportOnnx(predictor, request.options);
          checkCancelled(signal);
          const inputs = onnxInputs(predictor, request.options).map((input) => input.name);
          progress({ phase: 'done', bytes: bytes.byteLength });
          return transfer({ ok: true, bytes, inputs }, [bytes.buffer as ArrayBuffer]);
        } catch (error) {
          return failure(error);
        }
      }),
    cancel: (jobId) => jobs.cancel(jobId),
  };
}
