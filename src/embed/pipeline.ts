import { analyze, type ResolvedAnalyzer } from '../core/features/text/analyze';
import { murmurhash3 } from '../core/features/text/murmur';
import { SparseBuilder, writeSparseRows, type TextNorm } from '../core/features/text/sparse';
import { EmbedError } from './errors';
import { Fields } from './json';
import { INPUT_TYPES } from './signature';
import { NUMBER_INPUTS, type ColumnValues, type InputType, type SignatureInput } from './types';

/**
 * The lab's fitted feature pipeline (src/core/features/pipeline) evaluated from its JSON. Every
 * step writes into a float32 matrix in the same order and with the same arithmetic as the lab,
 * so the learner sees bit-identical features.
 */

type Strings = readonly (string | null)[];
type Encode<V> = (values: V, out: Float32Array, stride: number, offset: number) => void;

interface Encoder<V> {
  readonly width: number;
  readonly encode: Encode<V>;
}

/** Where one input column's features sit in the matrix. */
export interface Block {
  readonly column: string;
  readonly offset: number;
  readonly width: number;
}

export interface CompiledPipeline {
  readonly inputs: readonly SignatureInput[];
  readonly width: number;
  readonly blocks: readonly Block[];
  /** Writes the features of `rows` rows into `out` (zero-filled, `rows × width`). */
  write(columns: ReadonlyMap<string, ColumnValues>, out: Float32Array): void;
}

const NORMS: readonly TextNorm[] = ['l2', 'l1', 'none'];
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const TAU = 2 * Math.PI;
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const DATETIME_PARTS = [
  'year',
  'month',
  'day',
  'dayOfWeek',
  'dayOfYear',
  'isWeekend',
  'hour',
  'minute',
  'month_sin',
  'month_cos',
  'dayOfWeek_sin',
  'dayOfWeek_cos',
  'hour_sin',
  'hour_cos',
];

/** Calendar parts of a UTC timestamp, in DATETIME_PARTS order (days-to-civil, as the lab). */
function explode(ms: number, parts: Float64Array) {
  const days = Math.floor(ms / DAY_MS);
  const msOfDay = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfMarchYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfMarchYear + 2) / 153);
  const day = dayOfMarchYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const dayOfWeek = (((days + 3) % 7) + 7) % 7;
  const hour = Math.floor(msOfDay / HOUR_MS);
  parts[0] = year;
  parts[1] = month;
  parts[2] = day;
  parts[3] = dayOfWeek;
  parts[4] = (DAYS_BEFORE_MONTH[month - 1] as number) + day + (month > 2 && leap ? 1 : 0);
  parts[5] = dayOfWeek >= 5 ? 1 : 0;
  parts[6] = hour;
  parts[7] = Math.floor((msOfDay % HOUR_MS) / 60_000);
  parts[8] = Math.sin((TAU * (month - 1)) / 12);
  parts[9] = Math.cos((TAU * (month - 1)) / 12);
  parts[10] = Math.sin((TAU * dayOfWeek) / 7);
  parts[11] = Math.cos((TAU * dayOfWeek) / 7);
  parts[12] = Math.sin((TAU * hour) / 24);
  parts[13] = Math.cos((TAU * hour) / 24);
}

function scaler(f: Fields): Encoder<Float64Array> {
  const center = f.number('center');
  const scale = f.number('scale');
  const shift = f.number('shift');
  if (scale === 0) f.fail('scale', 'a non-zero number');
  return {
    width: 1,
    encode(values, out, stride, offset) {
      for (let i = 0, at = offset; i < values.length; i++, at += stride) {
        const value = values[i] as number;
        out[at] = Number.isFinite(value) ? (value - center) / scale + shift : NaN;
      }
    },
  };
}

function datetime(f: Fields): Encoder<Float64Array> {
  const sources = f.strings('parts').map((part) => DATETIME_PARTS.indexOf(part));
  if (!sources.length || sources.includes(-1)) f.fail('parts', 'a list of date parts');
  const all = new Float64Array(DATETIME_PARTS.length);
  return {
    width: sources.length,
    encode(values, out, stride, offset) {
      for (let i = 0, at = offset; i < values.length; i++, at += stride) {
        const ms = values[i] as number;
        if (Number.isFinite(ms)) explode(ms, all);
        sources.forEach((source, j) => (out[at + j] = Number.isFinite(ms) ? all[source]! : NaN));
      }
    },
  };
}

const indexOf = (categories: readonly string[]) =>
  new Map(categories.map((category, position) => [category, position]));

function oneHot(f: Fields): Encoder<Strings> {
  const frequent = f.strings('frequent');
  const infrequent = f.strings('infrequent');
  const slots = indexOf(frequent);
  for (const category of infrequent) slots.set(category, frequent.length);
  const hasOther = infrequent.length > 0;
  const unknown = f.oneOf('handleUnknown', ['zeros', 'other']) === 'other' && hasOther;
  const unknownSlot = unknown ? frequent.length : -1;
  return {
    width: frequent.length + (hasOther ? 1 : 0),
    encode(values, out, stride, offset) {
      values.forEach((value, i) => {
        const slot = value === null ? unknownSlot : (slots.get(value) ?? unknownSlot);
        if (slot >= 0) out[i * stride + offset + slot] = 1;
      });
    },
  };
}

/** Ordinal and frequency encoding: one number per category, another for unseen and missing. */
function lookup(
  categories: readonly string[],
  valueOf: ArrayLike<number>,
  unknown: number,
  missing: number,
): Encoder<Strings> {
  const index = indexOf(categories);
  return {
    width: 1,
    encode(values, out, stride, offset) {
      values.forEach((value, i) => {
        const position = value === null ? -2 : (index.get(value) ?? -1);
        out[i * stride + offset] =
          position === -2 ? missing : position < 0 ? unknown : valueOf[position]!;
      });
    },
  };
}

function ordinal(f: Fields): Encoder<Strings> {
  const categories = f.strings('categories');
  return lookup(
    categories,
    categories.map((_, position) => position),
    f.nullableNumber('unknownValue'),
    f.nullableNumber('missingValue'),
  );
}

function frequency(f: Fields): Encoder<Strings> {
  const categories = f.strings('categories');
  const frequencies = f.numbers('frequencies', categories.length);
  return lookup(categories, frequencies, 0, f.number('missingFrequency'));
}

function target(f: Fields): Encoder<Strings> {
  const categories = f.strings('categories');
  const width = Math.max(1, f.strings('labels').length);
  const encodings = f.numbers('encodings', (categories.length + 1) * width);
  const means = f.numbers('means', width);
  const index = indexOf(categories);
  return {
    width,
    encode(values, out, stride, offset) {
      values.forEach((value, i) => {
        const category = value === null ? categories.length : (index.get(value) ?? -1);
        for (let j = 0; j < width; j++) {
          out[i * stride + offset + j] =
            category < 0 ? means[j]! : encodings[category * width + j]!;
        }
      });
    },
  };
}

function analyzer(f: Fields): ResolvedAnalyzer {
  const [low, high] = f.numbers('ngramRange', 2) as unknown as [number, number];
  if (!(Number.isInteger(low) && Number.isInteger(high) && low >= 1 && low <= high && high <= 10)) {
    f.fail('ngramRange', 'two whole numbers 1 ≤ low ≤ high ≤ 10');
  }
  return {
    analyzer: f.oneOf('analyzer', ['word', 'char', 'char_wb']),
    ngramRange: [low, high],
    lowercase: f.boolean('lowercase'),
    minTokenLength: f.integer('minTokenLength', 1),
  };
}

/** Text steps: a sparse vector per row, built as the lab builds one per distinct text. */
function text(
  width: number,
  analysis: ResolvedAnalyzer,
  addTerm: (builder: SparseBuilder, term: string) => void,
  weights: Float64Array | null,
  norm: TextNorm,
  sublinear: boolean,
): Encoder<Strings> {
  return {
    width,
    encode(values, out, stride, offset) {
      const builder = new SparseBuilder(values.length, width);
      const codes = new Int32Array(values.length);
      values.forEach((value, i) => {
        codes[i] = value === null ? -1 : i;
        if (value !== null) analyze(value, analysis, (term) => addTerm(builder, term));
        builder.finish(weights, norm, sublinear);
      });
      writeSparseRows(codes, builder.build(), out, stride, offset);
    },
  };
}

function hashing(f: Fields): Encoder<Strings> {
  const n = f.integer('nFeatures', 1);
  if (n > 2 ** 20) f.fail('nFeatures', 'at most 2²⁰');
  const alternateSign = f.boolean('alternateSign');
  const add = (builder: SparseBuilder, term: string) => {
    const hash = murmurhash3(term);
    // |−2³¹| does not fit an int32; scikit-learn defines its index as below.
    const index = hash === -2147483648 ? (2147483647 - (n - 1)) % n : Math.abs(hash) % n;
    builder.add(index, alternateSign && hash < 0 ? -1 : 1);
  };
  return text(n, analyzer(f), add, null, f.oneOf('norm', NORMS), false);
}

function tfidf(f: Fields): Encoder<Strings> {
  const terms = f.strings('terms');
  const index = indexOf(terms);
  const add = (builder: SparseBuilder, term: string) => {
    const position = index.get(term);
    if (position !== undefined) builder.add(position, 1);
  };
  const idf = f.numbers('idf', terms.length);
  return text(
    terms.length,
    analyzer(f),
    add,
    idf,
    f.oneOf('norm', NORMS),
    f.boolean('sublinearTf'),
  );
}

const NUMBER_ENCODERS: Record<string, (f: Fields) => Encoder<Float64Array>> = { scaler, datetime };
const STRING_ENCODERS: Record<string, (f: Fields) => Encoder<Strings>> = {
  'one-hot': oneHot,
  ordinal,
  frequency,
  target,
  hashing,
  tfidf,
};

interface Step {
  readonly column: string;
  readonly width: number;
  write(values: ColumnValues, out: Float32Array, stride: number, offset: number): void;
}

/** One column: fill missing values, encode, standardize, then the missing-value indicator. */
function compileColumn(f: Fields, type: InputType): Step {
  const column = f.string('column');
  const numeric = NUMBER_INPUTS.includes(type);
  const encoders: Record<string, (f: Fields) => Encoder<never>> = numeric
    ? NUMBER_ENCODERS
    : STRING_ENCODERS;
  const encoderFields = f.object('encoder');
  const encoder = encoders[encoderFields.oneOf('kind', Object.keys(encoders))]!(encoderFields);
  const width = encoder.width;
  const imputer = f.optional('imputer');
  imputer?.oneOf('kind', [numeric ? 'numeric-imputer' : 'category-imputer']);
  const fill = imputer && (numeric ? imputer.number('fillValue') : imputer.string('fillValue'));
  const standardize = f.optional('standardize');
  const center = standardize?.numbers('center', width);
  const scale = standardize?.numbers('scale', width);
  const indicator = f.boolean('indicator');
  return {
    column,
    width: width + (indicator ? 1 : 0),
    write(values, out, stride, offset) {
      const filled =
        fill === null
          ? values
          : numeric
            ? (values as Float64Array).map((value) => (Number.isFinite(value) ? value : +fill))
            : (values as Strings).map((value) => (value === null ? String(fill) : value));
      (encoder.encode as Encode<ColumnValues>)(filled, out, stride, offset);
      if (center && scale) {
        for (let at = offset; at < out.length; at += stride) {
          for (let j = 0; j < width; j++) out[at + j] = (out[at + j]! - center[j]!) / scale[j]!;
        }
      }
      if (indicator) {
        for (let i = 0; i < values.length; i++) {
          const value = values[i] as number | string | null;
          if (numeric ? !Number.isFinite(value) : value === null)
            out[i * stride + offset + width] = 1;
        }
      }
    },
  };
}

export function compilePipeline(f: Fields): CompiledPipeline {
  if (f.raw('kind') !== 'feature-pipeline') f.fail('kind', '“feature-pipeline”');
  if (f.raw('format') !== 1) f.fail('format', '1');
  const types = new Map<string, InputType>();
  const categories = new Map<string, readonly string[]>();
  for (const column of f.object('schema').objects('columns')) {
    const name = column.string('name');
    if (column.raw('type') === 'image') {
      throw new EmbedError(
        `The model reads images from column “${name}”, which this runtime cannot decode yet: ` +
          'score it in the lab, or train a model without the image column to embed it.',
        name,
      );
    }
    types.set(name, column.oneOf('type', INPUT_TYPES) as InputType);
    if (column.raw('categories') !== undefined) categories.set(name, column.strings('categories'));
  }
  const inputs: SignatureInput[] = [];
  const blocks: Block[] = [];
  const steps = f.objects('columns').map((column) => {
    const name = column.string('column');
    const type = types.get(name) ?? column.fail('column', 'a column of the schema');
    const step = compileColumn(column, type);
    const previous = blocks[blocks.length - 1];
    blocks.push({
      column: name,
      offset: previous ? previous.offset + previous.width : 0,
      width: step.width,
    });
    const encoder = column.object('encoder');
    inputs.push({
      name,
      type,
      ...(type === 'categorical' ? { categories: categories.get(name) ?? [] } : {}),
      ...(encoder.raw('kind') === 'datetime'
        ? { resolution: encoder.oneOf('resolution', ['day', 'hour', 'minute'] as const) }
        : {}),
    });
    return step;
  });
  const width = blocks.reduce((sum, block) => sum + block.width, 0);
  return {
    inputs,
    width,
    blocks,
    write(columns, out) {
      steps.forEach((step, s) => {
        step.write(columns.get(step.column)!, out, width, blocks[s]!.offset);
      });
    },
  };
}
