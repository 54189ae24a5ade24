import { checkCancelled, yieldToEventLoop } from '../../errors/training-error';
import { randomInt, seededRandom } from '../../random';
import { isNumberColumn, type Column, type Table } from '../../table';
import { unixScale, unixUnitOfRange } from '../unix-time';
import {
  cramersVMatrix,
  correlationRatio,
  pearsonMatrix,
  presentMean,
  type CategoricalInput,
  type NumericInput,
} from './correlation';
import { formatShare, imbalanceWarning, isClassTarget, MAX_TARGET_CLASSES } from './balance';
import { countDuplicateRows } from './duplicates';
import { compactDateWarning, excelDateWarning } from './compact-date';
import { missingCodeWarning } from './missing-code';
import { summarizeNumbers } from './numeric';
import { ProfileScratch } from './scratch';
import { summarizeStrings } from './strings';
import {
  DEFAULT_PROFILE_OPTIONS,
  type ColumnProfile,
  type Correlations,
  type DatasetProfile,
  type ProfileOptions,
  type ProfileReuse,
  type ProfileSettings,
  type ProfileWarning,
} from './types';

const finite = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value) ? null : value;

type Settings = ProfileOptions & ProfileSettings & { readonly scratch?: ProfileScratch };

function profileColumn(column: Column, settings: Settings, random: () => number): ColumnProfile {
  if (isNumberColumn(column)) {
    const summary = summarizeNumbers(column.values, column.type, {
      exactLimit: settings.exactLimit,
      topValues: settings.topValues,
      maxBins: settings.maxBins,
      random,
      ...(settings.scratch ? { scratch: settings.scratch } : {}),
    });
    const q = summary.quantiles;
    return {
      name: column.name,
      type: column.type,
      count: summary.count,
      missing: summary.missing,
      distinct: summary.distinct,
      distinctExact: summary.distinctExact,
      min: finite(summary.min),
      max: finite(summary.max),
      mean: finite(summary.mean),
      std: finite(summary.std),
      quantiles: q && { p5: q.p5, p25: q.p25, p50: q.p50, p75: q.p75, p95: q.p95 },
      quantilesExact: summary.quantilesExact,
      histogram: summary.histogram,
      top: summary.top,
      length: null,
    };
  }
  const summary = summarizeStrings(column, settings.topValues);
  return {
    name: column.name,
    type: column.type,
    count: summary.count,
    missing: summary.missing,
    distinct: summary.distinct,
    distinctExact: true,
    min: null,
    max: null,
    mean: null,
    std: null,
    quantiles: null,
    quantilesExact: true,
    histogram: null,
    top: summary.top,
    length: summary.length,
  };
}

/**
 * Dense level codes for an association measure (of the sampled rows, when given), or null for
 * a column with too many categories, or fewer than two.
 */
function categoricalInput(
  column: Column,
  maxCategories: number,
  sample: Int32Array | null,
): CategoricalInput | null {
  if (isNumberColumn(column)) {
    if (column.type !== 'boolean') return null;
    const values = sample ? takeValues(column.values, sample) : column.values;
    const codes = new Int32Array(values.length);
    for (let i = 0; i < codes.length; i++) {
      const value = values[i] as number;
      codes[i] = value !== value ? -1 : value === 0 ? 0 : 1;
    }
    return { name: column.name, codes, levels: 2 };
  }
  if (column.type !== 'categorical') return null;
  const dense = new Int32Array(column.dictionary.length).fill(-1);
  let levels = 0;
  const source = sample ? takeCodes(column.codes, sample) : column.codes;
  const codes = new Int32Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const code = source[i] as number;
    if (code < 0) {
      codes[i] = -1;
      continue;
    }
    let level = dense[code] as number;
    if (level < 0) {
      if (levels === maxCategories) return null;
      level = levels++;
      dense[code] = level;
    }
    codes[i] = level;
  }
  return levels >= 2 ? { name: column.name, codes, levels } : null;
}

function columnWarnings(profile: ColumnProfile, rows: number): ProfileWarning[] {
  const warnings: ProfileWarning[] = [];
  const { name } = profile;
  if (rows > 0 && profile.missing / rows > 0.5) {
    const share = profile.missing / rows;
    warnings.push({
      code: 'missing',
      message: `Column “${name}” is ${formatShare(share)} missing.`,
      column: name,
      value: share,
    });
  }
  if (profile.count > 0 && profile.distinct === 1) {
    const value = profile.top[0]?.value;
    warnings.push({
      code: 'constant',
      message: `Column “${name}” has a single value${value === undefined ? '' : ` (${String(value)})`}: it cannot help a model.`,
      column: name,
      value: 1,
    });
  }
  // Whole numbers in a column named like a time that fall in 2000–2100 as Unix seconds (or
  // milliseconds) are times stored as numbers: say how to read them as such, not that they look
  // like an ID.
  const unix =
    profile.type === 'integer' && profile.min !== null && profile.max !== null
      ? unixUnitOfRange(name, profile.min, profile.max)
      : null;
  if (unix !== null) {
    const utc = (value: number) =>
      new Date(value * unixScale(unix)).toISOString().slice(0, 16).replace('T', ' ');
    warnings.push({
      code: 'unix-time',
      message: `Column “${name}” looks like Unix ${unix} (${utc(profile.min!)} to ${utc(profile.max!)} UTC): to use it as date-times, change its type to datetime with numbers as ${unix} since 1970 (Prepare › Change type).`,
      column: name,
      // Milliseconds per unit: 1000 for seconds, 1 for milliseconds.
      value: unixScale(unix),
    });
  }
  const idLike =
    unix === null &&
    rows >= 20 &&
    profile.missing === 0 &&
    profile.distinct === rows &&
    (profile.type === 'integer' || profile.type === 'categorical');
  if (idLike) {
    warnings.push({
      code: 'id-like',
      message: `Column “${name}” has a different value in every row: it looks like an ID, which a model would only memorise.`,
      column: name,
      value: profile.distinct,
    });
  } else if (profile.type === 'categorical' && profile.distinct > 50) {
    warnings.push({
      code: 'high-cardinality',
      message: `Column “${name}” has ${profile.distinct.toLocaleString('en-US')} categories; one-hot encoding would add a column for each.`,
      column: name,
      value: profile.distinct,
    });
  }
  return warnings;
}

function targetWarning(profile: ColumnProfile): ProfileWarning | null {
  if (!isClassTarget(profile) || profile.count === 0) return null;
  // Top values hold every class when there are no more classes than kept top values.
  if (profile.top.length < profile.distinct) return null;
  return imbalanceWarning(profile.name, profile.top, profile.count);
}

/** `size` distinct row indices out of `rows`, uniformly at random, ascending (Floyd's method). */
function sampleRows(rows: number, size: number, random: () => number): Int32Array {
  const chosen = new Uint8Array(rows);
  for (let j = rows - size; j < rows; j++) {
    const pick = randomInt(random, j + 1);
    chosen[chosen[pick] ? j : pick] = 1;
  }
  const indices = new Int32Array(size);
  let k = 0;
  for (let row = 0; row < rows; row++) if (chosen[row]) indices[k++] = row;
  return indices;
}

function takeValues(
  values: Float64Array,
  rows: Int32Array,
  out = new Float64Array(rows.length),
): Float64Array {
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i] as number] as number;
  return out;
}

function takeCodes(codes: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = codes[rows[i] as number] as number;
  return out;
}

/**
 * The summaries of `reuse.profile` by column name, when they can stand for the new table's: the
 * same number of rows, all summarised exactly (a sampled summary draws on the seeded stream, so
 * skipping one would change the draws of the columns after it).
 */
function reusableSummaries(
  reuse: ProfileReuse | undefined,
  rows: number,
  exactLimit: number,
): Map<string, ColumnProfile> | null {
  if (!reuse || reuse.profile.rows !== rows || rows > exactLimit) return null;
  return new Map(reuse.profile.columns.map((profile) => [profile.name, profile]));
}

/**
 * The profile, computed in steps: each column, then duplicates, then each correlation family.
 * `profileTable` runs the steps back to back; `profileTableAsync` lets the event loop (progress,
 * cancellation) in between them.
 */
function* profileSteps(
  table: Table,
  options: ProfileOptions,
): Generator<{ done: number; total: number }, DatasetProfile> {
  const settings: Settings = {
    ...DEFAULT_PROFILE_OPTIONS,
    ...options,
    scratch: new ProfileScratch(),
  };
  const random = seededRandom(settings.seed);
  const columns: ColumnProfile[] = [];
  const warnings: ProfileWarning[] = [];
  const rows = table.rowCount;
  const total = table.columns.length + 4;
  let done = 0;
  const reused = reusableSummaries(options.reuse, rows, settings.exactLimit);
  for (const [index, column] of table.columns.entries()) {
    const from = options.reuse?.columns[index];
    const before = from === null || from === undefined ? undefined : reused?.get(from);
    const profile =
      before && before.type === column.type
        ? { ...before, name: column.name }
        : profileColumn(column, settings, random);
    columns.push(profile);
    // Dates written as numbers say how to read them as dates, not that they look like an ID.
    const compactDate = isNumberColumn(column)
      ? (compactDateWarning(column, profile) ?? excelDateWarning(profile))
      : null;
    for (const warning of columnWarnings(profile, rows)) {
      if (!(compactDate && warning.code === 'id-like')) warnings.push(warning);
    }
    if (compactDate) warnings.push(compactDate);
    const missingCode = isNumberColumn(column) ? missingCodeWarning(column, profile) : null;
    if (missingCode) warnings.push(missingCode);
    if (settings.target === column.name) {
      const imbalance = targetWarning(
        profile.top.length >= profile.distinct
          ? profile
          : profileColumn(column, { ...settings, topValues: MAX_TARGET_CLASSES + 1 }, random),
      );
      if (imbalance) warnings.push(imbalance);
    }
    yield { done: ++done, total };
  }

  // A column with a different value in every row (an ID) leaves no row equal to another.
  const keyed = columns.some(
    (profile) => profile.missing === 0 && profile.distinctExact && profile.distinct === rows,
  );
  const duplicateRows = keyed ? 0 : countDuplicateRows(table);
  if (duplicateRows > 0) {
    const share = duplicateRows / rows;
    warnings.push({
      code: 'duplicates',
      message: `${duplicateRows.toLocaleString('en-US')} row${duplicateRows === 1 ? '' : 's'} (${formatShare(share)}) repeat an earlier row.`,
      value: duplicateRows,
    });
  }
  yield { done: ++done, total };

  const limit = settings.maxCorrelationColumns;
  const numeric: NumericInput[] = [];
  const categorical: CategoricalInput[] = [];
  const sample =
    rows > settings.correlationRows ? sampleRows(rows, settings.correlationRows, random) : null;
  // Numeric columns are measured on the sampled rows in place (a copy of each would be as large
  // as the sample), and gathered one at a time into one buffer for the correlation ratio.
  for (const column of table.columns) {
    if (isNumberColumn(column) && column.type !== 'datetime' && numeric.length < limit) {
      numeric.push({ name: column.name, values: column.values });
    }
    if (categorical.length < limit) {
      const input = categoricalInput(column, settings.maxCategories, sample);
      if (input) categorical.push(input);
    }
  }
  const pearson = pearsonMatrix(numeric, sample);
  yield { done: ++done, total };
  const cramers = cramersVMatrix(categorical);
  yield { done: ++done, total };
  const gathered = sample && categorical.length > 0 ? new Float64Array(sample.length) : null;
  const ratio = numeric.map((x) => {
    const values = sample && gathered ? takeValues(x.values, sample, gathered) : x.values;
    const center = presentMean(values);
    return categorical.map((group) => correlationRatio(values, group, center));
  });
  yield { done: ++done, total };
  const correlations: Correlations = {
    rows: sample ? sample.length : rows,
    sampled: sample !== null,
    pearson: { columns: numeric.map((c) => c.name), matrix: pearson },
    cramersV: { columns: categorical.map((c) => c.name), matrix: cramers },
    correlationRatio: {
      numeric: numeric.map((c) => c.name),
      categorical: categorical.map((c) => c.name),
      matrix: ratio,
    },
  };
  return { rows, columns, correlations, duplicateRows, warnings };
}

/** Profiles a table in one go. Pure: the page runs it in a worker. */
export function profileTable(table: Table, options: ProfileOptions = {}): DatasetProfile {
  const steps = profileSteps(table, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    options.onProgress?.(step.value);
  }
}

/**
 * Profiles a table, yielding to the event loop between steps (at most once per `yieldMs`, and
 * after the last) so progress messages and cancellation get through; rejects with a `cancelled`
 * TrainingError when the signal aborts.
 */
export async function profileTableAsync(
  table: Table,
  options: ProfileOptions = {},
): Promise<DatasetProfile> {
  const steps = profileSteps(table, options);
  const every = options.yieldMs ?? 16;
  let yielded = performance.now();
  for (;;) {
    checkCancelled(options.signal);
    const step = steps.next();
    if (step.done) return step.value;
    const last = step.value.done === step.value.total;
    if (last || every <= 0 || performance.now() - yielded >= every) {
      options.onProgress?.(step.value);
      await yieldToEventLoop();
      yielded = performance.now();
    }
  }
}
