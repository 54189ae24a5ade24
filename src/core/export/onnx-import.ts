/**
 * The one entry point for an `.onnx` file made elsewhere: it reads the protobuf wire format
 * directly (field numbers from onnx/onnx.proto, Apache-2.0) without decoding weights, checks what
 * onnxruntime-web needs (size, no external data, known operators and opsets) and describes the
 * model's inputs and outputs. A refused file comes back as a typed error that names the part
 * at fault; nothing here runs the model.
 */
import type { ModelSignature, SignatureInput } from '../tracking/signature';

/** Files above this are refused: the lab keeps them in IndexedDB and runs them in a tab. */
export const MAX_ONNX_BYTES = 200 * 1024 * 1024;
const MAX_GRAPH_DEPTH = 32;
const MAX_LISTED_CATEGORIES = 10_000;

export type OnnxElementType =
  | 'float32'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'string'
  | 'bool'
  | 'float16'
  | 'float64'
  | 'uint32'
  | 'uint64'
  | 'complex64'
  | 'complex128'
  | 'bfloat16'
  | 'float8'
  | 'int4'
  | 'uint4'
  | 'unknown';

/** TensorProto.DataType, as onnxruntime-web names the element types. */
const ELEMENT_TYPES: Readonly<Record<number, OnnxElementType>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8',
  18: 'float8',
  19: 'float8',
  20: 'float8',
  21: 'uint4',
  22: 'int4',
};

const elementType = (code: number): OnnxElementType => ELEMENT_TYPES[code] ?? 'unknown';

/** A dimension: a fixed size, a named size (`N`, `batch_size`) or unknown (null). */
export type OnnxDimension = number | string | null;

export type OnnxType =
  | {
      readonly kind: 'tensor' | 'sparse-tensor';
      readonly elementType: OnnxElementType;
      /** null when the rank is unknown. */
      readonly shape: readonly OnnxDimension[] | null;
    }
  | { readonly kind: 'sequence' | 'optional'; readonly of: OnnxType | null }
  | { readonly kind: 'map'; readonly key: OnnxElementType; readonly value: OnnxType | null }
  | { readonly kind: 'unknown' };

export type OnnxTensorType = Extract<OnnxType, { readonly elementType: OnnxElementType }>;

export interface OnnxValue {
  readonly name: string;
  readonly type: OnnxType;
  readonly doc: string;
}

export interface OnnxOperatorUse {
  /** `ai.onnx` for the default domain. */
  readonly domain: string;
  readonly opType: string;
  readonly count: number;
}

export interface OnnxModelInfo {
  readonly bytes: number;
  readonly irVersion: number;
  readonly producer: { readonly name: string; readonly version: string };
  readonly doc: string;
  readonly graphName: string;
  /** `ai.onnx` for the default domain. */
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  /** The graph's inputs a caller feeds (initializers listed as inputs by old exporters left out). */
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Every operator the graph and its subgraphs use, most used first. */
  readonly operators: readonly OnnxOperatorUse[];
  readonly initializers: number;
  /** Class labels the model declares (a classifier node, ZipMap, or the lab's metadata). */
  readonly classLabels: readonly string[] | null;
  /** Categories of string inputs read directly by an encoder (OneHotEncoder, LabelEncoder …). */
  readonly inputCategories: Readonly<Record<string, readonly string[]>>;
}

export type OnnxImportErrorCode =
  | 'empty'
  | 'too-large'
  | 'malformed'
  | 'no-graph'
  | 'external-data'
  | 'unknown-operators'
  | 'opset';

export interface OnnxImportError {
  readonly code: OnnxImportErrorCode;
  readonly message: string;
  /** The part of the file at fault: a byte offset, a node, a tensor, an opset. */
  readonly where?: string;
  /** For `unknown-operators`: each operator the runtime lacks. */
  readonly operators?: readonly OnnxOperatorUse[];
}

export type OnnxInspection =
  | { readonly ok: true; readonly model: OnnxModelInfo }
  | { readonly ok: false; readonly error: OnnxImportError };

class Refusal extends Error {
  constructor(readonly error: OnnxImportError) {
    super(error.message);
  }
}

const refuse = (code: OnnxImportErrorCode, message: string, where?: string): never => {
  throw new Refusal({ code, message, ...(where === undefined ? {} : { where }) });
};

// ── the protobuf wire format ─────────────────────────────────────────────────────────────

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const FIXED32 = 5;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A bounded view of a message: reading past `end` is a malformed file, never a crash. */
class Cursor {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly path: string,
  ) {}

  get done() {
    return this.pos >= this.end;
  }

  private fail(what: string): never {
    return refuse(
      'malformed',
      `The file is not a valid ONNX model: ${what} at byte ${this.pos} (in ${this.path}).`,
      `byte ${this.pos}`,
    );
  }

  /** A varint as a number; values above 2^53 lose precision, which no field read here needs. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('a number runs past the end of its message');
      const byte = this.bytes[this.pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    return this.fail('a number is longer than 10 bytes');
  }

  /** A signed int64 varint (negative values are ten bytes of two's complement). */
  int64(): number {
    const value = this.varint();
    return value >= 2 ** 63 ? value - 2 ** 64 : value;
  }

  /** The extent of a length-delimited field; the cursor moves past it. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) this.fail('a field is longer than its message');
    this.pos = start + length;
    return [start, this.pos];
  }

  /** A cursor over bytes `from`…`to` of the same file. */
  within(from: number, to: number, name: string): Cursor {
    return new Cursor(this.bytes, from, to, `${this.path}.${name}`);
  }

  sub(name: string): Cursor {
    const [start, end] = this.span();
    return new Cursor(this.bytes, start, end, `${this.path}.${name}`);
  }

  string(): string {
    const [start, end] = this.span();
    return utf8.decode(this.bytes.subarray(start, end));
  }

  /** The key of the next field: its number and wire type. */
  key(): [number, number] {
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0) this.fail('a field number is 0');
    return [field, key & 7];
  }

  skip(wire: number) {
    if (wire === VARINT) this.varint();
    else if (wire === LENGTH) this.span();
    else if (wire === FIXED64) this.advance(8);
    else if (wire === FIXED32) this.advance(4);
    else this.fail(`wire type ${wire} is not used by ONNX`);
  }

  private advance(count: number) {
    if (count > this.end - this.pos) this.fail('a fixed-size field runs past its message');
    this.pos += count;
  }

  /** Repeated varints, packed or not. */
  varints(wire: number, out: number[]) {
    if (wire !== LENGTH) {
      out.push(this.int64());
      return;
    }
    const [start, end] = this.span();
    const inner = new Cursor(this.bytes, start, end, this.path);
    while (!inner.done) out.push(inner.int64());
  }
}

/** Calls `field` for each field of the message; `field` returns false for fields it skips. */
function readMessage(cursor: Cursor, field: (number: number, wire: number) => boolean) {
  while (!cursor.done) {
    const [number, wire] = cursor.key();
    if (!field(number, wire)) cursor.skip(wire);
  }
}

// ── messages ─────────────────────────────────────────────────────────────────────────────

function readType(cursor: Cursor): OnnxType {
  let type: OnnxType = { kind: 'unknown' };
  readMessage(cursor, (field, wire) => {
    if (wire !== LENGTH) return false;
    if (field === 1 || field === 8) {
      const kind = field === 1 ? 'tensor' : 'sparse-tensor';
      const sub = cursor.sub(kind);
      let code = 0;
      let shape: OnnxDimension[] | null = null;
      readMessage(sub, (inner, innerWire) => {
        if (inner === 1 && innerWire === VARINT) code = sub.varint();
        else if (inner === 2 && innerWire === LENGTH) shape = readShape(sub.sub('shape'));
        else return false;
        return true;
      });
      type = { kind, elementType: elementType(code), shape };
      return true;
    }
    if (field === 4 || field === 9) {
      const kind = field === 4 ? 'sequence' : 'optional';
      const sub = cursor.sub(kind);
      let of: OnnxType | null = null;
      readMessage(sub, (inner, innerWire) => {
        if (inner !== 1 || innerWire !== LENGTH) return false;
        of = readType(sub.sub('elem_type'));
        return true;
      });
      type = { kind, of };
      return true;
    }
    if (field === 5) {
      const sub = cursor.sub('map');
      let key = 0;
      let value: OnnxType | null = null;
      readMessage(sub, (inner, innerWire) => {
        if (inner === 1 && innerWire === VARINT) key = sub.varint();
        else if (inner === 2 && innerWire === LENGTH) value = readType(sub.sub('value_type'));
        else return false;
        return true;
      });
      type = { kind: 'map', key: elementType(key), value };
      return true;
    }
    return false;
  });
  return type;
}

function readShape(cursor: Cursor): OnnxDimension[] {
  const dims: OnnxDimension[] = [];
  readMessage(cursor, (field, wire) => {
    if (field !== 1 || wire !== LENGTH) return false;
    const dim = cursor.sub('dim');
    let value: OnnxDimension = null;
    readMessage(dim, (inner, innerWire) => {
      if (inner === 1 && innerWire === VARINT) value = dim.int64();
      else if (inner === 2 && innerWire === LENGTH) value = dim.string() || null;
      else return false;
      return true;
    });
    dims.push(value);
    return true;
  });
  return dims;
}

function readValueInfo(cursor: Cursor): OnnxValue {
  let name = '';
  let doc = '';
  let type: OnnxType = { kind: 'unknown' };
  readMessage(cursor, (field, wire) => {
    if (wire !== LENGTH) return false;
    if (field === 1) name = cursor.string();
    else if (field === 2) type = readType(cursor.sub('type'));
    else if (field === 3) doc = cursor.string();
    else return false;
    return true;
  });
  return { name, type, doc };
}

function readEntry(cursor: Cursor): [string, string] {
  let key = '';
  let value = '';
  readMessage(cursor, (field, wire) => {
    if (wire !== LENGTH) return false;
    if (field === 1) key = cursor.string();
    else if (field === 2) value = cursor.string();
    else return false;
    return true;
  });
  return [key, value];
}

/** What reading a graph collects, across its subgraphs and the model's local functions. */
interface Walk {
  readonly operators: Map<string, { domain: string; opType: string; count: number }>;
  readonly nodes: { domain: string; opType: string; name: string }[];
  initializers: number;
  classLabels: string[] | null;
  readonly inputCategories: Map<string, string[]>;
  /** Tensors that only reshape another (a Squeeze of an input), mapped to the one they reshape. */
  readonly aliases: Map<string, string>;
}

/** Operators that reshape their first input without changing its values. */
const RESHAPES = new Set(['Identity', 'Squeeze', 'Unsqueeze', 'Reshape', 'Flatten']);

const EXTERNAL = 1;

/** Reads a tensor only far enough to refuse one whose data lives in another file. */
function checkTensor(cursor: Cursor, where: string) {
  let name = '';
  let location = 0;
  let path = '';
  let hasExternalEntries = false;
  readMessage(cursor, (field, wire) => {
    if (field === 8 && wire === LENGTH) name = cursor.string();
    else if (field === 14 && wire === VARINT) location = cursor.varint();
    else if (field === 13 && wire === LENGTH) {
      hasExternalEntries = true;
      const [key, value] = readEntry(cursor.sub('external_data'));
      if (key === 'location') path = value;
    } else return false;
    return true;
  });
  if (location === EXTERNAL || hasExternalEntries) {
    refuse(
      'external-data',
      `The tensor “${name || '(unnamed)'}” in ${where} keeps its data in ${path ? `the external file “${path}”` : 'an external file'}. ` +
        'Bring a model with its weights inside the .onnx file (in Python: onnx.save_model(model, path, save_as_external_data=False)).',
      `tensor ${name || where}`,
    );
  }
}

function checkSparseTensor(cursor: Cursor, where: string) {
  readMessage(cursor, (field, wire) => {
    if ((field !== 1 && field !== 2) || wire !== LENGTH) return false;
    checkTensor(cursor.sub(field === 1 ? 'values' : 'indices'), where);
    return true;
  });
}

/** Attributes whose values the inspection keeps, by operator. */
const KEPT_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  LinearClassifier: ['classlabels_strings', 'classlabels_ints'],
  SVMClassifier: ['classlabels_strings', 'classlabels_ints'],
  TreeEnsembleClassifier: ['classlabels_strings', 'classlabels_int64s'],
  ZipMap: ['classlabels_strings', 'classlabels_int64s'],
  OneHotEncoder: ['cats_strings'],
  LabelEncoder: ['keys_strings'],
  CategoryMapper: ['cats_strings'],
};

interface Attribute {
  name: string;
  ints: number[];
  strings: string[];
}

function readAttribute(
  cursor: Cursor,
  opType: string,
  where: string,
  walk: Walk,
  depth: number,
): Attribute {
  const attribute: Attribute = { name: '', ints: [], strings: [] };
  const kept = KEPT_ATTRIBUTES[opType] ?? [];
  const keeps = () => attribute.name === '' || kept.includes(attribute.name);
  readMessage(cursor, (field, wire) => {
    if (field === 1 && wire === LENGTH) attribute.name = cursor.string();
    else if (field === 8 && keeps()) cursor.varints(wire, attribute.ints);
    else if (field === 9 && wire === LENGTH && keeps()) attribute.strings.push(cursor.string());
    else if ((field === 5 || field === 10) && wire === LENGTH)
      checkTensor(cursor.sub('t'), `attribute “${attribute.name}” of ${where}`);
    else if ((field === 22 || field === 23) && wire === LENGTH)
      checkSparseTensor(cursor.sub('sparse_tensor'), `attribute “${attribute.name}” of ${where}`);
    else if ((field === 6 || field === 11) && wire === LENGTH)
      readGraph(cursor.sub('g'), walk, depth + 1, `${where}.${attribute.name || 'graph'}`);
    else return false;
    return true;
  });
  if (!kept.includes(attribute.name)) return { name: attribute.name, ints: [], strings: [] };
  return attribute;
}

function readNode(cursor: Cursor, walk: Walk, depth: number, graphWhere: string, index: number) {
  let opType = '';
  let domain = '';
  let name = '';
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes: [number, number][] = [];
  readMessage(cursor, (field, wire) => {
    if (wire !== LENGTH) return false;
    if (field === 1) inputs.push(cursor.string());
    else if (field === 2) outputs.push(cursor.string());
    else if (field === 3) name = cursor.string();
    else if (field === 4) opType = cursor.string();
    else if (field === 7) domain = cursor.string();
    else if (field === 5) attributes.push(cursor.span());
    else return false;
    return true;
  });
  const where = `node ${name ? `“${name}”` : `#${index + 1}`} (${opType || 'no operator'}) of ${graphWhere}`;
  if (!opType) refuse('malformed', `The ${where} has no operator type.`, where);
  const normalized = domain === 'ai.onnx' ? '' : domain;
  const key = `${normalized}\u0000${opType}`;
  const use = walk.operators.get(key);
  if (use) use.count += 1;
  else walk.operators.set(key, { domain: normalized, opType, count: 1 });
  walk.nodes.push({ domain: normalized, opType, name: name || `#${index + 1}` });

  const read = attributes.map(([from, to]) =>
    readAttribute(cursor.within(from, to, 'attribute'), opType, where, walk, depth),
  );
  if (depth > 0 || inputs[0] === undefined) return;
  const source = walk.aliases.get(inputs[0]) ?? inputs[0];
  if (normalized === '' && RESHAPES.has(opType) && outputs[0] !== undefined) {
    walk.aliases.set(outputs[0], source);
  }
  if (normalized !== 'ai.onnx.ml') return;
  for (const attribute of read) {
    if (attribute.name.startsWith('classlabels_')) {
      const labels = attribute.strings.length
        ? attribute.strings
        : attribute.ints.map((value) => String(value));
      if (labels.length && !walk.classLabels) walk.classLabels = labels;
    } else if (attribute.strings.length) {
      // The empty text is how converters spell a missing category, not a category.
      const known = walk.inputCategories.get(source) ?? [];
      const merged = [...new Set([...known, ...attribute.strings.filter(Boolean)])];
      walk.inputCategories.set(source, merged.slice(0, MAX_LISTED_CATEGORIES));
    }
  }
}

interface Graph {
  name: string;
  doc: string;
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  initializerNames: Set<string>;
}

function readGraph(cursor: Cursor, walk: Walk, depth: number, where: string): Graph {
  if (depth > MAX_GRAPH_DEPTH) {
    refuse(
      'malformed',
      `Subgraphs are nested more than ${MAX_GRAPH_DEPTH} deep (in ${where}).`,
      where,
    );
  }
  const graph: Graph = { name: '', doc: '', inputs: [], outputs: [], initializerNames: new Set() };
  let nodes = 0;
  readMessage(cursor, (field, wire) => {
    if (wire !== LENGTH) return false;
    if (field === 1) readNode(cursor.sub('node'), walk, depth, where, nodes++);
    else if (field === 2) graph.name = cursor.string();
    else if (field === 10) graph.doc = cursor.string();
    else if (field === 11) graph.inputs.push(readValueInfo(cursor.sub('input')));
    else if (field === 12) graph.outputs.push(readValueInfo(cursor.sub('output')));
    else if (field === 5) {
      const tensor = cursor.sub('initializer');
      const name = tensorName(tensor);
      graph.initializerNames.add(name);
      walk.initializers += 1;
      checkTensor(tensor, where);
    } else if (field === 15) {
      walk.initializers += 1;
      checkSparseTensor(cursor.sub('sparse_initializer'), where);
    } else return false;
    return true;
  });
  return graph;
}

/** A tensor's name, read without moving the cursor. */
function tensorName(cursor: Cursor): string {
  const copy = cursor.within(cursor.pos, cursor.end, 'name');
  let name = '';
  readMessage(copy, (field, wire) => {
    if (field !== 8 || wire !== LENGTH) return false;
    name = copy.string();
    return true;
  });
  return name;
}

function readFunction(cursor: Cursor, walk: Walk, functions: Set<string>) {
  let name = '';
  let domain = '';
  let nodes = 0;
  const body: [number, number][] = [];
  readMessage(cursor, (field, wire) => {
    if (wire !== LENGTH) return false;
    if (field === 1) name = cursor.string();
    else if (field === 10) domain = cursor.string();
    else if (field === 7) body.push(cursor.span());
    else return false;
    return true;
  });
  functions.add(`${domain === 'ai.onnx' ? '' : domain}\u0000${name}`);
  for (const [from, to] of body) {
    readNode(cursor.within(from, to, 'node'), walk, 1, `function “${name}”`, nodes++);
  }
}

const domainLabel = (domain: string) => domain || 'ai.onnx';

function isKnownOperator(domain: string, opType: string, functions: ReadonlySet<string>) {
  if (functions.has(`${domain}\u0000${opType}`)) return true;
  if (domain === '') return ONNX_OPERATORS.has(opType);
  if (domain === 'ai.onnx.ml') return ONNX_ML_OPERATORS.has(opType);
  return false;
}

/**
 * Reads and validates an ONNX file. Refuses an empty or oversized file, bytes that are not an
 * ONNX ModelProto, a model without a graph, tensors stored outside the file, and operators
 * that onnxruntime-web does not implement.
 */
export function inspectOnnx(
  bytes: Uint8Array,
  options: { maxBytes?: number; fileName?: string } = {},
): OnnxInspection {
  const sized = checkOnnxSize(bytes.byteLength, options);
  if (sized) return { ok: false, error: sized };
  try {
    return { ok: true, model: readModel(bytes) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: error.error };
    throw error;
  }
}

const megabytes = (count: number) => `${(count / 1024 / 1024).toFixed(1)} MB`;

/** Refuses an empty or oversized file by its size alone, before a page reads its bytes. */
export function checkOnnxSize(
  size: number,
  options: { maxBytes?: number; fileName?: string } = {},
): OnnxImportError | null {
  const file = options.fileName ? `“${options.fileName}”` : 'The file';
  const maxBytes = options.maxBytes ?? MAX_ONNX_BYTES;
  if (!size) return { code: 'empty', message: `${file} is empty.` };
  if (size > maxBytes) {
    return {
      code: 'too-large',
      message: `${file} is ${megabytes(size)}; ONNX models up to ${megabytes(maxBytes)} can be imported.`,
    };
  }
  return null;
}

function readModel(bytes: Uint8Array): OnnxModelInfo {
  const cursor = new Cursor(bytes, 0, bytes.byteLength, 'ModelProto');
  const walk: Walk = {
    operators: new Map(),
    nodes: [],
    initializers: 0,
    classLabels: null,
    inputCategories: new Map(),
    aliases: new Map(),
  };
  const functions = new Set<string>();
  const opsets: { domain: string; version: number }[] = [];
  const metadata: Record<string, string> = Object.create(null);
  let irVersion = 0;
  let producer = { name: '', version: '' };
  let doc = '';
  let graph: Graph | null = null;
  readMessage(cursor, (field, wire) => {
    if (field === 1 && wire === VARINT) irVersion = cursor.varint();
    else if (wire !== LENGTH) return false;
    else if (field === 2) producer = { ...producer, name: cursor.string() };
    else if (field === 3) producer = { ...producer, version: cursor.string() };
    else if (field === 6) doc = cursor.string();
    else if (field === 7) graph = readGraph(cursor.sub('graph'), walk, 0, 'the main graph');
    else if (field === 8) {
      const sub = cursor.sub('opset_import');
      let domain = '';
      let version = 0;
      readMessage(sub, (inner, innerWire) => {
        if (inner === 1 && innerWire === LENGTH) domain = sub.string();
        else if (inner === 2 && innerWire === VARINT) version = sub.varint();
        else return false;
        return true;
      });
      opsets.push({ domain: domain === 'ai.onnx' ? '' : domain, version });
    } else if (field === 14) {
      const [key, value] = readEntry(cursor.sub('metadata_props'));
      metadata[key] = value;
    } else if (field === 25) readFunction(cursor.sub('functions'), walk, functions);
    else return false;
    return true;
  });
  const main = graph as Graph | null;
  if (!main || irVersion === 0) {
    refuse(
      main ? 'malformed' : 'no-graph',
      main
        ? 'The file is not a valid ONNX model: it has no IR version.'
        : 'The file is not an ONNX model: it holds no graph (is it an .onnx file?).',
    );
  }
  const { inputs, outputs, initializerNames, name: graphName } = main as Graph;

  const imported = new Set(opsets.map((opset) => opset.domain));
  for (const node of walk.nodes) {
    if (!imported.has(node.domain) && !functions.has(`${node.domain}\u0000${node.opType}`)) {
      refuse(
        'opset',
        `Node ${node.name} (${node.opType}) uses the operator domain “${domainLabel(node.domain)}”, which the model does not import (its opset_import lacks it).`,
        `node ${node.name}`,
      );
    }
  }
  const operators = [...walk.operators.values()]
    .map((use) => ({ ...use, domain: domainLabel(use.domain) }))
    .sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType));
  const unknown = [...walk.operators.values()].filter(
    (use) => !isKnownOperator(use.domain, use.opType, functions),
  );
  if (unknown.length) {
    const listed = unknown.map(
      (use) =>
        `${domainLabel(use.domain)}.${use.opType} (${use.count} ${use.count === 1 ? 'node' : 'nodes'})`,
    );
    throw new Refusal({
      code: 'unknown-operators',
      message: `onnxruntime-web cannot run ${unknown.length === 1 ? 'this operator' : 'these operators'}: ${listed.join(', ')}. It runs the standard ai.onnx and ai.onnx.ml operators.`,
      where: listed.join(', '),
      operators: unknown.map((use) => ({ ...use, domain: domainLabel(use.domain) })),
    });
  }

  let classLabels = walk.classLabels;
  if (!classLabels && metadata.classes) {
    try {
      const parsed: unknown = JSON.parse(metadata.classes);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string'))
        classLabels = parsed;
    } catch {
      classLabels = null;
    }
  }
  const inputCategories: Record<string, readonly string[]> = Object.create(null);
  for (const [name, categories] of walk.inputCategories) {
    inputCategories[name] = [...categories].sort();
  }
  return {
    bytes: bytes.byteLength,
    irVersion,
    producer,
    doc,
    graphName,
    opsets: opsets.map((opset) => ({ ...opset, domain: domainLabel(opset.domain) })),
    inputs: inputs.filter((input) => !initializerNames.has(input.name)),
    outputs,
    metadata,
    operators,
    initializers: walk.initializers,
    classLabels,
    inputCategories,
  };
}

// ── what the lab can feed and read ───────────────────────────────────────────────────────

const LAB_TYPES = ['numeric', 'integer', 'boolean', 'datetime', 'categorical', 'text'] as const;
type LabType = (typeof LAB_TYPES)[number];
const FLOAT_TYPES: readonly OnnxElementType[] = ['float32', 'float64'];
const INTEGER_TYPES: readonly OnnxElementType[] = [
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
];

/** How the registry's signatures spell the lab's column types. */
const REGISTRY_TYPES: Readonly<Record<LabType, string>> = {
  numeric: 'number',
  integer: 'integer',
  boolean: 'boolean',
  datetime: 'datetime',
  categorical: 'category',
  text: 'text',
};

/** Which output holds what: the lab reads them by these roles. */
export interface OnnxOutputRoles {
  /** The predicted class (strings or integer labels), `[N]` or `[N, 1]`. */
  readonly label: string | null;
  /** Class probabilities as a plain tensor `[N, C]`. */
  readonly probabilities: string | null;
  /** The predicted number of a regressor. */
  readonly value: string | null;
}

export type OnnxSignatureResult =
  | {
      readonly ok: true;
      readonly signature: ModelSignature;
      readonly outputs: OnnxOutputRoles;
      /** What the user should know, e.g. probabilities the lab cannot read. */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly string[] };

const isTensor = (type: OnnxType): type is OnnxTensorType => type.kind === 'tensor';

const describeType = (type: OnnxType): string => {
  switch (type.kind) {
    case 'tensor':
    case 'sparse-tensor':
      return `${type.kind === 'sparse-tensor' ? 'sparse ' : ''}${type.elementType}${
        type.shape ? ` [${type.shape.map((dim) => dim ?? '?').join(', ')}]` : ''
      }`;
    case 'sequence':
    case 'optional':
      return `${type.kind} of ${type.of ? describeType(type.of) : '?'}`;
    case 'map':
      return `map(${type.key}, ${type.value ? describeType(type.value) : '?'})`;
    default:
      return 'unknown';
  }
};

/** An input's or output's type as text: `float32 [N, 1]`, `sequence of map(int64, float32)`. */
export const formatOnnxType = describeType;

/** The lab types of the inputs the lab's own export describes in its metadata. */
function labTypesFromMetadata(metadata: Readonly<Record<string, string>>): Map<string, LabType> {
  const types = new Map<string, LabType>();
  if (!metadata.inputs) return types;
  try {
    const parsed: unknown = JSON.parse(metadata.inputs);
    if (!Array.isArray(parsed)) return types;
    for (const item of parsed as { name?: unknown; type?: unknown }[]) {
      if (typeof item?.name === 'string' && LAB_TYPES.includes(item.type as LabType)) {
        types.set(item.name, item.type as LabType);
      }
    }
  } catch {
    return types;
  }
  return types;
}

function inputProblem(input: OnnxValue): string | null {
  const { type } = input;
  if (!isTensor(type)) {
    return `Input “${input.name}” is a ${describeType(type)}; the lab feeds tensors only.`;
  }
  const element = type.elementType;
  if (![...FLOAT_TYPES, ...INTEGER_TYPES, 'bool', 'string'].includes(element)) {
    return `Input “${input.name}” takes ${element} values, which the lab cannot feed from a dataset.`;
  }
  const shape = type.shape;
  if (!shape) return null;
  if (shape.length === 0 || shape.length > 2) {
    return `Input “${input.name}” has shape [${shape.map((dim) => dim ?? '?').join(', ')}]; the lab feeds one column per input, as [N] or [N, 1].`;
  }
  const width = shape[1];
  if (typeof width === 'number' && width !== 1) {
    return (
      `Input “${input.name}” takes ${width} values per row ([N, ${width}]); the lab feeds one column per input, matched by name. ` +
      'Convert the model with one [None, 1] input per column (for scikit-learn: one entry per column in initial_types).'
    );
  }
  return null;
}

function labType(element: OnnxElementType, categories: readonly string[] | undefined): LabType {
  if (element === 'bool') return 'boolean';
  if (INTEGER_TYPES.includes(element)) return 'integer';
  if (element === 'string') return categories?.length ? 'categorical' : 'text';
  return 'numeric';
}

function findOutputs(info: OnnxModelInfo): OnnxOutputRoles {
  const tensors = info.outputs.filter((output) => isTensor(output.type));
  const typeOf = (output: OnnxValue) => output.type as OnnxTensorType;
  const named = (name: string) => tensors.find((output) => output.name === name);
  const label =
    named('label') ??
    tensors.find((output) => {
      const type = typeOf(output);
      return type.elementType === 'string' || INTEGER_TYPES.includes(type.elementType);
    });
  const floats = tensors.filter((output) => FLOAT_TYPES.includes(typeOf(output).elementType));
  const probabilities =
    named('probabilities') ??
    floats.find((output) => {
      const shape = typeOf(output).shape;
      return shape?.length === 2 && shape[1] !== 1;
    });
  const value =
    named('variable') ??
    floats.find((output) => {
      const shape = typeOf(output).shape;
      return !shape || shape.length === 1 || (shape.length === 2 && shape[1] === 1);
    });
  return {
    label: label?.name ?? null,
    probabilities: probabilities?.name ?? null,
    value: value?.name ?? null,
  };
}

/**
 * The signature the lab registers for an imported model and scores datasets with: one input
 * per column (matched to dataset columns by name), the task, the class labels and the target.
 * A model the lab cannot feed or read (inputs of several columns, images, outputs it cannot
 * read) comes back with each problem named.
 */
export function onnxSignature(info: OnnxModelInfo): OnnxSignatureResult {
  const problems: string[] = [];
  const notes: string[] = [];
  if (!info.inputs.length) problems.push('The model has no inputs.');
  const fromMetadata = labTypesFromMetadata(info.metadata);
  const inputs: SignatureInput[] = [];
  for (const input of info.inputs) {
    const problem = inputProblem(input);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const categories = info.inputCategories[input.name];
    const element = (input.type as OnnxTensorType).elementType;
    const type = fromMetadata.get(input.name) ?? labType(element, categories);
    inputs.push({
      name: input.name,
      type: REGISTRY_TYPES[type],
      ...(type === 'categorical' && categories?.length ? { allowed: [...categories] } : {}),
    });
  }

  const roles = findOutputs(info);
  const declaredTask = info.metadata.task;
  const unreadable = info.outputs.filter((output) => !isTensor(output.type));
  const classification =
    declaredTask === 'classification' ||
    (declaredTask !== 'regression' && (!!info.classLabels || !!roles.label));
  let classes: string[] | undefined;
  if (classification) {
    classes = info.classLabels ? [...info.classLabels] : undefined;
    const probabilities = roles.probabilities
      ? info.outputs.find((output) => output.name === roles.probabilities)
      : undefined;
    const width =
      probabilities && isTensor(probabilities.type) ? probabilities.type.shape?.[1] : undefined;
    if (!classes && typeof width === 'number') {
      classes = Array.from({ length: width }, (_, i) => String(i));
      notes.push(`The model names no classes; they are numbered 0 to ${width - 1}.`);
    }
    if (!roles.label && !roles.probabilities) {
      problems.push(
        `The model has no output the lab can read as a class or as probabilities${unreadable.length ? ` (${unreadable.map((output) => `“${output.name}” is a ${describeType(output.type)}`).join('; ')})` : ''}.`,
      );
    } else if (!classes || classes.length < 2) {
      problems.push(
        'The model is a classifier whose class labels cannot be read (no classifier node, ZipMap or probabilities of known width names them).',
      );
    }
    if (roles.label && !roles.probabilities) {
      const zipmap = unreadable.find((output) => output.type.kind === 'sequence');
      notes.push(
        zipmap
          ? `Probabilities come as a ZipMap (“${zipmap.name}”), which JavaScript runtimes cannot read: scores will hold the predicted class only. Convert with zipmap=False to get them.`
          : 'The model gives no probabilities: scores will hold the predicted class only.',
      );
    }
  } else if (!roles.value) {
    problems.push(
      `The model has no float output the lab can read as a prediction (outputs: ${
        info.outputs.map((output) => `“${output.name}” ${describeType(output.type)}`).join(', ') ||
        'none'
      }).`,
    );
  }
  if (problems.length) return { ok: false, problems };
  const target =
    info.metadata.target ||
    (classification ? (roles.label ?? 'label') : (roles.value as string)) ||
    'prediction';
  return {
    ok: true,
    signature: {
      inputs,
      output: classification
        ? { kind: 'classification', name: target, classes: classes as string[] }
        : { kind: 'regression', name: target },
    },
    outputs: roles,
    notes,
  };
}

// ── operators onnxruntime-web implements (its wasm build registers the CPU kernels) ─────────

const words = (text: string) => new Set(text.trim().split(/\s+/));

/** ai.onnx: every operator of the ONNX standard through opset 17, and the later ones the runtime has. */
export const ONNX_OPERATORS: ReadonlySet<string> = words(`
  Abs Acos Acosh Add AffineGrid And ArgMax ArgMin Asin Asinh Atan Atanh Attention AveragePool
  BatchNormalization Bernoulli BitShift BitwiseAnd BitwiseNot BitwiseOr BitwiseXor BlackmanWindow
  Cast CastLike Ceil Celu CenterCropPad Clip Col2Im Compress Concat ConcatFromSequence Constant
  ConstantOfShape Conv ConvInteger ConvTranspose Cos Cosh CumSum DFT DeformConv DepthToSpace
  DequantizeLinear Det Div Dropout DynamicQuantizeLinear Einsum Elu Equal Erf Exp Expand EyeLike
  Flatten Floor GRU Gather GatherElements GatherND Gelu Gemm GlobalAveragePool GlobalLpPool
  GlobalMaxPool Greater GreaterOrEqual GridSample GroupNormalization HammingWindow HannWindow
  HardSigmoid HardSwish Hardmax Identity If ImageDecoder InstanceNormalization IsInf IsNaN LRN
  LSTM LayerNormalization LeakyRelu Less LessOrEqual Log LogSoftmax Loop LpNormalization LpPool
  MatMul MatMulInteger Max MaxPool MaxRoiPool MaxUnpool Mean MeanVarianceNormalization
  MelWeightMatrix Min Mish Mod Mul Multinomial Neg NegativeLogLikelihoodLoss NonMaxSuppression
  NonZero Not OneHot Optional OptionalGetElement OptionalHasElement Or PRelu Pad Pow QLinearConv
  QLinearMatMul QuantizeLinear RMSNormalization RNN RandomNormal RandomNormalLike RandomUniform
  RandomUniformLike Range Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax
  ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare RegexFullMatch Relu Reshape Resize
  ReverseSequence RoiAlign RotaryEmbedding Round STFT Scan Scatter ScatterElements ScatterND Selu
  SequenceAt SequenceConstruct SequenceEmpty SequenceErase SequenceInsert SequenceLength
  SequenceMap Shape Shrink Sigmoid Sign Sin Sinh Size Slice Softmax SoftmaxCrossEntropyLoss
  Softplus Softsign SpaceToDepth Split SplitToSequence Sqrt Squeeze StringConcat StringNormalizer
  StringSplit Sub Sum Tan Tanh TfIdfVectorizer ThresholdedRelu Tile TopK Transpose Trilu Unique
  Unsqueeze Upsample Where Xor
`);

/** ai.onnx.ml: the classic machine-learning operators. */
export const ONNX_ML_OPERATORS: ReadonlySet<string> = words(`
  ArrayFeatureExtractor Binarizer CastMap CategoryMapper DictVectorizer FeatureVectorizer Imputer
  LabelEncoder LinearClassifier LinearRegressor Normalizer OneHotEncoder SVMClassifier
  SVMRegressor Scaler TreeEnsemble TreeEnsembleClassifier TreeEnsembleRegressor ZipMap
`);
