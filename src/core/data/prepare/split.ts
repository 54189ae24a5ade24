import { holdout, stratifiedHoldout, testRowCount } from '../../evaluation/holdout';
import { shuffleInPlace, type Split } from '../../evaluation/split';
import { TrainingError } from '../../errors/training-error';
import { seededRandom } from '../../random';
import { isNumberColumn, type Column, type Table } from '../../table';
import { allRows, sortRows } from '../query';
import { PrepareError } from './errors';
import type { PrepareStep } from './steps';
import { requireColumns, takeRows } from './table-utils';

type SplitStep = Extract<PrepareStep, { kind: 'split' }>;

/** Dense group numbers per row, in order of first appearance; a missing value is a group too. */
function groupCodes(column: Column): { codes: Int32Array; names: string[] } {
  const names: string[] = [];
  if (!isNumberColumn(column)) {
    // Categories map to groups through their codes: one lookup per row, no strings.
    const groupOfCode = new Int32Array(column.dictionary.length + 1).fill(-1);
    const codes = new Int32Array(column.codes.length);
    for (let row = 0; row < codes.length; row++) {
      const slot = (column.codes[row] as number) + 1;
      let group = groupOfCode[slot] as number;
      if (group < 0) {
        group = names.length;
        groupOfCode[slot] = group;
        names.push(slot === 0 ? '(missing)' : (column.dictionary[slot - 1] as string));
      }
      codes[row] = group;
    }
    return { codes, names };
  }
  const codes = new Int32Array(column.values.length);
  const index = new Map<number, number>();
  let missingGroup = -1;
  for (let row = 0; row < codes.length; row++) {
    const value = column.values[row] as number;
    if (value !== value) {
      if (missingGroup < 0) {
        missingGroup = names.length;
        names.push('(missing)');
      }
      codes[row] = missingGroup;
      continue;
    }
    let group = index.get(value);
    if (group === undefined) {
      group = names.length;
      index.set(value, group);
      names.push(String(value));
    }
    codes[row] = group;
  }
  return { codes, names };
}

function byTime(table: Table, column: Column, testSize: number): Split {
  if (!isNumberColumn(column) || column.type === 'boolean') {
    throw new PrepareError(
      'wrong-type',
      `Split by time: “${column.name}” is ${column.type}; choose a date or number column.`,
      { column: column.name },
    );
  }
  const missing = column.values.reduce((count, value) => count + (value !== value ? 1 : 0), 0);
  if (missing > 0) {
    throw new PrepareError(
      'invalid-step',
      `Split by time: “${column.name}” is missing in ${missing.toLocaleString('en-US')} rows; every row needs a time (drop or fill them first).`,
      { column: column.name },
    );
  }
  const rows = table.rowCount;
  const testCount = testRowCount(rows, testSize);
  const order = sortRows(table, allRows(rows), [{ column: column.name, direction: 'asc' }]);
  const isTest = new Uint8Array(rows);
  for (let k = rows - testCount; k < rows; k++) isTest[order[k] as number] = 1;
  return splitFromMask(isTest);
}

function byGroup(column: Column, testSize: number, seed: number): Split {
  const { codes, names } = groupCodes(column);
  const groups = names.length;
  if (groups < 2) {
    throw new PrepareError(
      'invalid-step',
      `Split by group: “${column.name}” has a single group; test and train would share it.`,
      { column: column.name },
    );
  }
  const testGroups =
    testSize > 0 && testSize < 1
      ? Math.min(groups - 1, Math.max(1, Math.ceil(testSize * groups)))
      : testSize;
  if (!Number.isInteger(testGroups) || testGroups < 1 || testGroups >= groups) {
    throw new PrepareError(
      'invalid-step',
      `Split by group: the test size must be a fraction of the ${groups} groups or a whole number of groups below ${groups}.`,
    );
  }
  const order = shuffleInPlace(allRows(groups), seededRandom(seed));
  const inTest = new Uint8Array(groups);
  for (let k = 0; k < testGroups; k++) inTest[order[k] as number] = 1;
  const isTest = new Uint8Array(codes.length);
  for (let row = 0; row < codes.length; row++) isTest[row] = inTest[codes[row] as number] as number;
  return splitFromMask(isTest);
}

function splitFromMask(isTest: Uint8Array): Split {
  const train: number[] = [];
  const test: number[] = [];
  isTest.forEach((flag, row) => (flag ? test : train).push(row));
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

function splitRows(table: Table, step: SplitStep): Split {
  const rng = seededRandom(step.seed);
  if (step.method === 'random') {
    return holdout(table.rowCount, { testSize: step.testSize, rng })[0];
  }
  if (!step.column) {
    throw new PrepareError('invalid-step', `A ${step.method} split needs a column.`);
  }
  requireColumns(table, [step.column], 'Split train/test');
  const column = table.column(step.column);
  if (step.method === 'time') return byTime(table, column, step.testSize);
  if (step.method === 'group') return byGroup(column, step.testSize, step.seed);
  const { codes, names } = groupCodes(column);
  if (names.length > Math.max(2, table.rowCount / 2)) {
    throw new PrepareError(
      'invalid-step',
      `Stratified split: “${column.name}” has ${names.length.toLocaleString('en-US')} distinct values; stratify by a class column.`,
      { column: column.name },
    );
  }
  return stratifiedHoldout(codes, names, { testSize: step.testSize, rng })[0];
}

/**
 * Splits rows into a training and a test table: at random, stratified (each class keeps its
 * share on both sides), by time (the latest rows are the test set) or by group (all rows of a
 * group land on one side). Each side keeps the original row order.
 */
export function splitTable(table: Table, step: SplitStep): { train: Table; test: Table } {
  let split: Split;
  try {
    split = splitRows(table, step);
  } catch (error) {
    if (error instanceof TrainingError) {
      throw new PrepareError('invalid-step', `Split train/test: ${error.message}`, {
        ...(step.column ? { column: step.column } : {}),
      });
    }
    throw error;
  }
  if (split.train.length === 0 || split.test.length === 0) {
    throw new PrepareError('empty-result', 'Split train/test: one side would be empty.');
  }
  return { train: takeRows(table, split.train), test: takeRows(table, split.test) };
}
