import { Table, isNumberColumn } from '../../table';
import { PrepareError } from './errors';
import type { PrepareStep } from './steps';
import { requireColumns } from './table-utils';

type NormalizeStep = Extract<PrepareStep, { kind: 'normalize' }>;

/**
 * Rescales number columns in place: z-score (mean 0, standard deviation 1, the population
 * deviation as scikit-learn's StandardScaler uses) or min-max (to [0, 1]). A constant column
 * becomes all 0 rather than a division by zero; missing values stay missing.
 */
export function normalizeColumns(table: Table, step: NormalizeStep): Table {
  requireColumns(table, step.columns, 'Normalize');
  const chosen = new Set(step.columns);
  return new Table(
    table.columns.map((column) => {
      if (!chosen.has(column.name)) return column;
      if (!isNumberColumn(column) || column.type === 'datetime') {
        throw new PrepareError(
          'wrong-type',
          `Normalize: “${column.name}” is ${column.type}; only number columns can be normalized.`,
          { column: column.name },
        );
      }
      const { values } = column;
      let count = 0;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < values.length; i++) {
        const value = values[i] as number;
        if (value !== value) continue;
        count++;
        sum += value;
        if (value < min) min = value;
        if (value > max) max = value;
      }
      let center = min;
      let scale = max - min;
      if (step.method === 'z-score') {
        center = count ? sum / count : 0;
        let squares = 0;
        for (let i = 0; i < values.length; i++) {
          const value = values[i] as number;
          if (value === value) squares += (value - center) * (value - center);
        }
        scale = count ? Math.sqrt(squares / count) : 0;
      }
      if (!(scale > 0)) scale = 1;
      const scaled = values.map((value) => (value - center) / scale);
      return { name: column.name, type: 'numeric' as const, values: scaled };
    }),
  );
}
