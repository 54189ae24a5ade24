import {
  Table,
  isNumberColumn,
  type Column,
  type NumberColumn,
  type StringColumn,
} from '../../table';
import { parseDictionaryDates } from '../datetime-text';
import { parseNumberText } from '../number-text';
import { quantileSorted } from '../profile/numeric';
import { PrepareError, quote } from './errors';
import type { PrepareStep } from './steps';
import { requireColumns, takeRows, uniqueName } from './table-utils';

type CleanMissingStep = Extract<PrepareStep, { kind: 'clean-missing' }>;

function presentValues(values: Float64Array): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) count++;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value === value) out[k++] = value;
  }
  return out;
}

function numberMode(values: Float64Array): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value === value) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  let best = NaN;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

const BOOLEAN_TEXT: Record<string, number> = { true: 1, false: 0, yes: 1, no: 0, '1': 1, '0': 0 };

/** The fill value for a number column, read from what the user typed. */
function numberConstant(column: NumberColumn, value: string | number): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  const parsed =
    column.type === 'boolean'
      ? (BOOLEAN_TEXT[text.toLowerCase()] ?? NaN)
      : column.type === 'datetime'
        ? (() => {
            const dates = parseDictionaryDates([text]);
            return dates.kind === 'dates' ? (dates.epochs[0] as number) : NaN;
          })()
        : parseNumberText(text);
  if (Number.isNaN(parsed)) {
    throw new PrepareError(
      'conversion',
      `Clean missing values: ${quote(text)} is not ${column.type === 'boolean' ? 'true or false' : column.type === 'datetime' ? 'a date' : 'a number'}, so it cannot fill column “${column.name}”.`,
      { column: column.name, value: text },
    );
  }
  return parsed;
}

function fillNumbers(column: NumberColumn, step: CleanMissingStep): NumberColumn {
  const { name, type } = column;
  let fill: number;
  if (step.strategy === 'constant') {
    fill = numberConstant(column, step.value ?? '');
  } else {
    if ((step.strategy === 'mean' || step.strategy === 'median') && type === 'boolean') {
      throw new PrepareError(
        'wrong-type',
        `Clean missing values: column “${name}” is true/false; fill it with the mode or a constant.`,
        { column: name },
      );
    }
    const present = presentValues(column.values);
    if (present.length === 0) {
      throw new PrepareError(
        'empty-result',
        `Clean missing values: column “${name}” has no values to take the ${step.strategy} of.`,
        { column: name },
      );
    }
    if (step.strategy === 'mean') {
      let sum = 0;
      for (let i = 0; i < present.length; i++) sum += present[i] as number;
      fill = sum / present.length;
    } else if (step.strategy === 'median') {
      fill = quantileSorted(present.sort(), 0.5);
    } else {
      fill = numberMode(column.values);
    }
  }
  const values = column.values.map((value) => (value !== value ? fill : value));
  // A fractional mean or median turns whole numbers into plain numbers.
  const nextType = type === 'integer' && !Number.isInteger(fill) ? 'numeric' : type;
  return { name, type: nextType, values };
}

function fillStrings(column: StringColumn, step: CleanMissingStep): StringColumn {
  const { name, dictionary, codes } = column;
  let code: number;
  if (step.strategy === 'constant') {
    const text = String(step.value ?? '');
    const found = dictionary.indexOf(text);
    code = found >= 0 ? found : dictionary.length;
  } else if (step.strategy === 'mode') {
    const counts = new Float64Array(dictionary.length);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i] as number;
      if (c >= 0) counts[c] = (counts[c] as number) + 1;
    }
    code = -1;
    counts.forEach((count, c) => {
      if (count > 0 && (code < 0 || count > (counts[code] as number))) code = c;
    });
    if (code < 0) {
      throw new PrepareError(
        'empty-result',
        `Clean missing values: column “${name}” has no values to take the mode of.`,
        { column: name },
      );
    }
  } else {
    throw new PrepareError(
      'wrong-type',
      `Clean missing values: column “${name}” is ${column.type}; the ${step.strategy} needs numbers. Use the mode or a constant.`,
      { column: name },
    );
  }
  const nextDictionary =
    code === dictionary.length ? [...dictionary, String(step.value ?? '')] : dictionary;
  return {
    ...column,
    codes: codes.map((c) => (c < 0 ? code : c)),
    dictionary: nextDictionary,
  };
}

function missingIndicator(column: Column, name: string): NumberColumn {
  const values = new Float64Array(
    isNumberColumn(column) ? column.values.length : column.codes.length,
  );
  if (isNumberColumn(column)) column.values.forEach((v, i) => (values[i] = v !== v ? 1 : 0));
  else column.codes.forEach((c, i) => (values[i] = c < 0 ? 1 : 0));
  return { name, type: 'boolean', values };
}

/**
 * Drops the rows missing any of the columns, or fills each column's gaps with its mean, median,
 * mode or a constant, optionally adding a true/false column that remembers where the gaps were
 * (models can use it: a value's absence often says something).
 */
export function cleanMissing(table: Table, step: CleanMissingStep): Table {
  requireColumns(table, step.columns, 'Clean missing values');
  if (step.strategy === 'drop') {
    const columns = step.columns.map((name) => table.column(name));
    const kept: number[] = [];
    for (let row = 0; row < table.rowCount; row++) {
      const missing = columns.some((column) =>
        isNumberColumn(column)
          ? Number.isNaN(column.values[row])
          : (column.codes[row] as number) < 0,
      );
      if (!missing) kept.push(row);
    }
    return kept.length === table.rowCount ? table : takeRows(table, Int32Array.from(kept));
  }
  const chosen = new Set(step.columns);
  const taken = new Set(table.names);
  const out: Column[] = [];
  for (const column of table.columns) {
    if (!chosen.has(column.name)) {
      out.push(column);
      continue;
    }
    out.push(isNumberColumn(column) ? fillNumbers(column, step) : fillStrings(column, step));
    if (step.indicator) {
      const name = uniqueName(taken, `${column.name}_missing`);
      taken.add(name);
      out.push(missingIndicator(column, name));
    }
  }
  return new Table(out);
}
