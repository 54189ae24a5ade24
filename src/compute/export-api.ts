import type { TrainingErrorKind } from '../core/errors/training-error';
import type { OnnxExportOptions } from '../core/export';
import type { JobEventSink } from './events';
import type { Cancellable } from './pool';

export interface OnnxExportRequest {
  /** The lab's model.json (a ModelJSON or an EnsembleJSON), as stored in the registry. */
  model: unknown;
  options?: OnnxExportOptions;
}

/** `read`: the model is rebuilt from its JSON; `export`: the graph is built; `done`: encoded. */
export type OnnxExportProgress =
  { phase: 'read' } | { phase: 'export' } | { phase: 'done'; bytes: number };

export type OnnxExportOutcome =
  | { ok: true; bytes: Uint8Array; inputs: string[] }
  /**
   * `unsupported`: the model has a part ONNX cannot express; `part` names it and `message`
   * says why. Any other kind is a model that could not be read or an internal failure.
   */
  | { ok: false; error: { kind: TrainingErrorKind | 'internal'; message: string; part?: string } };

/** The export worker, as the page sees it through comlink. */
export interface ExportApi extends Cancellable {
  exportOnnx(
    jobId: string,
    request: OnnxExportRequest,
    events: JobEventSink<OnnxExportProgress>,
  ): Promise<OnnxExportOutcome>;
  cancel(jobId: string): void;
}
