import type { EmbedError } from './errors';
import type { OnnxRuntimeSource } from './load';
import type { readColumns } from './rows';
import type { OnnxModel, Signature } from './types';

/**
 * The ONNX path, loaded only when a model is ONNX: it imports onnxruntime-web at run time and
 * follows the lab's export conventions: one `[N, 1]` input per column (numbers as the model
 * declares them, float32 unless it says otherwise, dates as float64 epoch milliseconds; text
 * for categories and text; missing numbers are NaN, missing text ''), classifiers
 * output `label` `[N]` and `probabilities` `[N, C]`, regressors `variable` `[N, 1]`.
 *
 * It imports no values from the rest of the runtime, which hands it what it shares: a bundler
 * would otherwise split the shared modules into a third file.
 */

export interface OnnxKit {
  readonly readColumns: typeof readColumns;
  readonly EmbedError: typeof EmbedError;
}

interface Tensor {
  readonly data: ArrayLike<unknown>;
}

interface Session {
  readonly inputNames: readonly string[];
  /** Element types of the inputs (onnxruntime-web 1.21 and later). */
  readonly inputMetadata?: readonly { readonly name: string; readonly type?: string }[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

interface Runtime {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => Tensor;
  InferenceSession: { create(model: Uint8Array): Promise<Session> };
}

async function importRuntime(
  source: OnnxRuntimeSource | undefined,
  { EmbedError }: OnnxKit,
): Promise<Runtime> {
  let module: Record<string, unknown>;
  // A relative URL resolves against the runtime's own file, in module and classic scripts alike.
  const url = typeof source === 'string' ? source : './ort/ort.wasm.min.mjs';
  try {
    module = (await (typeof source === 'function'
      ? source()
      : import(/* @vite-ignore */ url))) as Record<string, unknown>;
  } catch (error) {
    throw new EmbedError(
      `Could not load onnxruntime-web${typeof source === 'function' ? '' : ` from ${url}`}, ` +
        `which ONNX models need: ${(error as Error).message}`,
    );
  }
  const runtime = ('InferenceSession' in module ? module : module.default) as Runtime | undefined;
  if (!runtime?.InferenceSession)
    throw new EmbedError('The ONNX runtime module has no InferenceSession.');
  return runtime;
}

export async function createOnnxModel(
  bytes: Uint8Array,
  signature: Signature,
  source: OnnxRuntimeSource | undefined,
  kit: OnnxKit,
): Promise<OnnxModel> {
  const { EmbedError, readColumns } = kit;
  const { classes } = signature;
  const ort = await importRuntime(source, kit);
  let session: Session;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (error) {
    throw new EmbedError(`The ONNX model could not be opened: ${(error as Error).message}`);
  }
  const inputs = signature.inputs.filter((input) => session.inputNames.includes(input.name));
  const lacking = session.inputNames.filter((name) => !inputs.some((input) => input.name === name));
  if (lacking.length) {
    throw new EmbedError(`The ONNX model reads ${lacking.join(', ')}, which its signature lacks.`);
  }
  const output = (name: string, result: Record<string, Tensor>, length: number) => {
    const tensor = result[name];
    if (!tensor || tensor.data.length !== length) {
      throw new EmbedError(`The ONNX model gave no “${name}” output of ${length} values.`);
    }
    return tensor.data;
  };
  return {
    kind: 'onnx',
    signature,
    async predict(rows, options) {
      const columns = readColumns(rows, signature.inputs, new Set(), options);
      const n = rows.length;
      if (!n) return [];
      const feeds: Record<string, Tensor> = {};
      for (const { name, type } of inputs) {
        const values = columns.get(name)!;
        const declared = session.inputMetadata?.find((meta) => meta.name === name)?.type;
        const element = declared ?? (type === 'datetime' ? 'float64' : 'float32');
        feeds[name] =
          values instanceof Float64Array
            ? new ort.Tensor(element, element === 'float64' ? values : Float32Array.from(values), [
                n,
                1,
              ])
            : new ort.Tensor(
                'string',
                values.map((value) => value ?? ''),
                [n, 1],
              );
      }
      const result = await session.run(feeds);
      if (!classes) {
        const values = output('variable', result, n);
        return Array.from({ length: n }, (_, i) => ({ value: Number(values[i]) }));
      }
      const k = classes.length;
      const proba = output('probabilities', result, n * k);
      const labels = result.label ? output('label', result, n) : null;
      return Array.from({ length: n }, (_, i) => {
        const probabilities: Record<string, number> = Object.create(null);
        let best = 0;
        classes.forEach((label, c) => {
          probabilities[label] = Number(proba[i * k + c]);
          if (Number(proba[i * k + c]) > Number(proba[i * k + best])) best = c;
        });
        const value = labels?.[i];
        const label =
          typeof value === 'string'
            ? value
            : value === undefined
              ? classes[best]!
              : classes[Number(value)]!;
        return { label, probabilities };
      });
    },
  };
}
