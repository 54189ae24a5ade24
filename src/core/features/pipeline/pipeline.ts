import { checkCancelled, TrainingError, yieldToEventLoop } from '../../errors/training-error';
import type { Matrix, Target } from '../../learners/types';
import type { Random } from '../../random';
import {
  isNumberColumn,
  type Column,
  type LogicalType,
  type NumberColumn,
  type StringColumn,
  type Table,
} from '../../table';
import { fitDatetime } from '../datetime';
import {
  checkDenseSize,
  DEFAULT_MAX_BYTES,
  dropColumnsAdvice,
  transformToMatrix,
  type SizeAdvice,
} from '../dense';
import { fitFrequency } from '../frequency';
import {
  fitCategoryImputer,
  fitNumericImputer,
  indicatorName,
  writeMissingIndicator,
  wantsIndicator,
} from '../impute';
import { JsonFields } from '../json';
import { fewerCategories, fitOneHot } from '../one-hot';
import { fitImage } from '../image';
import { fitOrdinal } from '../ordinal';
import { imputerFromJSON, transformerFromJSON, type FittedImputer } from '../registry';
import { fitScaler } from '../scale';
import { fitTargetEncoder } from '../target-encoder';
import { fewerHashFeatures, fitHashing } from '../text/hashing';
import { fitTfidf, smallerVocabulary } from '../text/tfidf';
import type { FittedTransformer, TransformerJSON } from '../types';
import { describeChoice, type FeatureChoice } from './describe';
import {
  automaticPlan,
  checkPlanFits,
  type ColumnPlan,
  type DatetimePlan,
  type DropPlan,
  type FrequencyPlan,
  type HashingPlan,
  type ImagePlan,
  type NumericPlan,
  type OneHotPlan,
  type OrdinalPlan,
  type StepKind,
  type TargetPlan,
  type TfidfPlan,
} from './plan';
import { schemaColumn, schemaFromJSON, validateTable, type InputSchema } from './schema';

export interface FeaturePipelineOptions {
  /** The seeded source of every random choice (the folds of target encoding). */
  readonly rng: Random;
  /** Needed for target encoding, which high-cardinality categoricals get when it is given. */
  readonly target?: Target;
  /** Steps for particular columns; the others get a step chosen from their type. */
  readonly columns?: Readonly<Record<string, ColumnPlan>>;
  /** Leave missing values as NaN for learners that handle them (gradient-boosted trees). */
  readonly keepMissing?: boolean;
  /** Standardize numeric, date and encoded-category outputs (on by default). */
  readonly scale?: boolean;
  /** Categorical columns with at most this many categories are one-hot encoded; 20 by default. */
  readonly maxOneHot?: number;
  /** The largest feature matrix allowed, in bytes; 256 MB by default. */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

export interface FeatureMatrix {
  readonly matrix: Matrix;
  readonly names: readonly string[];
}

/** `(x − center) / scale` on each output of a step, fitted on that step's training outputs. */
interface Standardization {
  readonly center: Float64Array;
  readonly scale: Float64Array;
}

/** One input column's fitted steps: fill, encode, standardize, then the missing indicator. */
interface FittedColumn {
  readonly column: string;
  readonly type: LogicalType;
  readonly step: StepKind;
  readonly imputer: FittedImputer | null;
  readonly encoder: FittedTransformer;
  readonly indicator: boolean;
  readonly standardize: Standardization | null;
}

const DEFAULT_MAX_ONE_HOT = 20;
const MAX_TEXT_FEATURES = 1000;
/** Cells of work between yields to the event loop, so cancellation gets through. */
const WORK_PER_YIELD = 4_000_000;

const widthOf = (fitted: FittedColumn) =>
  fitted.encoder.outputNames.length + (fitted.indicator ? 1 : 0);

function adviceFor(fitted: FittedColumn): SizeAdvice {
  if (fitted.step === 'hashing') return fewerHashFeatures;
  if (fitted.step === 'tfidf') return smallerVocabulary;
  if (fitted.step === 'one-hot') return fewerCategories;
  return dropColumnsAdvice;
}

/** Throws `too-large`, naming the widest column, when the features would not fit in memory. */
function checkPipelineSize(rows: number, columns: readonly FittedColumn[], maxBytes: number) {
  if (columns.length === 0) return;
  const widest = columns.reduce((best, fitted) =>
    widthOf(best) >= widthOf(fitted) ? best : fitted,
  );
  const cols = columns.reduce((sum, fitted) => sum + widthOf(fitted), 0);
  checkDenseSize(rows, cols, widest.column, adviceFor(widest), maxBytes, widthOf(widest));
}

function writeColumn(
  fitted: FittedColumn,
  raw: Column,
  out: Float32Array,
  stride: number,
  offset: number,
  outOfFold?: Float64Array,
) {
  const width = fitted.encoder.outputNames.length;
  if (outOfFold) {
    const rows = outOfFold.length / Math.max(1, width);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < width; j++)
        out[i * stride + offset + j] = outOfFold[i * width + j] as number;
    }
  } else {
    const input = fitted.imputer
      ? fitted.imputer.kind === 'numeric-imputer'
        ? fitted.imputer.apply(raw as NumberColumn)
        : fitted.imputer.apply(raw as StringColumn)
      : raw;
    fitted.encoder.write(input, out, stride, offset);
  }
  if (fitted.standardize) {
    const { center, scale } = fitted.standardize;
    for (let at = offset; at < out.length; at += stride) {
      for (let j = 0; j < width; j++) {
        out[at + j] = ((out[at + j] as number) - (center[j] as number)) / (scale[j] as number);
      }
    }
  }
  if (fitted.indicator) writeMissingIndicator(raw, out, stride, offset + width);
}

/** The mean and standard deviation of each output of a step over the training rows. */
function fitStandardization(
  block: Float32Array | Float64Array,
  width: number,
  name: string,
): Standardization {
  const rows = block.length / Math.max(1, width);
  const center = new Float64Array(width);
  const scale = new Float64Array(width);
  const values = new Float64Array(rows);
  for (let j = 0; j < width; j++) {
    for (let i = 0; i < rows; i++) values[i] = block[i * width + j] as number;
    const scaler = fitScaler({ name, type: 'numeric', values }, { method: 'standard' });
    center[j] = scaler.center;
    scale[j] = scaler.scale;
  }
  return { center, scale };
}

function countMissing(column: Column): number {
  let missing = 0;
  if (isNumberColumn(column)) {
    for (let i = 0; i < column.values.length; i++)
      if (!Number.isFinite(column.values[i] as number)) missing++;
  } else {
    for (let i = 0; i < column.codes.length; i++) if ((column.codes[i] as number) < 0) missing++;
  }
  return missing;
}

interface ColumnFit {
  readonly fitted: FittedColumn;
  readonly outOfFold?: Float64Array;
}

interface StepContext {
  readonly column: Column;
  readonly missing: number;
  readonly options: FeaturePipelineOptions;
  readonly maxBytes: number;
}

const baseOf = ({ column }: StepContext, step: StepKind) => ({
  column: column.name,
  type: column.type,
  step,
});

/** Standardization of a step's training outputs, when the pipeline scales. */
function standardizeFor(
  context: StepContext,
  encoder: FittedTransformer,
  input: Column,
  outOfFold?: Float64Array,
): Standardization | null {
  if (!(context.options.scale ?? true)) return null;
  const block =
    outOfFold ?? transformToMatrix(encoder, input, dropColumnsAdvice, context.maxBytes).data;
  return fitStandardization(block, encoder.outputNames.length, context.column.name);
}

function fitNumberStep(context: StepContext, plan: NumericPlan | DatetimePlan): ColumnFit {
  const numbers = context.column as NumberColumn;
  const strategy = plan.impute ?? 'median';
  const imputer =
    strategy === 'none'
      ? null
      : fitNumericImputer(numbers, {
          strategy,
          fillValue: plan.kind === 'numeric' ? plan.fillValue : undefined,
        });
  const filled = imputer ? imputer.apply(numbers) : numbers;
  const indicator = wantsIndicator(plan.indicator, context.missing);
  const base = { ...baseOf(context, plan.kind), imputer, indicator };
  if (plan.kind === 'numeric') {
    const encoder = fitScaler(filled, {
      method: plan.scale ?? 'none',
      range: plan.range,
      quantileRange: plan.quantileRange,
    });
    return { fitted: { ...base, encoder, standardize: null } };
  }
  // The resolution comes from the raw timestamps: a filled median may fall between days.
  const encoder = fitDatetime(numbers, { parts: plan.parts });
  return { fitted: { ...base, encoder, standardize: standardizeFor(context, encoder, filled) } };
}

function fitTextStep(context: StepContext, plan: TfidfPlan | HashingPlan): ColumnFit {
  const strings = context.column as StringColumn;
  const encoder =
    plan.kind === 'tfidf'
      ? fitTfidf(strings, plan)
      : fitHashing(strings, { ...plan, maxBytes: context.maxBytes });
  const base = baseOf(context, plan.kind);
  return { fitted: { ...base, imputer: null, encoder, indicator: false, standardize: null } };
}

function fitCategoryStep(
  context: StepContext,
  plan: OneHotPlan | OrdinalPlan | FrequencyPlan | TargetPlan,
): ColumnFit {
  const { column, options } = context;
  const strings = column as StringColumn;
  const impute = plan.impute ?? 'none';
  const imputer =
    impute === 'none'
      ? null
      : fitCategoryImputer(strings, { strategy: impute, fillValue: plan.fillValue });
  const filled = imputer ? imputer.apply(strings) : strings;
  const indicator = wantsIndicator(plan.indicator, context.missing);
  const base = { ...baseOf(context, plan.kind), imputer, indicator };
  if (plan.kind === 'one-hot') {
    return { fitted: { ...base, encoder: fitOneHot(filled, plan), standardize: null } };
  }
  if (plan.kind === 'target') {
    if (!options.target) {
      throw new TrainingError(
        'invalid-params',
        `Target encoding of “${column.name}” needs the target.`,
        column.name,
      );
    }
    const { encoder, outOfFold } = fitTargetEncoder(filled, options.target, {
      rng: options.rng,
      smooth: plan.smooth,
      folds: plan.folds,
    });
    const standardize = standardizeFor(context, encoder, filled, outOfFold);
    return { fitted: { ...base, encoder, standardize }, outOfFold };
  }
  const encoder = plan.kind === 'ordinal' ? fitOrdinal(filled, plan) : fitFrequency(filled);
  return { fitted: { ...base, encoder, standardize: standardizeFor(context, encoder, filled) } };
}

/** Pixel intensities are already in [0, 1] and are not standardized: black padding stays 0. */
function fitImageStep(context: StepContext, plan: ImagePlan): ColumnFit {
  const encoder = fitImage(context.column, plan);
  const base = baseOf(context, plan.kind);
  return { fitted: { ...base, imputer: null, encoder, indicator: false, standardize: null } };
}

function fitColumn(context: StepContext, plan: Exclude<ColumnPlan, DropPlan>): ColumnFit {
  switch (plan.kind) {
    case 'image':
      return fitImageStep(context, plan);
    case 'numeric':
    case 'datetime':
      return fitNumberStep(context, plan);
    case 'tfidf':
    case 'hashing':
      return fitTextStep(context, plan);
    default:
      return fitCategoryStep(context, plan);
  }
}

/** A pipeline fitted on a training table: checks any table of that shape and featurizes it. */
export class FittedPipeline {
  readonly names: readonly string[];

  constructor(
    readonly schema: InputSchema,
    private readonly fittedColumns: readonly FittedColumn[],
    readonly choices: readonly FeatureChoice[],
    readonly keepMissing: boolean,
    readonly maxBytes: number,
  ) {
    this.names = fittedColumns.flatMap((fitted) =>
      fitted.indicator
        ? [...fitted.encoder.outputNames, indicatorName(fitted.column)]
        : fitted.encoder.outputNames,
    );
  }

  /** Throws a TrainingError naming the first missing or mistyped column. */
  validate(table: Table) {
    validateTable(this.schema, table);
  }

  /** Categories of each categorical column that training never saw (they encode as unknown). */
  unseenCategories(table: Table): Record<string, string[]> {
    this.validate(table);
    const unseen: Record<string, string[]> = {};
    for (const expected of this.schema.columns) {
      const column = table.column(expected.name);
      if (!expected.categories || isNumberColumn(column)) continue;
      const known = new Set(expected.categories);
      const used = new Uint8Array(column.dictionary.length);
      for (let i = 0; i < column.codes.length; i++) {
        const code = column.codes[i] as number;
        if (code >= 0) used[code] = 1;
      }
      const fresh = column.dictionary.filter(
        (category, code) => used[code] && !known.has(category),
      );
      if (fresh.length > 0) unseen[expected.name] = fresh;
    }
    return unseen;
  }

  transform(table: Table): FeatureMatrix {
    return this.transformWith(table);
  }

  /**
   * Writes the features of `table`; `outOfFold` replaces the encodings of the columns it names
   * (the out-of-fold training encodings that `FeaturePipeline.fitTransform` passes).
   */
  transformWith(table: Table, outOfFold?: ReadonlyMap<string, Float64Array>): FeatureMatrix {
    this.validate(table);
    const rows = table.rowCount;
    const cols = this.names.length;
    checkPipelineSize(rows, this.fittedColumns, this.maxBytes);
    const data = new Float32Array(rows * cols);
    let offset = 0;
    for (const fitted of this.fittedColumns) {
      writeColumn(
        fitted,
        table.column(fitted.column),
        data,
        cols,
        offset,
        outOfFold?.get(fitted.column),
      );
      offset += widthOf(fitted);
    }
    return { matrix: { rows, cols, data }, names: this.names };
  }

  toJSON(): FeaturePipelineJSON {
    return {
      kind: 'feature-pipeline',
      format: 1,
      schema: this.schema,
      keepMissing: this.keepMissing,
      maxBytes: this.maxBytes,
      columns: this.fittedColumns.map((fitted) => ({
        column: fitted.column,
        type: fitted.type,
        step: fitted.step,
        imputer: fitted.imputer?.toJSON() ?? null,
        encoder: fitted.encoder.toJSON(),
        indicator: fitted.indicator,
        standardize: fitted.standardize && {
          center: Array.from(fitted.standardize.center),
          scale: Array.from(fitted.standardize.scale),
        },
      })),
      choices: this.choices,
    };
  }

  static fromJSON(json: unknown): FittedPipeline {
    const fields = JsonFields.of(json, 'feature pipeline');
    if (fields.raw('kind') !== 'feature-pipeline') fields.fail('kind', '“feature-pipeline”');
    if (fields.raw('format') !== 1) fields.fail('format', '1');
    const schema = schemaFromJSON(fields.raw('schema'));
    const types = new Map(schema.columns.map((column) => [column.name, column.type]));
    const fittedColumns = fields.list('columns').map((item): FittedColumn => {
      const column = JsonFields.of(item, 'feature pipeline column');
      const name = column.string('column');
      const type = types.get(name) ?? column.fail('column', 'a column of the schema');
      const encoder = transformerFromJSON(column.raw('encoder'));
      const width = encoder.outputNames.length;
      const standardize = column.raw('standardize') === null ? null : column.object('standardize');
      return {
        column: name,
        type,
        step: column.oneOf('step', [
          'numeric',
          'one-hot',
          'ordinal',
          'frequency',
          'target',
          'datetime',
          'tfidf',
          'hashing',
          'image',
        ]),
        imputer: column.raw('imputer') === null ? null : imputerFromJSON(column.raw('imputer')),
        encoder,
        indicator: column.boolean('indicator'),
        standardize: standardize && {
          center: standardize.numbers('center', width),
          scale: standardize.numbers('scale', width),
        },
      };
    });
    const choices = fields.list('choices').map((item) => {
      const choice = JsonFields.of(item, 'feature choice');
      choice.string('column');
      choice.string('summary');
      return item as FeatureChoice;
    });
    return new FittedPipeline(
      schema,
      fittedColumns,
      choices,
      fields.boolean('keepMissing'),
      fields.number('maxBytes'),
    );
  }
}

export interface FeaturePipelineJSON {
  readonly kind: 'feature-pipeline';
  readonly format: 1;
  readonly schema: InputSchema;
  readonly keepMissing: boolean;
  readonly maxBytes: number;
  readonly columns: readonly {
    readonly column: string;
    readonly type: LogicalType;
    readonly step: StepKind;
    readonly imputer: TransformerJSON | null;
    readonly encoder: TransformerJSON;
    readonly indicator: boolean;
    readonly standardize: { readonly center: number[]; readonly scale: number[] } | null;
  }[];
  readonly choices: readonly FeatureChoice[];
}

async function fitPipeline(
  table: Table,
  options: FeaturePipelineOptions,
): Promise<{ pipeline: FittedPipeline; outOfFold: Map<string, Float64Array> }> {
  const { target, signal } = options;
  const keepMissing = options.keepMissing ?? false;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const configured = options.columns ?? {};
  for (const name of Object.keys(configured)) {
    if (!table.has(name)) {
      throw new TrainingError(
        'invalid-params',
        `A step is configured for column “${name}”, which the table does not have.`,
        name,
      );
    }
  }
  if (table.rowCount === 0) {
    throw new TrainingError('invalid-input', 'The table has no rows to fit the features on.');
  }
  if (target && target.y.length !== table.rowCount) {
    throw new TrainingError(
      'invalid-input',
      `The target has ${target.y.length} rows but the table has ${table.rowCount}.`,
    );
  }
  const automaticText = table.columns.filter(
    (column) => column.type === 'text' && configured[column.name] === undefined,
  ).length;
  const settings = {
    keepMissing,
    scale: options.scale ?? true,
    hasTarget: target !== undefined,
    maxOneHot: options.maxOneHot ?? DEFAULT_MAX_ONE_HOT,
    // Text gets at most half of the memory budget, shared between the text columns.
    textFeatures: Math.max(
      10,
      Math.min(
        MAX_TEXT_FEATURES,
        Math.floor(maxBytes / 8 / Math.max(1, table.rowCount * automaticText)),
      ),
    ),
  };

  const fittedColumns: FittedColumn[] = [];
  const choices: FeatureChoice[] = [];
  const schemaColumns = [];
  const outOfFold = new Map<string, Float64Array>();
  let work = 0;
  for (const column of table.columns) {
    checkCancelled(signal);
    const given = configured[column.name];
    const plan = given ?? automaticPlan(column, settings);
    checkPlanFits(column, plan);
    const missing = countMissing(column);
    const automatic = given === undefined;
    if (plan.kind === 'drop') {
      choices.push(
        describeChoice({
          column: column.name,
          type: column.type,
          step: 'drop',
          automatic,
          missing,
          imputer: null,
          encoder: null,
          indicator: false,
          standardized: false,
        }),
      );
      continue;
    }
    const fit = fitColumn({ column, missing, options, maxBytes }, plan);
    const { fitted } = fit;
    fittedColumns.push(fitted);
    schemaColumns.push(schemaColumn(column));
    if (fit.outOfFold) outOfFold.set(column.name, fit.outOfFold);
    choices.push(
      describeChoice({ ...fitted, automatic, missing, standardized: fitted.standardize !== null }),
    );
    work += table.rowCount * Math.max(1, widthOf(fitted));
    if (work >= WORK_PER_YIELD) {
      work = 0;
      await yieldToEventLoop();
    }
  }
  checkCancelled(signal);
  if (fittedColumns.length === 0) {
    throw new TrainingError('invalid-input', 'There are no feature columns to train on.');
  }
  const pipeline = new FittedPipeline(
    { columns: schemaColumns },
    fittedColumns,
    choices,
    keepMissing,
    maxBytes,
  );
  checkPipelineSize(table.rowCount, fittedColumns, maxBytes);
  return { pipeline, outOfFold };
}

/**
 * Fits per-column feature steps on a training table: configured ones, or ones chosen from each
 * column's logical type (numbers: median fill + indicator + standardization; booleans: 0/1;
 * categories: one-hot up to 20, else target or frequency encoding; dates: calendar parts;
 * text: TF-IDF; images: their decoded pixels, resized, in gray or colour).
 */
export const FeaturePipeline = {
  async fit(table: Table, options: FeaturePipelineOptions): Promise<FittedPipeline> {
    return (await fitPipeline(table, options)).pipeline;
  },

  /**
   * Fits, then returns the training features too: target-encoded columns hold out-of-fold
   * encodings, so no training row sees its own target (unlike `pipeline.transform(table)`).
   */
  async fitTransform(
    table: Table,
    options: FeaturePipelineOptions,
  ): Promise<FeatureMatrix & { pipeline: FittedPipeline }> {
    const { pipeline, outOfFold } = await fitPipeline(table, options);
    checkCancelled(options.signal);
    return { pipeline, ...pipeline.transformWith(table, outOfFold) };
  },

  fromJSON: FittedPipeline.fromJSON,
};
