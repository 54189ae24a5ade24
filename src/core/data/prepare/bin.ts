import { Table, isNumberColumn, type StringColumn } from '../../table';
import { formatDatetime } from '../datetime-text';
import { quantileSorted } from '../profile/numeric';
import { PrepareError } from './errors';
import type { PrepareStep } from './steps';
import { checkName, requireColumns, uniqueName } from './table-utils';

type BinStep = Extract<PrepareStep, { kind: 'bin' }>;

export const MAX_BINS = 1000;

/** The edges' texts with just enough significant digits to tell neighbours apart. */
function edgeLabels(edges: readonly number[], datetime: boolean): string[] {
  if (datetime) return edges.map(formatDatetime);
  for (let digits = 3; digits < 17; digits++) {
    const labels = edges.map((edge) => String(Number(edge.toPrecision(digits))));
    if (new Set(labels).size === labels.length) return labels;
  }
  return edges.map(String);
}

function binEdges(sorted: Float64Array, method: BinStep['method'], bins: number): number[] {
  const min = sorted[0] as number;
  const max = sorted[sorted.length - 1] as number;
  if (min === max) return [min, max];
  const edges =
    method === 'quantile'
      ? Array.from({ length: bins + 1 }, (_, i) => quantileSorted(sorted, i / bins))
      : Array.from({ length: bins + 1 }, (_, i) =>
          i === bins ? max : min + ((max - min) * i) / bins,
        );
  // Heavy ties make quantile edges repeat; equal edges would make empty bins.
  return edges.filter((edge, i) => i === 0 || edge > (edges[i - 1] as number));
}

/**
 * Adds a categorical column that says which interval each value falls in: `bins` of equal width,
 * or of equal counts (quantiles; fewer when ties make edges coincide). Intervals are [a, b), the
 * last [a, b]; categories are in interval order; missing values stay missing.
 */
export function binColumn(table: Table, step: BinStep): Table {
  requireColumns(table, [step.column], 'Bin a column');
  const column = table.column(step.column);
  if (!isNumberColumn(column) || column.type === 'boolean') {
    throw new PrepareError(
      'wrong-type',
      `Bin a column: “${step.column}” is ${column.type}; only numbers and dates can be binned.`,
      { column: step.column },
    );
  }
  if (!Number.isInteger(step.bins) || step.bins < 2 || step.bins > MAX_BINS) {
    throw new PrepareError(
      'invalid-step',
      `Bin a column: the number of bins must be a whole number from 2 to ${MAX_BINS}.`,
    );
  }
  let presentCount = 0;
  for (const value of column.values) if (value === value) presentCount++;
  const present = new Float64Array(presentCount);
  presentCount = 0;
  for (const value of column.values) if (value === value) present[presentCount++] = value;
  present.sort();
  if (present.length === 0) {
    throw new PrepareError('empty-result', `Bin a column: “${step.column}” has no values.`, {
      column: step.column,
    });
  }
  const edges = binEdges(present, step.method, step.bins);
  const labels = edgeLabels(edges, column.type === 'datetime');
  const count = Math.max(1, edges.length - 1);
  const dictionary =
    edges.length < 2 || edges[0] === edges[1]
      ? [`[${labels[0]}, ${labels[0]}]`]
      : Array.from(
          { length: count },
          (_, i) => `[${labels[i]}, ${labels[i + 1]}${i === count - 1 ? ']' : ')'}`,
        );
  const codes = new Int32Array(column.values.length);
  column.values.forEach((value, row) => {
    if (value !== value) {
      codes[row] = -1;
      return;
    }
    let low = 0;
    let high = count - 1;
    // The last bin whose lower edge is ≤ value.
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if ((edges[mid] as number) <= value) low = mid;
      else high = mid - 1;
    }
    codes[row] = low;
  });
  const name = step.name
    ? checkName(step.name, 'Bin a column')
    : uniqueName(new Set(table.names), `${step.column}_bin`);
  const binned: StringColumn = { name, type: 'categorical', codes, dictionary };
  if (table.has(name)) {
    return new Table(table.columns.map((existing) => (existing.name === name ? binned : existing)));
  }
  const at = table.names.indexOf(step.column) + 1;
  return new Table([...table.columns.slice(0, at), binned, ...table.columns.slice(at)]);
}
