import { EmbedError } from './errors';
import { Fields } from './json';
import { compileModel } from './model';
import { readColumns } from './rows';
import { readSignature } from './signature';
import type {
  EmbeddedModel,
  EmbedFile,
  ForecastEmbedFile,
  ForecastModel,
  LoadedModel,
  Signature,
} from './types';
import type { EnsembleJSON, ModelJSON } from '../core/model/model';
import type { SavedForecast } from '../core/forecast/saved';

/** Loads onnxruntime-web: a module URL to import, or a function that imports it. */
export type OnnxRuntimeSource = string | (() => Promise<unknown>);

export interface LoadOptions {
  /** The fetch to use for URLs (the page's by default). */
  readonly fetch?: (url: string) => Promise<Response>;
  /** What relative URLs in the model file resolve against; the file's own URL by default. */
  readonly baseUrl?: string;
  /**
   * Where onnxruntime-web comes from, for ONNX models only: by default `ort/ort.wasm.min.mjs`
   * next to the runtime file (onnxruntime-web's `dist/ort.wasm.min.mjs`, its `.wasm` beside it).
   */
  readonly onnxRuntime?: OnnxRuntimeSource;
  /** The signature of raw ONNX bytes (an embed file carries its own). */
  readonly signature?: Signature;
}

export type ModelSource = string | URL | object | ArrayBuffer | Uint8Array;

const pageUrl = () => (typeof document === 'undefined' ? undefined : document.baseURI);

/** `url` made absolute against `base` when there is one (Node has no page to resolve against). */
function resolve(url: string, base: string | undefined): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

async function download(url: string, options: LoadOptions): Promise<Response> {
  const fetcher = options.fetch ?? ((u: string) => fetch(u));
  let response: Response;
  try {
    response = await fetcher(url);
  } catch (error) {
    const local = url.startsWith('file:') || pageUrl()?.startsWith('file:');
    throw new EmbedError(
      `Could not fetch the model from ${url}: ${(error as Error).message}` +
        (local
          ? '. Pages opened from file:// cannot fetch files: inline the model in the page ' +
            '(see the index.html that bunsen export writes) or serve the folder over HTTP.'
          : '.'),
    );
  }
  if (!response.ok) {
    throw new EmbedError(`Could not fetch the model from ${url}: HTTP ${response.status}.`);
  }
  return response;
}

async function onnx(bytes: Uint8Array, signature: unknown, options: LoadOptions) {
  if (signature === undefined) {
    throw new EmbedError(
      'An ONNX model needs a signature: pass { signature } or use an embed file.',
    );
  }
  const checked = readSignature(signature);
  const { createOnnxModel } = await import('./onnx');
  return createOnnxModel(bytes, checked, options.onnxRuntime, { readColumns, EmbedError });
}

/** A saved forecaster, through the forecasting chunk (loaded now, the first time). */
async function forecaster(json: unknown): Promise<ForecastModel> {
  const { createForecastModel } = await import('./forecast');
  return createForecastModel(json, { compileModel, EmbedError });
}

/**
 * Reads a parsed model file: the embed file that `bunsen export --format embed` writes, the
 * lab's own model.json (a single model or an ensemble), or a saved forecaster.
 */
export async function fromJSON(
  json: ModelJSON | EnsembleJSON | EmbedFile,
  options?: LoadOptions,
): Promise<EmbeddedModel>;
export async function fromJSON(
  json: SavedForecast | ForecastEmbedFile,
  options?: LoadOptions,
): Promise<ForecastModel>;
export async function fromJSON(json: unknown, options?: LoadOptions): Promise<LoadedModel>;
export async function fromJSON(json: unknown, options: LoadOptions = {}): Promise<LoadedModel> {
  const f = Fields.of(json, 'file');
  const format = f.raw('format');
  if (format === 'bunsen-forecast') return forecaster(json);
  if (format !== 'bunsen-embed') return compileModel(json);
  if (f.raw('version') !== 1) f.fail('version', '1');
  const model = f.object('model');
  const inner = model.raw('format');
  if (inner === 'bunsen-forecast') return forecaster(model.value);
  if (inner !== 'onnx') return compileModel(model.value);
  const base = options.baseUrl ?? pageUrl();
  const url = resolve(model.string('src'), base);
  const bytes = new Uint8Array(await (await download(url, options)).arrayBuffer());
  return onnx(bytes, f.raw('signature'), options);
}

/**
 * Loads a model: a URL of an embed file (or of an `.onnx` file, with `options.signature`), a
 * parsed embed file, lab model or saved forecaster, or the bytes of an ONNX model (with
 * `options.signature`). A forecaster (`kind: 'forecast'`) has `forecast(h)` instead of `predict`.
 */
export async function load(
  source: ArrayBuffer | Uint8Array | ModelJSON | EnsembleJSON | EmbedFile,
  options?: LoadOptions,
): Promise<EmbeddedModel>;
export async function load(
  source: SavedForecast | ForecastEmbedFile,
  options?: LoadOptions,
): Promise<ForecastModel>;
export async function load(source: ModelSource, options?: LoadOptions): Promise<LoadedModel>;
export async function load(source: ModelSource, options: LoadOptions = {}): Promise<LoadedModel> {
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    return onnx(new Uint8Array(source), options.signature, options);
  }
  if (typeof source === 'string' || source instanceof URL) {
    const url = resolve(String(source), pageUrl());
    const response = await download(url, options);
    if (/\.onnx(?:[?#]|$)/i.test(url)) {
      return onnx(new Uint8Array(await response.arrayBuffer()), options.signature, options);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new EmbedError(`${url} is not a JSON model file: ${(error as Error).message}`);
    }
    return fromJSON(json, { ...options, baseUrl: options.baseUrl ?? url });
  }
  return fromJSON(source, options);
}
