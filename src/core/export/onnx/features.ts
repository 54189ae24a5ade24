import { TrainingError } from '../../errors/training-error';
import {
  DATETIME_PARTS,
  FittedDatetime,
  FittedNumericImputer,
  FittedPipeline,
  FittedScaler,
  imputerFromJSON,
  transformerFromJSON,
  type DatetimePart,
  type FeaturePipelineJSON,
  type SchemaColumn,
} from '../../features';
import { Table, type StringColumn } from '../../table';
import { calendarParts } from './calendar';
import { attr, ML_DOMAIN, type GraphBuilder } from './graph';
import { add, cast, concat, div, roundToFloat, squeeze, sub, where } from './ops';
import { TensorType } from './proto';
import { unsupported } from './unsupported';

const DOUBLE = TensorType.DOUBLE;
const FLOAT = TensorType.FLOAT;

/** How one raw column enters the exported model. */
export interface ModelInput {
  /** The graph input's name: the column's name. */
  readonly name: string;
  /** The lab's logical type of the column. */
  readonly logicalType: SchemaColumn['type'];
  readonly elementType: 'float' | 'double' | 'string';
}

/** Missing values as the exported model reads them. */
export const MISSING_STRING = '';

type PipelineColumn = FeaturePipelineJSON['columns'][number];

/** A pipeline column with the positions of its outputs in the feature matrix. */
interface Placed {
  readonly column: PipelineColumn;
  readonly input: ModelInput;
  /** The position of its first encoded output. */
  readonly offset: number;
  readonly width: number;
  /** The position of its missing indicator, or -1. */
  readonly indicator: number;
}

/** A tensor `[N, targets.length]` whose column j becomes feature `targets[j]` (-1: unused). */
interface Block {
  readonly tensor: string;
  readonly targets: readonly number[];
}

function fail(column: string, message: string): never {
  throw unsupported(column, message);
}

/** NaN and ±Infinity, the numbers the lab treats as missing, as a bool tensor. */
const invalidNumbers = (g: GraphBuilder, x: string) =>
  g.op('Or', [g.op('IsNaN', [x]), g.op('IsInf', [x])]);

const row = (g: GraphBuilder, values: readonly number[], base: string) =>
  g.doubles(values, [1, values.length], base);

/**
 * `(x − center) / scale` per output, as the pipeline standardizes encoded steps; outputs without
 * a standardization get center 0 and scale 1, which leave every value (NaN included) unchanged.
 */
function standardize(
  g: GraphBuilder,
  x: string,
  steps: readonly (PipelineColumn['standardize'] | undefined)[],
  widths: readonly number[],
): string {
  if (steps.every((step) => !step)) return x;
  const center = steps.flatMap((step, i) => step?.center ?? Array(widths[i]).fill(0));
  const scale = steps.flatMap((step, i) => step?.scale ?? Array(widths[i]).fill(1));
  const standardized = div(g, sub(g, x, row(g, center, 'center')), row(g, scale, 'scale'));
  return roundToFloat(g, standardized);
}

function numericImputer(column: PipelineColumn): FittedNumericImputer | null {
  if (!column.imputer) return null;
  const imputer = imputerFromJSON(column.imputer);
  if (!(imputer instanceof FittedNumericImputer)) {
    fail(column.column, `a ${column.step} step has a category imputer`);
  }
  return imputer;
}

/** The inputs of `columns` side by side as one double tensor `[N, columns.length]`. */
function doubleInputs(g: GraphBuilder, columns: readonly Placed[]): string {
  const floats = columns.filter(({ input }) => input.elementType === 'float');
  const doubles = columns.filter(({ input }) => input.elementType === 'double');
  const parts = [];
  if (floats.length) {
    parts.push(
      cast(
        g,
        concat(
          g,
          floats.map(({ input }) => input.name),
          1,
        ),
        DOUBLE,
      ),
    );
  }
  parts.push(...doubles.map(({ input }) => input.name));
  return concat(g, parts, 1);
}

const floatsFirst = (columns: readonly Placed[]) => [
  ...columns.filter(({ input }) => input.elementType === 'float'),
  ...columns.filter(({ input }) => input.elementType === 'double'),
];

/**
 * Every numeric column at once, as the lab computes each: missing numbers (NaN, ±Infinity)
 * filled, or left NaN without an imputer, then the scaler's `(x − center) / scale + shift`
 * (identity for `none`), rounded to float32 like the lab's feature matrix.
 */
function numericBlocks(g: GraphBuilder, placed: readonly Placed[]): Block[] {
  const columns = floatsFirst(placed);
  for (const { column, input } of columns) {
    if (input.elementType === 'string') fail(column.column, 'a numeric step needs a number input');
  }
  const x = doubleInputs(g, columns);
  const scalers = columns.map(({ column }) => {
    const scaler = transformerFromJSON(column.encoder);
    if (!(scaler instanceof FittedScaler)) {
      fail(column.column, `a numeric step holds a ${scaler.kind} encoder`);
    }
    return scaler;
  });
  const fills = columns.map(({ column }) => numericImputer(column)?.fillValue ?? Number.NaN);
  const invalid = invalidNumbers(g, x);
  const filled = where(g, invalid, row(g, fills, 'fill'), x);
  const centered = sub(
    g,
    filled,
    row(
      g,
      scalers.map((s) => s.center),
      'center',
    ),
  );
  const scaled = add(
    g,
    div(
      g,
      centered,
      row(
        g,
        scalers.map((s) => s.scale),
        'scale',
      ),
    ),
    row(
      g,
      scalers.map((s) => s.shift),
      'shift',
    ),
  );
  const encoded = standardize(
    g,
    roundToFloat(g, scaled),
    columns.map(({ column }) => column.standardize),
    columns.map(() => 1),
  );
  const blocks: Block[] = [
    { tensor: cast(g, encoded, FLOAT), targets: columns.map(({ offset }) => offset) },
  ];
  if (columns.some(({ indicator }) => indicator >= 0)) {
    blocks.push({
      tensor: cast(g, invalid, FLOAT),
      targets: columns.map(({ indicator }) => indicator),
    });
  }
  return blocks;
}

/**
 * Every date column at once: missing timestamps filled (or computed from 0 and replaced by NaN
 * afterwards, so that no NaN reaches a lookup index), the calendar parts each column uses,
 * rounded to float32, then standardized as the pipeline does.
 */
function datetimeBlocks(g: GraphBuilder, columns: readonly Placed[]): Block[] {
  const encoders = columns.map(({ column, input }) => {
    if (input.elementType !== 'double') {
      fail(column.column, 'dates need a double input (milliseconds since 1970 UTC)');
    }
    const encoder = transformerFromJSON(column.encoder);
    if (!(encoder instanceof FittedDatetime)) {
      fail(column.column, `a date step holds a ${encoder.kind} encoder`);
    }
    for (const part of encoder.parts) {
      if (!DATETIME_PARTS.includes(part)) fail(column.column, `unknown date part “${part}”`);
    }
    return encoder;
  });
  const imputers = columns.map(({ column }) => numericImputer(column));
  const count = columns.length;
  const x = concat(
    g,
    columns.map(({ input }) => input.name),
    1,
  );
  const invalid = invalidNumbers(g, x);
  const ms = where(
    g,
    invalid,
    row(
      g,
      imputers.map((imputer) => imputer?.fillValue ?? 0),
      'fill',
    ),
    x,
  );
  const part = calendarParts(g, ms);
  const used = DATETIME_PARTS.filter((name) => encoders.some((e) => e.parts.includes(name)));
  let all = concat(g, used.map(part), 1);
  if (imputers.some((imputer) => imputer === null)) {
    const unfilled = cast(
      g,
      g.int64s(
        imputers.map((imputer) => (imputer ? 0 : 1)),
        [1, count],
        'unfilled',
      ),
      TensorType.BOOL,
    );
    const missing = g.op('And', [invalid, unfilled]);
    const everyPart = concat(
      g,
      used.map(() => missing),
      1,
    );
    all = where(g, everyPart, g.scalar(Number.NaN), all);
  }
  const positions = encoders.flatMap((encoder, d) =>
    encoder.parts.map((name: DatetimePart) => used.indexOf(name) * count + d),
  );
  const selected = g.op(
    'Gather',
    [roundToFloat(g, all), g.int64s(positions, [positions.length], 'parts')],
    {
      axis: attr.int(1),
    },
  );
  const encoded = standardize(
    g,
    selected,
    columns.map(({ column }) => column.standardize),
    encoders.map((encoder) => encoder.parts.length),
  );
  const blocks: Block[] = [
    {
      tensor: cast(g, encoded, FLOAT),
      targets: columns.flatMap(({ offset, width }) =>
        Array.from({ length: width }, (_, j) => offset + j),
      ),
    },
  ];
  if (columns.some(({ indicator }) => indicator >= 0)) {
    blocks.push({
      tensor: cast(g, invalid, FLOAT),
      targets: columns.map(({ indicator }) => indicator),
    });
  }
  return blocks;
}

/** The categories that an encoder tells apart; every other text encodes as an unseen one. */
function knownCategories(column: PipelineColumn): string[] {
  const encoder = column.encoder as Record<string, unknown>;
  const lists =
    column.step === 'one-hot' ? [encoder.frequent, encoder.infrequent] : [encoder.categories];
  const categories = lists.flatMap((list) => (Array.isArray(list) ? (list as string[]) : []));
  return [...new Set(categories)];
}

function unseenCategory(known: readonly string[]): string {
  const taken = new Set(known);
  let name = '\u0000unseen';
  while (taken.has(name)) name += '\u0000';
  return name;
}

/**
 * A categorical column as one lookup: LabelEncoder maps the text to a row of a table that holds
 * the lab's own outputs (imputation, encoding, standardization and missing indicator) for every
 * known category, for an unseen category and for a missing value. The table is computed by the
 * lab's pipeline itself, so the exported encodings are the lab's float32 values exactly.
 */
function categoricalBlock(g: GraphBuilder, placed: Placed, pipeline: FeaturePipelineJSON): Block {
  const { column, input, offset, width, indicator } = placed;
  if (input.elementType !== 'string') fail(column.column, 'a categorical step needs text input');
  const known = knownCategories(column);
  if (known.includes(MISSING_STRING)) {
    fail(
      column.column,
      'the empty text is one of its categories, and the exported model reads the empty text as a missing value',
    );
  }
  const unseen = unseenCategory(known);
  const probe: StringColumn = {
    name: column.column,
    type: column.type === 'text' ? 'text' : 'categorical',
    dictionary: [...known, unseen],
    codes: Int32Array.from({ length: known.length + 2 }, (_, i) => (i <= known.length ? i : -1)),
  };
  const single = FittedPipeline.fromJSON({
    ...pipeline,
    schema: { columns: [{ name: column.column, type: probe.type }] },
    columns: [column],
    choices: [],
  });
  const { matrix } = single.transform(new Table([probe]));
  const unseenRow = known.length;
  const missingRow = known.length + 1;
  const rowOf = g.op(
    'LabelEncoder',
    [squeeze(g, input.name, [1])],
    {
      keys_strings: attr.strings([...known, MISSING_STRING]),
      values_int64s: attr.ints([...known.map((_, i) => i), missingRow]),
      default_int64: attr.int(unseenRow),
    },
    ML_DOMAIN,
  );
  const table = g.floats(matrix.data, [matrix.rows, matrix.cols], 'encodings');
  const targets = Array.from({ length: width }, (_, j) => offset + j);
  if (indicator >= 0) targets.push(indicator);
  return { tensor: g.op('Gather', [table, rowOf], { axis: attr.int(0) }), targets };
}

const TEXT_STEPS: Readonly<Record<string, string>> = { tfidf: 'TF-IDF', hashing: 'hashed' };

/**
 * The lab's feature matrix for the raw inputs, float `[N, F]`. Numeric and date columns are
 * computed together (a few nodes whatever their number), categorical columns one lookup each;
 * every step computes in double and rounds to float32 wherever the lab stores into its
 * Float32Array, in the same order, and one Gather puts the outputs in the pipeline's order.
 */
export function featureGraph(
  g: GraphBuilder,
  pipeline: FeaturePipelineJSON,
  inputs: ReadonlyMap<string, ModelInput>,
): string {
  let position = 0;
  const placed = pipeline.columns.map((column): Placed => {
    const input = inputs.get(column.column);
    if (!input) fail(column.column, 'the column has no model input');
    const text = TEXT_STEPS[column.step];
    if (text) {
      fail(
        column.column,
        `${text} text features need the text split into words, and ONNX opset 17 has no ` +
          'operator that splits text (StringSplit and RegexFullMatch arrive in opset 20, and no ' +
          'standard operator computes MurmurHash3); encode the column as categories or drop it ' +
          'to export the model',
      );
    }
    const width = transformerFromJSON(column.encoder).outputNames.length;
    const offset = position;
    position += width + (column.indicator ? 1 : 0);
    return { column, input, offset, width, indicator: column.indicator ? offset + width : -1 };
  });
  if (placed.length === 0) {
    throw new TrainingError('invalid-input', 'The model reads no feature columns.');
  }
  const numeric = placed.filter(({ column }) => column.step === 'numeric');
  const dates = placed.filter(({ column }) => column.step === 'datetime');
  const blocks: Block[] = [];
  if (numeric.length) blocks.push(...numericBlocks(g, numeric));
  if (dates.length) blocks.push(...datetimeBlocks(g, dates));
  for (const item of placed) {
    if (item.column.step === 'numeric' || item.column.step === 'datetime') continue;
    if (!['one-hot', 'ordinal', 'frequency', 'target'].includes(item.column.step)) {
      fail(item.column.column, `the step “${item.column.step}” has no ONNX form`);
    }
    blocks.push(categoricalBlock(g, item, pipeline));
  }
  const source = new Array<number>(position).fill(-1);
  let at = 0;
  for (const block of blocks) {
    block.targets.forEach((target, j) => {
      if (target >= 0) source[target] = at + j;
    });
    at += block.targets.length;
  }
  if (source.some((index) => index < 0)) {
    throw new TrainingError('invalid-input', 'The feature pipeline leaves an output unwritten.');
  }
  const all = concat(
    g,
    blocks.map((block) => block.tensor),
    1,
  );
  if (at === position && source.every((index, j) => index === j)) return all;
  return g.op('Gather', [all, g.int64s(source, [position], 'feature_order')], {
    axis: attr.int(1),
  });
}
