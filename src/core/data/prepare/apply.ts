import type { Table } from '../../table';
import { binColumn } from './bin';
import { dropColumns, renameColumns, selectColumns } from './columns';
import { changeTypes } from './convert';
import { deriveColumn } from './derive';
import { PrepareError } from './errors';
import { joinTables } from './join';
import { cleanMissing } from './missing';
import { normalizeColumns } from './normalize';
import { filterByCondition, removeDuplicates, requireRows } from './rows';
import { sampleTable } from './sample';
import { splitTable } from './split';
import { STEP_TITLES, type PrepareStep } from './steps';

export type OutputRole = 'result' | 'train' | 'test';

export interface PrepareOutput {
  readonly role: OutputRole;
  readonly table: Table;
}

export interface PrepareContext {
  /** Other dataset versions a step reads (the right side of a join), by version id. */
  readonly tables?: ReadonlyMap<string, Table>;
}

/** The dataset versions a step reads besides its input. */
export function stepInputs(step: PrepareStep): string[] {
  return step.kind === 'join' ? [step.right.versionId] : [];
}

function single(table: Table, step: PrepareStep, context: PrepareContext): Table {
  switch (step.kind) {
    case 'select':
      return selectColumns(table, step.columns);
    case 'drop':
      return dropColumns(table, step.columns);
    case 'rename':
      return renameColumns(table, step.renames);
    case 'change-type':
      return changeTypes(table, step);
    case 'filter':
      return requireRows(filterByCondition(table, step.condition), 'The filter');
    case 'clean-missing':
      return requireRows(cleanMissing(table, step), 'Dropping rows with missing values');
    case 'dedupe':
      return removeDuplicates(table, step.columns);
    case 'derive':
      return deriveColumn(table, step.name, step.expression);
    case 'bin':
      return binColumn(table, step);
    case 'normalize':
      return normalizeColumns(table, step);
    case 'join': {
      const right = context.tables?.get(step.right.versionId);
      if (!right) {
        throw new PrepareError(
          'invalid-step',
          `Join: the table of ${step.right.label} was not provided.`,
        );
      }
      return requireRows(joinTables(table, right, step), 'The join');
    }
    case 'sample':
      return sampleTable(table, step.size, step.seed);
    case 'split':
      throw new PrepareError('invalid-step', 'A split has two outputs: use applyStep.');
  }
}

/**
 * Runs one step: pure, Table in and Table(s) out. Every step has one result except a split,
 * which gives a train and a test table. Failures are PrepareErrors saying what and where.
 */
export function applyStep(
  table: Table,
  step: PrepareStep,
  context: PrepareContext = {},
): PrepareOutput[] {
  if (!(step.kind in STEP_TITLES)) {
    throw new PrepareError('invalid-step', `There is no step “${String(step.kind)}”.`);
  }
  if (step.kind === 'split') {
    const { train, test } = splitTable(table, step);
    return [
      { role: 'train', table: train },
      { role: 'test', table: test },
    ];
  }
  return [{ role: 'result', table: single(table, step, context) }];
}

/** Runs steps one after another (a recipe); a split must come last. */
export function applySteps(
  table: Table,
  steps: readonly PrepareStep[],
  context: PrepareContext = {},
): PrepareOutput[] {
  let current = table;
  for (const [index, step] of steps.entries()) {
    const outputs = applyStep(current, step, context);
    if (index === steps.length - 1) return outputs;
    if (outputs.length !== 1) {
      throw new PrepareError(
        'invalid-step',
        `Step ${index + 1} (${STEP_TITLES[step.kind]}) splits the data, so it must be the last step.`,
      );
    }
    current = (outputs[0] as PrepareOutput).table;
  }
  return [{ role: 'result', table: current }];
}
