import { parquetWriteBuffer } from 'hyparquet-writer';
import Papa from 'papaparse';
import { isNumberColumn, type Column, type Table } from '../table';

/**
 * A cell a spreadsheet would run as a formula: it starts with = + - @ or a tab or carriage
 * return (OWASP's list for CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export interface CsvExportOptions {
  /** Prefix text cells that a spreadsheet would run as a formula with a `'` (default true). */
  readonly formulaSafe?: boolean;
  readonly delimiter?: string;
}

const DAY_MS = 86_400_000;

/** Datetimes as ISO 8601: a date alone when every value is at midnight UTC. */
function datetimeFormatter(values: Float64Array): (value: number) => string {
  const datesOnly = values.every((value) => Number.isNaN(value) || value % DAY_MS === 0);
  return datesOnly
    ? (value) => new Date(value).toISOString().slice(0, 10)
    : (value) => new Date(value).toISOString();
}

function cellWriter(column: Column, formulaSafe: boolean): (row: number) => string {
  if (isNumberColumn(column)) {
    const { values } = column;
    if (column.type === 'boolean') {
      return (row) => {
        const value = values[row] as number;
        return Number.isNaN(value) ? '' : value ? 'true' : 'false';
      };
    }
    if (column.type === 'datetime') {
      const format = datetimeFormatter(values);
      return (row) => {
        const value = values[row] as number;
        return Number.isNaN(value) ? '' : format(value);
      };
    }
    return (row) => {
      const value = values[row] as number;
      return Number.isNaN(value) ? '' : String(value);
    };
  }
  const { codes, dictionary } = column;
  const safe = dictionary.map((text) =>
    formulaSafe && FORMULA_START.test(text) ? `'${text}` : text,
  );
  return (row) => {
    const code = codes[row] as number;
    return code < 0 ? '' : (safe[code] as string);
  };
}

/**
 * The table as CSV text (RFC 4180 quoting, `\n` line ends, a header row). Missing values are
 * empty cells; text that a spreadsheet would evaluate is neutralised unless asked otherwise.
 */
export function tableToCsv(table: Table, options: CsvExportOptions = {}): string {
  const formulaSafe = options.formulaSafe ?? true;
  const writers = table.columns.map((column) => cellWriter(column, formulaSafe));
  const header = table.names.map((name) =>
    formulaSafe && FORMULA_START.test(name) ? `'${name}` : name,
  );
  const data: string[][] = new Array(table.rowCount);
  for (let row = 0; row < table.rowCount; row++) {
    data[row] = writers.map((write) => write(row));
  }
  return `${Papa.unparse(
    { fields: header, data },
    { newline: '\n', delimiter: options.delimiter ?? ',', quotes: false, escapeFormulae: false },
  )}\n`;
}

type ParquetColumn = Parameters<typeof parquetWriteBuffer>[0]['columnData'][number];

function parquetColumn(column: Column): ParquetColumn {
  if (isNumberColumn(column)) {
    const missing = (value: number) => Number.isNaN(value);
    const { values } = column;
    switch (column.type) {
      case 'boolean':
        return {
          name: column.name,
          type: 'BOOLEAN',
          data: Array.from(values, (value) => (missing(value) ? null : value !== 0)),
        };
      case 'datetime':
        return {
          name: column.name,
          type: 'TIMESTAMP',
          data: Array.from(values, (value) => (missing(value) ? null : Math.round(value))),
        };
      case 'integer': {
        const fits = values.every(
          (value) => missing(value) || (value >= -(2 ** 31) && value < 2 ** 31),
        );
        if (fits) {
          return {
            name: column.name,
            type: 'INT32',
            data: Array.from(values, (value) => (missing(value) ? null : value)),
          };
        }
        break;
      }
      default:
        break;
    }
    return {
      name: column.name,
      type: 'DOUBLE',
      data: Array.from(values, (value) => (missing(value) ? null : value)),
    };
  }
  const { codes, dictionary } = column;
  return {
    name: column.name,
    type: 'STRING',
    data: Array.from(codes, (code) => (code < 0 ? null : (dictionary[code] as string))),
  };
}

/** The table as an Apache Parquet file, with each column's type kept. */
export function tableToParquet(table: Table): Uint8Array {
  const buffer = parquetWriteBuffer({ columnData: table.columns.map(parquetColumn) });
  return new Uint8Array(buffer);
}
