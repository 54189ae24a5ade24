import { TrainingError } from '../errors/training-error';
import { isMissing, isNumberColumn, type Column, type Table } from '../table';
import { futureTimesOf } from './forecast-table';
import type { Frequency } from './frequency';
import type { LeaderboardEntry } from './search';
import { buildSeries, readTimes, seriesKeys, type SeriesOptions } from './series';
import type { TimeAxis } from './time-axis';

/** A known-in-advance column must hold numbers or true/false values. */
const isFeatureColumn = (column: Column) => isNumberColumn(column) && column.type !== 'datetime';

/**
 * The columns that can be known-in-advance features: numbers and true/false columns other than
 * the time, the target and the series columns.
 */
export function featureCandidates(
  table: Table,
  roles: { time: string; target: string; series?: readonly string[] },
): string[] {
  const taken = new Set([roles.time, roles.target, ...(roles.series ?? [])]);
  return table.columns
    .filter((column) => !taken.has(column.name) && isFeatureColumn(column))
    .map((column) => column.name);
}

/**
 * Splits a table at each series' last observed target: the history (each series from its first
 * to its last row with a target value) and the rows after it (the target empty, the features
 * filled: the future of a table that carries its own). Rows before a series' first target are
 * left out of both; a series with no target at all stays whole in the history, where building the
 * series reports it.
 */
export function splitAtLastTarget(
  table: Table,
  options: Pick<SeriesOptions, 'time' | 'target' | 'series'>,
): { history: Table; after: Table } {
  const targetColumn = table.column(options.target);
  if (!isNumberColumn(targetColumn)) {
    throw new TrainingError(
      'invalid-input',
      `The target “${options.target}” must hold numbers to forecast.`,
      options.target,
    );
  }
  const target = targetColumn.values;
  // Rows with neither a time nor a target (blank lines at the end of a sheet) fall in neither part.
  const { values: times } = readTimes(table.column(options.time), (row) =>
    Number.isNaN(target[row]!),
  );
  const { ids, byRow } = options.series?.length
    ? seriesKeys(table, options.series)
    : { ids: [''], byRow: new Int32Array(table.rowCount) };
  const first = new Float64Array(ids.length).fill(Infinity);
  const last = new Float64Array(ids.length).fill(-Infinity);
  for (let row = 0; row < table.rowCount; row++) {
    if (Number.isNaN(target[row]!)) continue;
    const group = byRow[row]!;
    if (times[row]! < first[group]!) first[group] = times[row]!;
    if (times[row]! > last[group]!) last[group] = times[row]!;
  }
  const history: number[] = [];
  const after: number[] = [];
  for (let row = 0; row < table.rowCount; row++) {
    const group = byRow[row]!;
    const time = times[row]!;
    if (first[group] === Infinity || (time >= first[group]! && time <= last[group]!)) {
      history.push(row);
    } else if (time > last[group]!) after.push(row);
  }
  return {
    history: history.length === table.rowCount ? table : table.take(history),
    after: table.take(after),
  };
}

export interface FeatureSetup extends SeriesOptions {
  /** The known-in-advance columns. */
  readonly features: readonly string[];
  readonly horizon: number;
  /**
   * The rows with the features' values at the forecast steps. Left out, they are the table's own
   * rows after each series' last target.
   */
  readonly future?: Table;
}

export type FeaturePreparation =
  | {
      readonly ok: true;
      /** The rows to train on, up to each series' last target. */
      readonly history: Table;
      /** The rows the features' future values are read from. */
      readonly future: Table;
      /** The history's frequency, given to the search so that a short future need not show it. */
      readonly frequency: Frequency;
    }
  | { readonly ok: false; readonly problems: readonly string[] };

/** How many examples a message names before it counts the rest. */
const EXAMPLES = 3;

function listed(examples: readonly string[], total: number): string {
  const shown = examples.slice(0, EXAMPLES).join(', ');
  return total > EXAMPLES ? `${shown} and ${total - EXAMPLES} more` : shown;
}

const inSeries = (id: string | null) => (id === null ? '' : ` in series “${id}”`);

/** Collects the examples of one kind of problem under one message. */
class Findings {
  private readonly byKey = new Map<string, { examples: string[]; total: number }>();

  add(key: string, example: string) {
    let entry = this.byKey.get(key);
    if (!entry) this.byKey.set(key, (entry = { examples: [], total: 0 }));
    if (entry.examples.length < EXAMPLES) entry.examples.push(example);
    entry.total += 1;
  }

  messages(write: (key: string, examples: string) => string): string[] {
    return [...this.byKey].map(([key, { examples, total }]) => write(key, listed(examples, total)));
  }
}

function typeProblems(table: Table, names: readonly string[], where: string): string[] {
  const problems: string[] = [];
  for (const name of names) {
    if (!table.has(name)) {
      problems.push(`${where} have no column “${name}”.`);
      continue;
    }
    const column = table.column(name);
    if (isFeatureColumn(column)) continue;
    const kind = isNumberColumn(column) ? 'dates' : 'text';
    const example = isNumberColumn(column)
      ? ''
      : column.dictionary[0] !== undefined
        ? ` (e.g. “${column.dictionary[0]}”)`
        : '';
    problems.push(
      `“${name}” in ${where.toLowerCase()} holds ${kind}${example}, not numbers: a known-in-advance feature must be numeric or true/false.`,
    );
  }
  return problems;
}

/** A row's step on the axis, or null when its time is off the grid. */
function stepOf(axis: TimeAxis, time: number, bucketed: boolean): number | null {
  const position = axis.position(time);
  if (bucketed) return Math.floor(position + 1e-9);
  const step = Math.round(position);
  return Math.abs(position - step) > 0.1 ? null : step;
}

/**
 * Checks known-in-advance features before a search and lays out the tables it needs: every
 * feature is a number or true/false column of the history and of the future rows, has a value in
 * every history row, and has a value at every forecast step of every series. Each problem names
 * the column, the time and the series.
 */
export function prepareFeatures(table: Table, setup: FeatureSetup): FeaturePreparation {
  try {
    return prepare(table, setup);
  } catch (error) {
    if (error instanceof TrainingError) return { ok: false, problems: [error.message] };
    throw error;
  }
}

function prepare(table: Table, setup: FeatureSetup): FeaturePreparation {
  const { features, horizon } = setup;
  const seriesColumns = setup.series ?? [];
  const problems = typeProblems(table, features, 'The training rows');
  if (problems.length) return { ok: false, problems };
  const { history, after } = splitAtLastTarget(table, setup);
  const future = setup.future ?? after;
  const futureName = setup.future ? 'The future rows' : 'The rows after the last target';
  if (!setup.future && !after.rowCount) {
    return {
      ok: false,
      problems: [
        `There are no rows after the last value of “${setup.target}”: add rows with the times to forecast and the values of ${features.map((name) => `“${name}”`).join(', ')} (“${setup.target}” left empty), or read the future values from another dataset.`,
      ],
    };
  }
  for (const name of [setup.time, ...seriesColumns]) {
    if (setup.future && !setup.future.has(name)) {
      problems.push(`The future rows have no column “${name}”, which the training rows use.`);
    }
  }
  problems.push(...typeProblems(future, features, futureName));
  if (problems.length) return { ok: false, problems };

  const { axis, series } = buildSeries(history, setup);
  const bucketed = setup.aggregate !== undefined;
  const format = (time: number) => String(axis.format(time));

  // History: a value in every row, since the search lines the features up step by step with
  // the target.
  const historyTarget = (history.column(setup.target) as { values: Float64Array }).values;
  const historyTimes = readTimes(history.column(setup.time), (row) =>
    Number.isNaN(historyTarget[row]!),
  ).values;
  const historyKeys = seriesColumns.length ? seriesKeys(history, seriesColumns) : null;
  const gaps = new Findings();
  for (const name of features) {
    const values = (history.column(name) as { values: Float64Array }).values;
    for (let row = 0; row < history.rowCount; row++) {
      if (!Number.isNaN(values[row]!) || Number.isNaN(historyTimes[row]!)) continue;
      const id = historyKeys ? historyKeys.ids[historyKeys.byRow[row]!]! : null;
      gaps.add(name, `${format(historyTimes[row]!)}${inSeries(id)}`);
    }
  }
  problems.push(
    ...gaps.messages(
      (name, where) =>
        `“${name}” has no value at ${where}: a known-in-advance feature needs a value wherever the target has one.`,
    ),
  );

  // Future: a row with every feature at each forecast step of each series.
  let futureTimes: Float64Array;
  try {
    // A row with neither a time nor any feature (a sheet's blank last lines) is passed over.
    futureTimes = readTimes(future.column(setup.time), (row) =>
      features.every((name) => isMissing(future.column(name), row)),
    ).values;
  } catch (error) {
    if (!(error instanceof TrainingError)) throw error;
    return { ok: false, problems: [...problems, `${futureName}: ${error.message}`] };
  }
  const futureKeys = seriesColumns.length ? seriesKeys(future, seriesColumns) : null;
  const rowsAt = new Map<string, number[]>();
  const offGrid: string[] = [];
  for (let row = 0; row < future.rowCount; row++) {
    if (Number.isNaN(futureTimes[row]!)) continue;
    const step = stepOf(axis, futureTimes[row]!, bucketed);
    if (step === null) {
      offGrid.push(`row ${row + 1} (${format(futureTimes[row]!)})`);
      continue;
    }
    const id = futureKeys ? futureKeys.ids[futureKeys.byRow[row]!]! : '';
    const key = `${id}\u0000${step}`;
    const rows = rowsAt.get(key);
    if (rows) rows.push(row);
    else rowsAt.set(key, [row]);
  }
  if (offGrid.length) {
    problems.push(
      `${futureName}: the times of ${listed(offGrid, offGrid.length)} are not on the ${axis.name} grid of the training rows.`,
    );
  }
  const missingRows = new Findings();
  const missingValues = new Findings();
  const featureValues = features.map(
    (name) => (future.column(name) as { values: Float64Array }).values,
  );
  for (const data of series) {
    const end = data.start + data.values.length;
    const steps = futureTimesOf(axis, data, horizon);
    for (let i = 0; i < horizon; i++) {
      const rows = rowsAt.get(`${data.id ?? ''}\u0000${end + i}`);
      const where = `${format(steps[i]!)}${inSeries(data.id)}`;
      if (!rows) {
        missingRows.add('', `${where} (step ${i + 1} of ${horizon})`);
        continue;
      }
      features.forEach((name, j) => {
        const values = featureValues[j]!;
        if (rows.every((row) => Number.isNaN(values[row]!))) missingValues.add(name, where);
      });
    }
  }
  problems.push(
    ...missingRows.messages(
      (_, where) =>
        `${futureName} have no row for ${where}: the features need their values at every one of the ${horizon} forecast steps.`,
    ),
    ...missingValues.messages(
      (name, where) => `${futureName} have no value of “${name}” at the forecast step ${where}.`,
    ),
  );
  return problems.length
    ? { ok: false, problems }
    : { ok: true, history, future, frequency: axis.frequency };
}

/** Whether a leaderboard entry's model reads the known-in-advance features. */
export function usesFeatures(
  entry: LeaderboardEntry,
  leaderboard: readonly LeaderboardEntry[],
): boolean {
  if (entry.members) {
    return entry.members.some((trial) => {
      const member = leaderboard.find((candidate) => candidate.trial === trial);
      return member !== undefined && !member.members && usesFeatures(member, leaderboard);
    });
  }
  if (entry.model === 'lagreg') return true;
  return entry.model === 'arima' && Array.isArray(entry.params.xreg);
}
