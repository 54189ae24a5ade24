import type { SchemaColumn } from '../../features';
import { EnsembleModel, Model, type Predictor } from '../../model';
import { featureGraph, MISSING_STRING, type ModelInput } from './features';
import { attr, GraphBuilder, valueInfo } from './graph';
import { learnerGraph } from './learners';
import { add, cast, mul, argmaxRows, unsqueeze } from './ops';
import { encodeModel, TensorType, type ValueInfoProto } from './proto';
import { unsupported } from './unsupported';

export interface OnnxExportOptions {
  /**
   * The element type of numeric inputs. `float` (the default) follows scikit-learn's converters;
   * `double` reads values exactly as the lab does, which matters for columns whose values need
   * more than float32's 7 significant digits (large offsets, identifiers, money in cents).
   */
  readonly numericInputs?: 'float' | 'double';
  /** Recorded as the model's producer_version. */
  readonly producerVersion?: string;
}

/** ai.onnx 17 and ai.onnx.ml 3 at IR version 8: what onnx 1.12+ checks and onnxruntime 1.14+ runs. */
export const ONNX_OPSET = 17;
export const ONNX_ML_OPSET = 3;
const IR_VERSION = 8;
/** Protobuf messages stop at 2 GiB; this leaves room for the graph's attributes. */
const MAX_CONSTANT_BYTES = 1536 * 2 ** 20;

export const OUTPUT_NAMES = {
  label: 'label',
  probabilities: 'probabilities',
  variable: 'variable',
} as const;

interface Member {
  readonly model: Model;
  readonly weight: number;
  readonly part: string;
}

function membersOf(predictor: Predictor): Member[] {
  if (predictor instanceof Model) {
    return [{ model: predictor, weight: 1, part: predictor.spec.learner }];
  }
  if (predictor instanceof EnsembleModel) {
    return predictor.members.map((model, i) => ({
      model,
      weight: predictor.weights[i] as number,
      part: `members[${i}] (${model.spec.learner})`,
    }));
  }
  throw unsupported('model', 'only the lab’s tabular models and their ensembles can be exported');
}

function elementType(column: SchemaColumn, numeric: 'float' | 'double'): ModelInput['elementType'] {
  switch (column.type) {
    case 'numeric':
    case 'integer':
    case 'boolean':
      return numeric;
    case 'datetime':
      return 'double';
    case 'categorical':
    case 'text':
      return 'string';
    case 'image':
      throw unsupported(
        column.name,
        'it holds images, and the model reads their decoded, resized pixels, which an exported ' +
          'model has no input for yet; drop the column to export a model of the other columns',
      );
    default:
      throw unsupported(column.name, `${column.type} columns cannot be model inputs`);
  }
}

const TENSOR_TYPES = {
  float: TensorType.FLOAT,
  double: TensorType.DOUBLE,
  string: TensorType.STRING,
} as const;

/** One input per raw column the members' pipelines read, in the order they first appear. */
function inputsOf(members: readonly Member[], numeric: 'float' | 'double') {
  const inputs = new Map<string, ModelInput>();
  for (const { model } of members) {
    for (const column of model.pipeline.schema.columns) {
      const input: ModelInput = {
        name: column.name,
        logicalType: column.type,
        elementType: elementType(column, numeric),
      };
      const seen = inputs.get(column.name);
      if (seen && seen.elementType !== input.elementType) {
        throw unsupported(
          column.name,
          `the ensemble's members read it as both ${seen.logicalType} and ${input.logicalType}`,
        );
      }
      if (!seen) inputs.set(column.name, input);
    }
  }
  return inputs;
}

/** The inputs `exportOnnx` gives the model, in graph order. */
export function onnxInputs(predictor: Predictor, options: OnnxExportOptions = {}): ModelInput[] {
  return [...inputsOf(membersOf(predictor), options.numericInputs ?? 'float').values()];
}

function describeInput(input: ModelInput) {
  const missing =
    input.elementType === 'string'
      ? { missing: `"${MISSING_STRING}" (empty text)` }
      : { missing: 'NaN' };
  return {
    name: input.name,
    type: input.logicalType,
    tensor: input.elementType,
    shape: ['N', 1],
    ...(input.logicalType === 'datetime'
      ? { unit: 'milliseconds since 1970-01-01T00:00:00Z' }
      : {}),
    ...missing,
  };
}

function describeLearner(members: readonly Member[]): string {
  if (members.length === 1) return (members[0] as Member).model.spec.learner;
  const parts = members.map(
    ({ model, weight }) => `${model.spec.learner}×${weight.toPrecision(4)}`,
  );
  return `ensemble(${parts.join(', ')})`;
}

/**
 * The whole model, featurization included, as an ONNX file: one input per raw column named as
 * the column (`[N, 1]`; float numbers, double epoch milliseconds for dates, text for categories,
 * with NaN and the empty text marking missing values) and, like scikit-learn's converters without
 * ZipMap, `label` (`[N]`, the class names) and `probabilities` (`[N, C]`, float) for classifiers
 * or `variable` (`[N, 1]`, float) for regressors. Class names and the input schema are in the
 * metadata. Throws a TrainingError of kind `unsupported` naming the part that has no ONNX form.
 */
export function exportOnnx(predictor: Predictor, options: OnnxExportOptions = {}): Uint8Array {
  const members = membersOf(predictor);
  const inputs = inputsOf(members, options.numericInputs ?? 'float');
  const task = predictor.task;
  const classes = predictor.classes ?? [];
  const outputNames =
    task === 'classification'
      ? [OUTPUT_NAMES.label, OUTPUT_NAMES.probabilities]
      : [OUTPUT_NAMES.variable];
  const g = new GraphBuilder();
  for (const name of outputNames) {
    if (inputs.has(name)) {
      throw unsupported(name, `an input column may not share its name with the output “${name}”`);
    }
    g.reserve(name);
  }
  for (const name of inputs.keys()) g.reserve(name);

  const single = predictor instanceof Model;
  let combined: string | null = null;
  let labels: string | null = null;
  for (const { model, weight, part } of members) {
    if (weight === 0) continue;
    const pipeline = model.pipeline.toJSON();
    const features = featureGraph(g, pipeline, inputs);
    const outputs = learnerGraph({
      g,
      estimator: model.estimator,
      task: model.task,
      classes,
      features,
      featureCount: model.pipeline.names.length,
      part,
    });
    const value = (task === 'regression' ? outputs.value : outputs.proba) as string;
    if (single) {
      combined = value;
      labels = outputs.labels ?? null;
      break;
    }
    // The lab's order: starting from zero, each member in turn adds its weighted output.
    const weighted = mul(g, value, g.scalar(weight));
    combined = combined === null ? weighted : add(g, combined, weighted);
  }
  if (combined === null) throw unsupported('model', 'every ensemble weight is zero');
  if (g.constantBytes > MAX_CONSTANT_BYTES) {
    throw unsupported(
      'model',
      `its weights take ${Math.round(g.constantBytes / 2 ** 20)} MiB, more than the ` +
        `${MAX_CONSTANT_BYTES / 2 ** 20} MiB an ONNX file without external data can hold`,
    );
  }

  const graphOutputs: ValueInfoProto[] = [];
  if (task === 'classification') {
    labels ??= argmaxRows(g, combined);
    const names = g.strings(classes, [classes.length], 'class_names');
    g.output(OUTPUT_NAMES.label, g.op('Gather', [names, labels], { axis: attr.int(0) }));
    g.output(OUTPUT_NAMES.probabilities, cast(g, combined, TensorType.FLOAT));
    graphOutputs.push(
      valueInfo(OUTPUT_NAMES.label, TensorType.STRING, ['N'], 'The predicted class name.'),
      valueInfo(
        OUTPUT_NAMES.probabilities,
        TensorType.FLOAT,
        ['N', classes.length],
        'Class probabilities, columns in the order of the metadata “classes”.',
      ),
    );
  } else {
    g.output(OUTPUT_NAMES.variable, cast(g, unsqueeze(g, combined, [1]), TensorType.FLOAT));
    graphOutputs.push(
      valueInfo(
        OUTPUT_NAMES.variable,
        TensorType.FLOAT,
        ['N', 1],
        `The predicted ${predictor.target}.`,
      ),
    );
  }

  const described = [...inputs.values()].map(describeInput);
  const graph = g.graph(
    'bunsen_model',
    [...inputs.values()].map((input) =>
      valueInfo(input.name, TENSOR_TYPES[input.elementType], ['N', 1]),
    ),
    graphOutputs,
    `Predicts “${predictor.target}” (${task}) from raw columns, featurization included.`,
  );
  return encodeModel({
    irVersion: IR_VERSION,
    opsets: [
      { domain: '', version: ONNX_OPSET },
      { domain: 'ai.onnx.ml', version: ONNX_ML_OPSET },
    ],
    producerName: 'bunsen',
    producerVersion: options.producerVersion ?? '0',
    graph,
    metadata: {
      'bunsen.format': 'bunsen-onnx/1',
      target: predictor.target,
      task,
      classes: JSON.stringify(classes),
      inputs: JSON.stringify(described),
      outputs: JSON.stringify(outputNames),
      learner: describeLearner(members),
      training_rows: String(predictor.trainingRows),
      missing_values: `numbers: NaN; text: "${MISSING_STRING}" (the empty text)`,
    },
  });
}
