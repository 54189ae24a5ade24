import { TrainingError } from '../../errors/training-error';
import { isNumberColumn, type Column, type LogicalType, type Table } from '../../table';
import { observedCategories } from '../categories';
import { JsonFields } from '../json';

export interface SchemaColumn {
  readonly name: string;
  readonly type: LogicalType;
  /** For categorical columns: the categories seen in training, sorted. */
  readonly categories?: readonly string[];
}

/** The columns a fitted pipeline reads, in output order. */
export interface InputSchema {
  readonly columns: readonly SchemaColumn[];
}

const LOGICAL_TYPES: readonly LogicalType[] = [
  'numeric',
  'integer',
  'boolean',
  'datetime',
  'categorical',
  'text',
  'image',
];

/**
 * Types a column may arrive as and still be read the same way: a batch of a few rows can be
 * inferred as integer instead of numeric, or as categorical instead of text.
 */
const compatibility: Record<LogicalType, string> = {
  numeric: 'number',
  integer: 'number',
  boolean: 'number',
  datetime: 'datetime',
  categorical: 'string',
  text: 'string',
  image: 'image',
};

export function schemaColumn(column: Column): SchemaColumn {
  if (column.type !== 'categorical') return { name: column.name, type: column.type };
  const categories = isNumberColumn(column) ? [] : observedCategories(column).categories;
  return { name: column.name, type: column.type, categories };
}

/** Throws a TrainingError naming the first column that is absent or of an incompatible type. */
export function validateTable(schema: InputSchema, table: Table) {
  for (const expected of schema.columns) {
    if (!table.has(expected.name)) {
      const names = schema.columns.map((column) => column.name);
      throw new TrainingError(
        'invalid-input',
        `The table has no column “${expected.name}”, which the features were fitted on ` +
          `(${names.join(', ')}).`,
        expected.name,
      );
    }
    const actual = table.column(expected.name);
    if (compatibility[actual.type] !== compatibility[expected.type]) {
      throw new TrainingError(
        'invalid-input',
        `Column “${expected.name}” holds ${actual.type} values; the features were fitted on ` +
          `${expected.type} values.`,
        expected.name,
      );
    }
  }
}

export function schemaFromJSON(json: unknown): InputSchema {
  const fields = JsonFields.of(json, 'input schema');
  const columns = fields.list('columns').map((item) => {
    const column = JsonFields.of(item, 'input schema column');
    const name = column.string('name');
    const type = column.oneOf('type', LOGICAL_TYPES);
    return column.has('categories')
      ? { name, type, categories: column.strings('categories') }
      : { name, type };
  });
  return { columns };
}
