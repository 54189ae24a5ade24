import {
  TensorType,
  type AttributeValue,
  type Dimension,
  type GraphProto,
  type NodeProto,
  type TensorData,
  type TensorProto,
  type TensorTypeCode,
  type ValueInfoProto,
} from './proto';

export const ML_DOMAIN = 'ai.onnx.ml';

export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
  ints: (value: ArrayLike<number>): AttributeValue => ({ kind: 'ints', value }),
  floats: (value: ArrayLike<number>): AttributeValue => ({ kind: 'floats', value }),
  strings: (value: readonly string[]): AttributeValue => ({ kind: 'strings', value }),
  tensor: (value: TensorProto): AttributeValue => ({ kind: 'tensor', value }),
  graph: (value: GraphProto): AttributeValue => ({ kind: 'graph', value }),
};

type Attributes = Readonly<Record<string, AttributeValue>>;

/** Where a value of a Scan body comes from, with its element type. */
export interface ScanValue {
  readonly name: string;
  readonly type: TensorTypeCode;
}

/**
 * Builds one ONNX graph: every name it hands out is unique across the graph and the subgraphs made
 * from it (ONNX forbids shadowing), constants become initializers, and each node gets a name.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly scalars = new Map<string, string>();
  /** Bytes of constant data, this graph's and its subgraphs'. */
  private readonly size: { bytes: number };

  constructor(
    private readonly names: Set<string> = new Set(),
    size?: { bytes: number },
  ) {
    this.size = size ?? { bytes: 0 };
  }

  get constantBytes(): number {
    return this.size.bytes;
  }

  /** Marks names chosen elsewhere (graph inputs and outputs) as taken. */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`The ONNX name “${name}” is used twice.`);
    this.names.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  fresh(base: string): string {
    const stem = base.replace(/[^A-Za-z0-9_]+/g, '_') || 'v';
    let name = stem;
    for (let i = 1; this.names.has(name); i++) name = `${stem}_${i}`;
    this.names.add(name);
    return name;
  }

  private constant(base: string, tensor: TensorData & { readonly dims: readonly number[] }) {
    const name = this.fresh(base);
    const width = tensor.type === TensorType.FLOAT ? 4 : 8;
    this.size.bytes +=
      tensor.type === TensorType.STRING
        ? tensor.values.reduce((sum: number, text: string) => sum + text.length * 3 + 2, 0)
        : tensor.values.length * width;
    this.initializers.push({ ...tensor, name } as TensorProto);
    return name;
  }

  doubles(values: ArrayLike<number>, dims: readonly number[] = [values.length], base = 'const') {
    return this.constant(base, {
      type: TensorType.DOUBLE,
      values: Float64Array.from(values),
      dims,
    });
  }

  floats(values: ArrayLike<number>, dims: readonly number[] = [values.length], base = 'const') {
    return this.constant(base, { type: TensorType.FLOAT, values: Float32Array.from(values), dims });
  }

  int64s(values: ArrayLike<number>, dims: readonly number[] = [values.length], base = 'const') {
    return this.constant(base, { type: TensorType.INT64, values: Array.from(values), dims });
  }

  strings(values: readonly string[], dims: readonly number[] = [values.length], base = 'const') {
    return this.constant(base, { type: TensorType.STRING, values, dims });
  }

  /** A 0-d constant, shared by every use of the same value and type. */
  scalar(value: number, type: typeof TensorType.DOUBLE | typeof TensorType.FLOAT = 11): string {
    const key = `${type}:${Object.is(value, -0) ? '-0' : String(value)}`;
    let name = this.scalars.get(key);
    if (!name) {
      name =
        type === TensorType.DOUBLE
          ? this.doubles([value], [], 'scalar')
          : this.floats([value], [], 'scalar');
      this.scalars.set(key, name);
    }
    return name;
  }

  /** Adds a node with `outputs` fresh outputs and returns their names. */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    attributes: Attributes = {},
    options: { outputs?: number; domain?: string; names?: readonly string[] } = {},
  ): string[] {
    const count = options.names?.length ?? options.outputs ?? 1;
    const outputs = options.names
      ? [...options.names]
      : Array.from({ length: count }, (_, i) => this.fresh(`${opType}${i ? `_out${i}` : ''}`));
    this.nodes.push({
      name: this.fresh(`${opType}_node`),
      opType,
      domain: options.domain ?? '',
      inputs,
      outputs,
      attributes,
    });
    return outputs;
  }

  /** Adds a one-output node and returns the output's name. */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, domain = ''): string {
    return this.nodeOutputs(opType, inputs, attributes, { domain })[0] as string;
  }

  /** Copies `value` into the graph output `name`. */
  output(name: string, value: string) {
    this.nodeOutputs('Identity', [value], {}, { names: [name] });
  }

  /** A subgraph (for Scan) that shares this graph's names. */
  child(): GraphBuilder {
    return new GraphBuilder(this.names, this.size);
  }

  graph(
    name: string,
    inputs: readonly ValueInfoProto[],
    outputs: readonly ValueInfoProto[],
    doc?: string,
  ): GraphProto {
    return {
      name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs,
      outputs,
      ...(doc ? { doc } : {}),
    };
  }
}

export const valueInfo = (
  name: string,
  type: TensorTypeCode,
  shape?: readonly Dimension[],
  doc?: string,
): ValueInfoProto => ({ name, type, ...(shape ? { shape } : {}), ...(doc ? { doc } : {}) });
