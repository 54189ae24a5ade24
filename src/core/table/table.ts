import {
  columnLength,
  numberColumn,
  stringColumn,
  takeColumn,
  valueAt,
  type Column,
  type LogicalType,
  NUMBER_TYPES,
} from './column';

export class TableError extends Error {
  override readonly name = 'TableError';
  constructor(
    message: string,
    readonly where?: string,
  ) {
    super(message);
  }
}

export type Row = Record<string, number | string | boolean | null | undefined>;

/** An immutable columnar table: the shape every dataset, featurizer and learner works on. */
export class Table {
  readonly rowCount: number;
  private readonly byName: Map<string, Column>;

  constructor(readonly columns: readonly Column[]) {
    this.rowCount = columns.length ? columnLength(columns[0] as Column) : 0;
    this.byName = new Map();
    for (const column of columns) {
      if (this.byName.has(column.name)) {
        throw new TableError(`Two columns are named “${column.name}”.`, column.name);
      }
      if (columnLength(column) !== this.rowCount) {
        throw new TableError(
          `Column “${column.name}” has ${columnLength(column)} rows; the table has ${this.rowCount}.`,
          column.name,
        );
      }
      this.byName.set(column.name, column);
    }
  }

  get names(): string[] {
    return this.columns.map((column) => column.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  column(name: string): Column {
    const column = this.byName.get(name);
    if (!column) {
      throw new TableError(
        `There is no column “${name}”. Columns: ${this.names.join(', ') || '(none)'}.`,
        name,
      );
    }
    return column;
  }

  select(names: readonly string[]): Table {
    return new Table(names.map((name) => this.column(name)));
  }

  drop(names: readonly string[]): Table {
    const dropped = new Set(names);
    names.forEach((name) => this.column(name));
    return new Table(this.columns.filter((column) => !dropped.has(column.name)));
  }

  withColumn(column: Column): Table {
    const rest = this.columns.filter((existing) => existing.name !== column.name);
    return new Table([...rest, column]);
  }

  /** The rows at the given indices, in that order (indices may repeat: bootstrap samples). */
  take(rows: ArrayLike<number>): Table {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      if (!(row >= 0 && row < this.rowCount) || !Number.isInteger(row)) {
        throw new TableError(`Row index ${row} is outside 0…${this.rowCount - 1}.`, `row ${row}`);
      }
    }
    return new Table(this.columns.map((column) => takeColumn(column, rows)));
  }

  /** A row as an object without a prototype, so a column named `__proto__` is just a key. */
  row(index: number): Record<string, number | string | null> {
    const out: Record<string, number | string | null> = Object.create(null);
    for (const column of this.columns) out[column.name] = valueAt(column, index);
    return out;
  }

  toRows(): Record<string, number | string | null>[] {
    return Array.from({ length: this.rowCount }, (_, index) => this.row(index));
  }

  /**
   * Builds a table from plain rows. A column whose present values are all numbers (or booleans)
   * becomes numeric; anything else becomes categorical text. `types` overrides per column.
   */
  static fromRows(rows: readonly Row[], types: Record<string, LogicalType> = {}): Table {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      for (const name of Object.keys(row)) {
        if (!seen.has(name)) {
          seen.add(name);
          names.push(name);
        }
      }
    }
    return new Table(
      names.map((name) => {
        const values = rows.map((row) => row[name]);
        const present = values.filter((value) => value !== null && value !== undefined);
        const type =
          types[name] ??
          (present.every((value) => typeof value === 'number')
            ? 'numeric'
            : present.every((value) => typeof value === 'boolean')
              ? 'boolean'
              : 'categorical');
        if (NUMBER_TYPES.includes(type)) {
          return numberColumn(
            name,
            values.map((value, row) => {
              if (value === null || value === undefined) return null;
              if (typeof value === 'boolean') return value ? 1 : 0;
              const number = typeof value === 'number' ? value : Number(value);
              if (typeof value === 'string' && (value.trim() === '' || Number.isNaN(number))) {
                throw new TableError(
                  `Row ${row + 1}, column “${name}”: “${value}” is not a number.`,
                  `${row + 1}:${name}`,
                );
              }
              return number;
            }),
            type as 'numeric',
          );
        }
        return stringColumn(
          name,
          values.map((value) => (value === null || value === undefined ? null : String(value))),
          type as 'categorical',
        );
      }),
    );
  }
}
