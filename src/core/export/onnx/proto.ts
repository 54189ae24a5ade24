/**
 * The subset of ONNX's protobuf messages an exported model needs, encoded with protobufjs's
 * minimal Writer. Message and field numbers follow onnx/onnx.proto (ONNX, Apache-2.0), IR
 * version 8. protobufjs's reflection (`Root.fromJSON`) is not used because it compiles its
 * encoders with `Function`, which the lab's Content-Security-Policy (no `unsafe-eval`) forbids;
 * the Writer alone does no code generation.
 */
import protobuf from 'protobufjs/minimal.js';

export const TensorType = {
  FLOAT: 1,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  DOUBLE: 11,
} as const;

export type TensorTypeCode = (typeof TensorType)[keyof typeof TensorType];

export type TensorData =
  | { readonly type: typeof TensorType.FLOAT; readonly values: Float32Array }
  | { readonly type: typeof TensorType.DOUBLE; readonly values: Float64Array }
  | { readonly type: typeof TensorType.INT64; readonly values: readonly number[] }
  | { readonly type: typeof TensorType.STRING; readonly values: readonly string[] };

export type TensorProto = TensorData & {
  readonly name: string;
  readonly dims: readonly number[];
};

export type AttributeValue =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: TensorProto }
  | { readonly kind: 'graph'; readonly value: GraphProto }
  | { readonly kind: 'floats'; readonly value: ArrayLike<number> }
  | { readonly kind: 'ints'; readonly value: ArrayLike<number> }
  | { readonly kind: 'strings'; readonly value: readonly string[] };

export interface NodeProto {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** A dimension is a fixed size or a named one (`N` for the batch). */
export type Dimension = number | string;

export interface ValueInfoProto {
  readonly name: string;
  readonly type: TensorTypeCode;
  /** Left out for a tensor of unknown rank. */
  readonly shape?: readonly Dimension[];
  readonly doc?: string;
}

export interface GraphProto {
  readonly name: string;
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly TensorProto[];
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
  readonly doc?: string;
}

export interface ModelProto {
  readonly irVersion: number;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly doc?: string;
  readonly graph: GraphProto;
  readonly metadata: Readonly<Record<string, string>>;
}

type Writer = protobuf.Writer;

const VARINT = 0;
const LENGTH = 2;
const FIXED32 = 5;

const tag = (field: number, wire: number) => ((field << 3) | wire) >>> 0;

const AttributeType = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  graph: 5,
  floats: 6,
  ints: 7,
  strings: 8,
} as const;

function text(writer: Writer, field: number, value: string | undefined) {
  if (value !== undefined && value !== '') writer.uint32(tag(field, LENGTH)).string(value);
}

function message(writer: Writer, field: number, write: (writer: Writer) => void) {
  writer.uint32(tag(field, LENGTH)).fork();
  write(writer);
  writer.ldelim();
}

const utf8 = new TextEncoder();

/** Little-endian bytes of typed values, the layout of TensorProto.raw_data. */
function rawBytes(data: TensorData): Uint8Array {
  const count = data.values.length;
  if (data.type === TensorType.FLOAT) {
    const view = new DataView(new ArrayBuffer(count * 4));
    data.values.forEach((value, i) => view.setFloat32(i * 4, value, true));
    return new Uint8Array(view.buffer);
  }
  const view = new DataView(new ArrayBuffer(count * 8));
  if (data.type === TensorType.DOUBLE) {
    data.values.forEach((value, i) => view.setFloat64(i * 8, value, true));
  } else {
    (data.values as readonly number[]).forEach((value, i) =>
      view.setBigInt64(i * 8, BigInt(value), true),
    );
  }
  return new Uint8Array(view.buffer);
}

function writeTensor(writer: Writer, tensor: TensorProto) {
  for (const dim of tensor.dims) writer.uint32(tag(1, VARINT)).int64(dim);
  writer.uint32(tag(2, VARINT)).int32(tensor.type);
  if (tensor.type === TensorType.STRING) {
    for (const value of tensor.values) writer.uint32(tag(6, LENGTH)).bytes(utf8.encode(value));
  } else if (tensor.values.length > 0) {
    writer.uint32(tag(9, LENGTH)).bytes(rawBytes(tensor));
  }
  text(writer, 8, tensor.name);
}

function writeAttribute(writer: Writer, name: string, attribute: AttributeValue) {
  text(writer, 1, name);
  writer.uint32(tag(20, VARINT)).int32(AttributeType[attribute.kind]);
  switch (attribute.kind) {
    case 'float':
      writer.uint32(tag(2, FIXED32)).float(attribute.value);
      break;
    case 'int':
      writer.uint32(tag(3, VARINT)).int64(attribute.value);
      break;
    case 'string':
      writer.uint32(tag(4, LENGTH)).bytes(utf8.encode(attribute.value));
      break;
    case 'tensor':
      message(writer, 5, (w) => writeTensor(w, attribute.value));
      break;
    case 'graph':
      message(writer, 6, (w) => writeGraph(w, attribute.value));
      break;
    case 'floats':
      // Packed: parsers read packed and unpacked repeated scalars alike.
      if (attribute.value.length > 0) {
        message(writer, 7, (w) => {
          for (let i = 0; i < attribute.value.length; i++) w.float(attribute.value[i] as number);
        });
      }
      break;
    case 'ints':
      if (attribute.value.length > 0) {
        message(writer, 8, (w) => {
          for (let i = 0; i < attribute.value.length; i++) w.int64(attribute.value[i] as number);
        });
      }
      break;
    case 'strings':
      for (const value of attribute.value) writer.uint32(tag(9, LENGTH)).bytes(utf8.encode(value));
      break;
  }
}

function writeNode(writer: Writer, node: NodeProto) {
  for (const input of node.inputs) writer.uint32(tag(1, LENGTH)).string(input);
  for (const output of node.outputs) writer.uint32(tag(2, LENGTH)).string(output);
  text(writer, 3, node.name);
  text(writer, 4, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes)) {
    message(writer, 5, (w) => writeAttribute(w, name, attribute));
  }
  text(writer, 7, node.domain);
}

function writeValueInfo(writer: Writer, info: ValueInfoProto) {
  text(writer, 1, info.name);
  message(writer, 2, (typeWriter) =>
    message(typeWriter, 1, (tensorWriter) => {
      tensorWriter.uint32(tag(1, VARINT)).int32(info.type);
      const shape = info.shape;
      if (shape) {
        message(tensorWriter, 2, (shapeWriter) => {
          for (const dim of shape) {
            message(shapeWriter, 1, (dimWriter) => {
              if (typeof dim === 'number') dimWriter.uint32(tag(1, VARINT)).int64(dim);
              else text(dimWriter, 2, dim);
            });
          }
        });
      }
    }),
  );
  text(writer, 3, info.doc);
}

function writeGraph(writer: Writer, graph: GraphProto) {
  for (const node of graph.nodes) message(writer, 1, (w) => writeNode(w, node));
  text(writer, 2, graph.name);
  for (const tensor of graph.initializers) message(writer, 5, (w) => writeTensor(w, tensor));
  text(writer, 10, graph.doc);
  for (const input of graph.inputs) message(writer, 11, (w) => writeValueInfo(w, input));
  for (const output of graph.outputs) message(writer, 12, (w) => writeValueInfo(w, output));
}

/** The serialized ModelProto, ready to be written to a `.onnx` file or given to a runtime. */
export function encodeModel(model: ModelProto): Uint8Array {
  const writer = new protobuf.Writer();
  writer.uint32(tag(1, VARINT)).int64(model.irVersion);
  text(writer, 2, model.producerName);
  text(writer, 3, model.producerVersion);
  text(writer, 6, model.doc);
  message(writer, 7, (w) => writeGraph(w, model.graph));
  for (const opset of model.opsets) {
    message(writer, 8, (w) => {
      text(w, 1, opset.domain);
      w.uint32(tag(2, VARINT)).int64(opset.version);
    });
  }
  for (const [key, value] of Object.entries(model.metadata)) {
    message(writer, 14, (w) => {
      text(w, 1, key);
      text(w, 2, value);
    });
  }
  return writer.finish();
}
