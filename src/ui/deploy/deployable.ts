/**
 * A registered model version made ready to deploy: its embed file, its signature, and the ONNX
 * file that goes with it (exported from a lab model, or the imported file itself).
 */
import type { EnsembleJSON, ModelJSON } from '../../core/model/model';
import { inspectOnnx, onnxSignature } from '../../core/export/onnx-import';
import { modelSignature } from '../../core/tracking/model-signature';
import { checkSignature } from '../../core/tracking/signature';
import type { Lab, ModelVersionRecord } from '../../sdk';
import { embedSignature } from '../../embed/deploy';
import { load, fromJSON } from '../../embed/load';
import { compileModel } from '../../embed/model';
import type { EmbeddedModel, EmbedFile, ForecastEmbedFile, Signature } from '../../embed/types';
import type { SavedForecast } from '../../core/forecast/saved';
import { getExportClient } from '../../compute/export-client';
import type { OnnxExportProgress } from '../../compute/export-api';
import { onnxRuntimeUrl } from './runtime';

/** A model that predicts rows. */
export interface TabularDeployable {
  readonly modelName: string;
  readonly record: ModelVersionRecord;
  /** `bunsen`: the lab's own model format; `onnx`: an imported ONNX file. */
  readonly kind: 'bunsen' | 'onnx';
  readonly signature: Signature;
  /** The lab's model (kind `bunsen`). */
  readonly model: ModelJSON | EnsembleJSON | null;
  /** The imported file (kind `onnx`). */
  readonly onnx: Uint8Array | null;
  readonly forecast?: undefined;
  /**
   * Image columns the model reads (left out of `signature`). The deployment runtime cannot
   * decode images, so such a model scores datasets in the lab's trainer worker and cannot be
   * embedded or exported.
   */
  readonly imageInputs?: readonly string[];
}

/** A forecaster the Forecast page registered: it reads no rows and has no ONNX form. */
export interface ForecastDeployable {
  readonly modelName: string;
  readonly record: ModelVersionRecord;
  readonly kind: 'forecast';
  readonly signature: null;
  readonly model: null;
  readonly onnx: null;
  readonly forecast: SavedForecast;
  /** The model of each series in words, as the runtime restored it. */
  readonly labels: readonly string[];
  readonly imageInputs?: undefined;
}

export type Deployable = TabularDeployable | ForecastDeployable;

export type OnnxExport =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly reason: string };

/** The file name the zip and the embed file use for the ONNX model. */
export const ONNX_FILE = 'model.onnx';

/** Reads a version's artifact and checks that the runtime can evaluate it. */
export async function loadDeployable(lab: Lab, versionId: string): Promise<Deployable> {
  const { record } = await lab.models.version(versionId);
  const model = await lab.models.get(record.modelId);
  const { bytes } = await lab.models.artifact(versionId);
  const base = { modelName: model.name, record };
  if (record.source === 'onnx') {
    return {
      ...base,
      kind: 'onnx',
      signature: onnxVersionSignature(record, bytes),
      model: null,
      onnx: bytes,
    };
  }
  let json: ModelJSON | EnsembleJSON;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as ModelJSON | EnsembleJSON;
  } catch (error) {
    throw new Error(
      `Version ${record.version} of “${model.name}” holds ${record.artifact.name}, which is not a model file: ${(error as Error).message}`,
    );
  }
  if ((json as { format?: unknown }).format === 'bunsen-forecast') {
    const forecast = json as unknown as SavedForecast;
    // Loading checks that the runtime can restore every series' model.
    const { labels } = await fromJSON(forecast);
    return {
      ...base,
      kind: 'forecast',
      signature: null,
      model: null,
      onnx: null,
      forecast,
      labels,
    };
  }
  const labSignature = modelSignature(json);
  const imageInputs = labSignature.inputs
    .filter((input) => input.type === 'image')
    .map((input) => input.name);
  if (imageInputs.length) {
    const inputs = labSignature.inputs.filter((input) => input.type !== 'image');
    const signature = embedSignature({ ...labSignature, inputs });
    return { ...base, kind: 'bunsen', signature, model: json, onnx: null, imageInputs };
  }
  // Compiling checks that the runtime can read every part of the model.
  const { signature } = compileModel(json);
  return { ...base, kind: 'bunsen', signature, model: json, onnx: null };
}

/** An imported model's signature as registered, else as the file itself describes it. */
function onnxVersionSignature(record: ModelVersionRecord, bytes: Uint8Array): Signature {
  const recorded = checkSignature(record.signature);
  if (recorded.ok) return embedSignature(recorded.signature);
  const inspection = inspectOnnx(bytes, { fileName: record.fileName ?? record.artifact.name });
  if (!inspection.ok) throw new Error(inspection.error.message);
  const derived = onnxSignature(inspection.model);
  if (!derived.ok) throw new Error(derived.problems.join(' '));
  return embedSignature(derived.signature);
}

/** The embed file a deployment carries; an ONNX model is the file next to it. */
export function embedFile(deployable: TabularDeployable, onnxSrc?: string): EmbedFile;
export function embedFile(deployable: Deployable, onnxSrc?: string): EmbedFile | ForecastEmbedFile;
export function embedFile(
  deployable: Deployable,
  onnxSrc = ONNX_FILE,
): EmbedFile | ForecastEmbedFile {
  if (deployable.kind === 'forecast') {
    return { format: 'bunsen-embed', version: 1, model: deployable.forecast };
  }
  return {
    format: 'bunsen-embed',
    version: 1,
    signature: deployable.signature,
    model: deployable.model ?? { format: 'onnx', src: onnxSrc },
  };
}

/** The model as the runtime evaluates it in the lab (an ONNX model through the lab's copy of onnxruntime-web). */
export function openModel(deployable: TabularDeployable): Promise<EmbeddedModel> {
  if (deployable.onnx) {
    return load(deployable.onnx, {
      signature: deployable.signature,
      onnxRuntime: onnxRuntimeUrl(),
    });
  }
  return fromJSON(deployable.model!);
}

/**
 * The ONNX form of the version: the imported file as it came, or the lab's model exported with
 * its featurization in the export worker (the exporter needs the learners' code, and so
 * TensorFlow.js, which never loads on the page for this). A part ONNX cannot express is a
 * reason, not an error; a cancelled export rejects with the pool's JobError.
 */
export async function onnxOf(
  deployable: Deployable,
  job: { signal?: AbortSignal; onProgress?: (progress: OnnxExportProgress) => void } = {},
): Promise<OnnxExport> {
  if (deployable.onnx) return { ok: true, bytes: deployable.onnx };
  if (deployable.kind === 'forecast') {
    return {
      ok: false,
      reason:
        'a forecaster has no ONNX form: its models (ETS, ARIMA, lag regression …) forecast from their own state, which ONNX graphs do not express',
    };
  }
  const outcome = await getExportClient().exportOnnx({ model: deployable.model, ...job });
  if (outcome.ok) return { ok: true, bytes: outcome.bytes };
  if (outcome.error.kind === 'unsupported') return { ok: false, reason: outcome.error.message };
  throw new Error(
    `Could not export version ${deployable.record.version} of “${deployable.modelName}” to ONNX: ${outcome.error.message}`,
  );
}
