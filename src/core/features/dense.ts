import { TrainingError } from '../errors/training-error';
import type { Matrix } from '../learners/types';
import {
  columnLength,
  isNumberColumn,
  type Column,
  type NumberColumn,
  type StringColumn,
} from '../table';
import type { FittedTransformer } from './types';

/** The most memory a dense feature matrix may take unless the caller allows more. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

export const formatCount = (count: number) => count.toLocaleString('en-US');

/** Advice on shrinking a step, given how many output columns it could have and still fit. */
export type SizeAdvice = (room: number) => string;

export const dropColumnsAdvice: SizeAdvice = () => 'Drop some columns or use fewer rows.';

/**
 * Throws a `too-large` error naming `where` when a dense `rows × cols` float32 matrix would
 * exceed `maxBytes`; `ownCols` of the columns are that step's, which the advice may shrink.
 */
export function checkDenseSize(
  rows: number,
  cols: number,
  where: string,
  advise: SizeAdvice,
  maxBytes = DEFAULT_MAX_BYTES,
  ownCols = cols,
) {
  const bytes = rows * cols * Float32Array.BYTES_PER_ELEMENT;
  if (bytes > maxBytes) {
    const room =
      Math.floor(maxBytes / Float32Array.BYTES_PER_ELEMENT / Math.max(1, rows)) - (cols - ownCols);
    throw new TrainingError(
      'too-large',
      `The features of “${where}” would take ${formatBytes(bytes)} (${formatCount(rows)} rows × ` +
        `${formatCount(cols)} columns), over the ${formatBytes(maxBytes)} limit. ` +
        (room >= 1 ? advise(room) : dropColumnsAdvice(room)),
      where,
    );
  }
}

/** Allocates the zero-filled output of one transformer and lets it write its columns. */
export function transformToMatrix(
  transformer: FittedTransformer,
  input: Column,
  advise: SizeAdvice = dropColumnsAdvice,
  maxBytes = DEFAULT_MAX_BYTES,
): Matrix {
  const rows = columnLength(input);
  const cols = transformer.outputNames.length;
  checkDenseSize(rows, cols, transformer.column, advise, maxBytes);
  const data = new Float32Array(rows * cols);
  transformer.write(input, data, cols, 0);
  return { rows, cols, data };
}

export function numberInput(input: Column, step: string): NumberColumn {
  if (!isNumberColumn(input)) {
    throw new TrainingError(
      'invalid-input',
      `${step} needs numbers, but column “${input.name}” holds ${input.type} values.`,
      input.name,
    );
  }
  return input;
}

export function stringInput(input: Column, step: string): StringColumn {
  if (isNumberColumn(input)) {
    throw new TrainingError(
      'invalid-input',
      `${step} needs text or categories, but column “${input.name}” holds ${input.type} values.`,
      input.name,
    );
  }
  return input;
}
