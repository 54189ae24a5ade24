import { attr, type GraphBuilder, type ScanValue } from './graph';
import { TensorType, type TensorTypeCode } from './proto';

const DOUBLE = TensorType.DOUBLE;

export const cast = (g: GraphBuilder, x: string, to: TensorTypeCode) =>
  g.op('Cast', [x], { to: attr.int(to) });

export const add = (g: GraphBuilder, a: string, b: string) => g.op('Add', [a, b]);
export const sub = (g: GraphBuilder, a: string, b: string) => g.op('Sub', [a, b]);
export const mul = (g: GraphBuilder, a: string, b: string) => g.op('Mul', [a, b]);
export const div = (g: GraphBuilder, a: string, b: string) => g.op('Div', [a, b]);
export const where = (g: GraphBuilder, condition: string, a: string, b: string) =>
  g.op('Where', [condition, a, b]);
export const floor = (g: GraphBuilder, x: string) => g.op('Floor', [x]);
export const exp = (g: GraphBuilder, x: string) => g.op('Exp', [x]);

/** `x` rounded to float32 and back: the value the lab stores in its Float32Array features. */
export const roundToFloat = (g: GraphBuilder, x: string) =>
  cast(g, cast(g, x, TensorType.FLOAT), DOUBLE);

export const unsqueeze = (g: GraphBuilder, x: string, axes: readonly number[]) =>
  g.op('Unsqueeze', [x, g.int64s(axes, [axes.length], 'axes')]);

export const squeeze = (g: GraphBuilder, x: string, axes: readonly number[]) =>
  g.op('Squeeze', [x, g.int64s(axes, [axes.length], 'axes')]);

export const reshape = (g: GraphBuilder, x: string, shape: string) => g.op('Reshape', [x, shape]);

export const concat = (g: GraphBuilder, parts: readonly string[], axis: number) =>
  parts.length === 1 ? (parts[0] as string) : g.op('Concat', parts, { axis: attr.int(axis) });

/** The batch size of `x` as a one-element int64 tensor. */
const batchSize = (g: GraphBuilder, x: string) =>
  g.op('Shape', [x], { start: attr.int(0), end: attr.int(1) });

/** The shape `[N, ...trailing]` where N is the batch size of `like`. */
function batchShape(g: GraphBuilder, like: string, trailing: readonly number[]): string {
  const n = batchSize(g, like);
  if (trailing.length === 0) return n;
  return concat(g, [n, g.int64s(trailing, [trailing.length], 'dims')], 0);
}

/** A double tensor of shape `[N, ...trailing]` filled with `value`. */
export function filled(
  g: GraphBuilder,
  like: string,
  trailing: readonly number[],
  value: number,
): string {
  return g.op('ConstantOfShape', [batchShape(g, like, trailing)], {
    value: attr.tensor({ name: 'value', type: DOUBLE, values: Float64Array.of(value), dims: [1] }),
  });
}

/** `values` (shape `[K]`) repeated for every row of `like`: shape `[N, K]`. */
export function repeatRows(g: GraphBuilder, like: string, values: ArrayLike<number>): string {
  const row = g.doubles(values, [1, values.length], 'row');
  return g.op('Expand', [row, batchShape(g, like, [values.length])]);
}

/** The index of the first largest value of each row, as int64 `[N]`. */
export const argmaxRows = (g: GraphBuilder, x: string) =>
  g.op('ArgMax', [x], { axis: attr.int(1), keepdims: attr.int(0), select_last_index: attr.int(0) });

/**
 * Softmax over each row in the lab's order of operations: subtract the row maximum, exponentiate,
 * divide by the sum.
 */
export function softmaxRows(g: GraphBuilder, scores: string): string {
  const axes = g.int64s([1], [1], 'axes');
  const max = g.op('ReduceMax', [scores], { axes: attr.ints([1]), keepdims: attr.int(1) });
  const e = exp(g, sub(g, scores, max));
  const total = g.op('ReduceSum', [e, axes], { keepdims: attr.int(1) });
  return div(g, e, total);
}

/** Picks columns of `x` (`[N, K]`) by index; index K (one past the end) gives a column of zeros. */
export function scatterColumns(g: GraphBuilder, x: string, columns: readonly number[]): string {
  const padded = concat(g, [x, filled(g, x, [1], 0)], 1);
  return g.op('Gather', [padded, g.int64s(columns, [columns.length], 'columns')], {
    axis: attr.int(1),
  });
}

/**
 * The sum over axis 1 of `x` (`[N, count, ...]`), the slices added one after another, from
 * `start` (`[N, ...]`) when given: CumSum adds each slice to the running total of those before
 * it, in order, which is how the lab accumulates trees, neighbours and squares. (A ReduceSum
 * may add in any order, which can break the lab's ties differently.)
 */
export function sumInOrder(g: GraphBuilder, x: string, count: number, start?: string): string {
  const sequence = start ? concat(g, [unsqueeze(g, start, [1]), x], 1) : x;
  const last = start ? count : count - 1;
  const running = g.op('CumSum', [sequence, g.int64s([1], [], 'axis')]);
  return g.op('Gather', [running, g.int64s([last], [], 'last')], { axis: attr.int(1) });
}

export interface ScanSpec {
  /** Initial values of the loop state. */
  readonly states: readonly ScanValue[];
  /** Tensors sliced along `axes` (0 by default), one slice per iteration. */
  readonly inputs: readonly ScanValue[];
  readonly axes?: readonly number[];
  /** Returns the next states from the current ones and this iteration's slices. */
  readonly body: (g: GraphBuilder, states: string[], slices: string[]) => string[];
}

/**
 * A Scan loop, used wherever the lab sums in a fixed order (trees, neighbours, features) so that
 * the exported model rounds exactly as the lab does and ties are broken the same way.
 */
export function scan(g: GraphBuilder, spec: ScanSpec): string[] {
  const body = g.child();
  const stateIn = spec.states.map((state) => body.fresh(`${state.name}_in`));
  const slices = spec.inputs.map((input) => body.fresh(`${input.name}_slice`));
  const next = spec.body(body, stateIn, slices);
  const stateOut = spec.states.map((state, i) => {
    const name = body.fresh(`${state.name}_out`);
    body.output(name, next[i] as string);
    return name;
  });
  const graph = body.graph(
    g.fresh('scan_body'),
    [
      ...spec.states.map((state, i) => ({ name: stateIn[i] as string, type: state.type })),
      ...spec.inputs.map((input, i) => ({ name: slices[i] as string, type: input.type })),
    ],
    spec.states.map((state, i) => ({ name: stateOut[i] as string, type: state.type })),
  );
  return g.nodeOutputs(
    'Scan',
    [...spec.states.map((state) => state.name), ...spec.inputs.map((input) => input.name)],
    {
      body: attr.graph(graph),
      num_scan_inputs: attr.int(spec.inputs.length),
      ...(spec.axes ? { scan_input_axes: attr.ints(spec.axes) } : {}),
    },
    { outputs: spec.states.length },
  );
}
