import type { EmbedError } from './errors';
import type { OnnxRuntimeSource } from './load';
import type { readColumns } from './rows';
import type { ColumnValues, OnnxModel, Signature } from './types';

/**
 * The ONNX path, loaded only when a model is ONNX: it imports onnxruntime-web at run time and
 * follows the lab's export conventions, which scikit-learn's converters share: one `[N, 1]` (or
 * `[N]`) input per column, fed in the element type the session declares (float32, float64 —
 * dates are float64 epoch milliseconds in the lab's export —, integers, booleans or text;
 * missing numbers are NaN, missing text ''); classifiers output `label` `[N]` and
 * `probabilities` `[N, C]`, regressors `variable` `[N, 1]`. Models converted elsewhere may name
 * their outputs differently (`output_label`): then the first tensor of the right kind and size
 * is read, and outputs that are not tensors (ZipMap) are never fetched.
 *
 * It imports no values from the rest of the runtime, which hands it what it shares: a bundler
 * would otherwise split the shared modules into a third file.
 */

export interface OnnxKit {
  readonly readColumns: typeof readColumns;
  readonly EmbedError: typeof EmbedError;
}

interface Tensor {
  readonly type?: string;
  readonly data: ArrayLike<unknown>;
}

/** What onnxruntime-web (1.21 and later) says about an input or output. */
interface ValueMetadata {
  readonly name: string;
  readonly isTensor?: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

interface Session {
  readonly inputNames: readonly string[];
  readonly inputMetadata?: readonly ValueMetadata[];
  readonly outputNames: readonly string[];
  readonly outputMetadata?: readonly ValueMetadata[];
  run(feeds: Record<string, Tensor>, fetches?: readonly string[]): Promise<Record<string, Tensor>>;
}

interface Runtime {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => Tensor;
  InferenceSession: { create(model: Uint8Array): Promise<Session> };
}

const INTEGER_ARRAYS = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
} as const;

const cell = (row: number, column: string) => `Row ${row + 1} (rows[${row}]), column “${column}”`;

/**
 * The tensor data for one input, in the element type the model declares: float32 or float64
 * (NaN for a missing number; dates are float64 milliseconds in the lab's export), integers and
 * booleans (which have no missing value), or text ('' for a missing value).
 */
function tensorData(
  element: string,
  values: ColumnValues,
  name: string,
  EmbedError: OnnxKit['EmbedError'],
): unknown {
  if (element === 'string') {
    return Array.from(values as ArrayLike<unknown>, (value) =>
      value === null || (typeof value === 'number' && Number.isNaN(value)) ? '' : String(value),
    );
  }
  if (!(values instanceof Float64Array)) {
    const index = values.findIndex((value) => value !== null && !Number.isFinite(Number(value)));
    // Text that the signature calls categorical but the model reads as numbers.
    if (index >= 0) {
      throw new EmbedError(
        `${cell(index, name)}: the model reads numbers (${element}), got the text “${values[index]}”.`,
        name,
        index,
      );
    }
    return tensorData(
      element,
      Float64Array.from(values, (value) => (value === null ? NaN : Number(value))),
      name,
      EmbedError,
    );
  }
  if (element === 'float32') return Float32Array.from(values);
  if (element === 'float64') return values;
  const whole = (value: number, index: number) => {
    if (Number.isInteger(value)) return value;
    throw new EmbedError(
      `${cell(index, name)}: the model reads whole numbers (${element}) and has no missing value, ` +
        `got ${Number.isNaN(value) ? 'a missing value' : value}.`,
      name,
      index,
    );
  };
  if (element === 'bool') return Uint8Array.from(values, (value, i) => (whole(value, i) ? 1 : 0));
  if (element === 'int64') return BigInt64Array.from(values, (value, i) => BigInt(whole(value, i)));
  if (element === 'uint64') {
    return BigUint64Array.from(values, (value, i) => BigInt(whole(value, i)));
  }
  const Integers = INTEGER_ARRAYS[element as keyof typeof INTEGER_ARRAYS];
  if (!Integers) {
    throw new EmbedError(`Input “${name}” takes ${element} values, which cannot be fed.`);
  }
  return (Integers as typeof Int32Array).from(values, whole);
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
  const metadataOf = (name: string) => session.inputMetadata?.find((meta) => meta.name === name);
  // Outputs that are not tensors (a ZipMap's sequence of maps) cannot be read from JavaScript:
  // fetching one fails the whole run, so only tensors are fetched.
  const fetches = session.outputNames.filter(
    (name) => session.outputMetadata?.find((meta) => meta.name === name)?.isTensor !== false,
  );
  if (!fetches.length) {
    throw new EmbedError('The ONNX model has no tensor output that JavaScript can read.');
  }
  const isText = (tensor: Tensor) => tensor.type === 'string' || typeof tensor.data[0] === 'string';
  const isInteger = (tensor: Tensor) =>
    tensor.type
      ? /^u?int/.test(tensor.type)
      : tensor.data instanceof BigInt64Array || tensor.data instanceof Int32Array;
  /** By the export's names first, else the first tensor of the right kind and size. */
  const pick = (
    result: Record<string, Tensor>,
    name: string,
    length: number,
    fits: (tensor: Tensor) => boolean,
  ): ArrayLike<unknown> | null => {
    const named = result[name];
    if (named?.data.length === length) return named.data;
    const found = fetches
      .map((fetched) => result[fetched])
      .find((tensor) => tensor && tensor.data.length === length && fits(tensor));
    return found?.data ?? null;
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
        const metadata = metadataOf(name);
        const numeric = columns.get(name) instanceof Float64Array;
        const element =
          metadata?.type ?? (numeric ? (type === 'datetime' ? 'float64' : 'float32') : 'string');
        const dims = metadata?.shape?.length === 1 ? [n] : [n, 1];
        feeds[name] = new ort.Tensor(
          element,
          tensorData(element, columns.get(name)!, name, EmbedError),
          dims,
        );
      }
      const result = await session.run(feeds, fetches);
      const number = (tensor: Tensor) => !isText(tensor) && !isInteger(tensor);
      if (!classes) {
        const values = pick(result, 'variable', n, number);
        if (!values) throw new EmbedError(`The ONNX model gave no numeric output of ${n} values.`);
        return Array.from({ length: n }, (_, i) => ({ value: Number(values[i]) }));
      }
      const k = classes.length;
      const proba = pick(result, 'probabilities', n * k, number);
      const labels = pick(result, 'label', n, (tensor) => isText(tensor) || isInteger(tensor));
      if (!proba && !labels) {
        throw new EmbedError(
          `The ONNX model gave neither a label nor ${k} probabilities for each of ${n} rows.`,
        );
      }
      return Array.from({ length: n }, (_, i) => {
        const probabilities: Record<string, number> = Object.create(null);
        let best = 0;
        if (proba) {
          classes.forEach((label, c) => {
            probabilities[label] = Number(proba[i * k + c]);
            if (Number(proba[i * k + c]) > Number(proba[i * k + best])) best = c;
          });
        }
        return { label: labels ? labelOf(labels[i], classes) : classes[best]!, probabilities };
      });
    },
  };
}

/**
 * A label output holds class names (the lab's export, converters' string labels) or integer
 * labels (converters' integer classes, whose names are the numbers as text).
 */
function labelOf(value: unknown, classes: readonly string[]): string {
  if (typeof value === 'string') return value;
  const text = String(value);
  if (classes.includes(text)) return text;
  return classes[Number(value)] ?? text;
}
