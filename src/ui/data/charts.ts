import { scaleLinear, scaleUtc, utcFormat } from 'd3';
import { allRows, type ColumnFilter } from '../../core/data/query';
import { isNumberColumn, type Column, type Table } from '../../core/table';
import { formatNumber, tickTexts } from './format';

/**
 * A row selection made in one chart: the filters that define it, so every other view (charts,
 * table) can apply them, and the chart that made it, which draws its own handle (a brush, a bar).
 */
export interface Selection {
  readonly source: 'scatter' | 'distribution' | 'box' | 'time';
  readonly label: string;
  readonly filters: readonly ColumnFilter[];
}

const rowIndexes = new WeakMap<Table, Int32Array>();

/**
 * The indices of all of a table's rows, made once per table and shared by its charts (four
 * copies of a million-row index would be 16 MB and a scan each). Read only: never sort, write
 * or transfer it.
 */
export function allRowsOf(table: Table): Int32Array {
  let rows = rowIndexes.get(table);
  if (!rows) rowIndexes.set(table, (rows = allRows(table.rowCount)));
  return rows;
}

/** Columns a scatter or time axis can use: numbers and dates. */
export const axisColumns = (table: Table) =>
  table.columns.filter((column) => isNumberColumn(column) && column.type !== 'boolean') as Extract<
    Column,
    { values: Float64Array }
  >[];

export const datetimeColumns = (table: Table) =>
  axisColumns(table).filter((column) => column.type === 'datetime');

/** `names` with the ID-like ones last: what charts offer first. */
export const preferNonId = (names: readonly string[], idLike: readonly string[]) => [
  ...names.filter((name) => !idLike.includes(name)),
  ...names.filter((name) => idLike.includes(name)),
];

/** Columns that group rows: categories and true/false, with at most `maxCategories` values. */
export function groupColumns(table: Table, maxCategories = 30): Column[] {
  return table.columns.filter((column) => {
    if (isNumberColumn(column)) return column.type === 'boolean';
    return column.type === 'categorical' && column.dictionary.length <= maxCategories;
  });
}

/** A linear or time scale for a column (or for counts: null), with tick texts that fit it. */
export function axisScale(
  column: Column | null,
  domain: [number, number],
  range: [number, number],
) {
  const [low, high] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  if (column?.type === 'datetime') {
    // Not rounded out: a decade's rounding would leave years of empty plot beside the data.
    const scale = scaleUtc().domain([low, high]).range(range);
    const ticks = scale.ticks(5);
    const spanDays = (high - low) / 86_400_000;
    const format = utcFormat(spanDays > 365 * 2 ? '%Y' : spanDays > 2 ? '%Y-%m-%d' : '%H:%M');
    return {
      scale: (value: number) => scale(value),
      invert: (pixel: number) => scale.invert(pixel).getTime(),
      ticks: ticks.map((tick) => ({ value: tick.getTime(), label: format(tick) })),
    };
  }
  const scale = scaleLinear().domain([low, high]).range(range).nice();
  return {
    scale: (value: number) => scale(value),
    invert: (pixel: number) => scale.invert(pixel),
    ticks: tickTexts(scale.ticks(5)).map(({ tick, text }) => ({ value: tick, label: text })),
  };
}

export type AxisScale = ReturnType<typeof axisScale>;

/** Reads a CSS custom property (the theme's colours) for drawing on a canvas. */
export function cssColor(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

/** A short text for a range filter's bounds. */
export function rangeLabel(column: Column, min: number, max: number): string {
  const text = (value: number) =>
    column.type === 'datetime' ? new Date(value).toISOString().slice(0, 10) : formatNumber(value);
  return `${column.name} ${text(min)} – ${text(max)}`;
}
