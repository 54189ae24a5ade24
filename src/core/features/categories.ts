import type { StringColumn } from '../table';

/** Rows per dictionary code, and the number of rows with a missing value. */
export function codeCounts(column: StringColumn): { counts: Int32Array; missing: number } {
  const counts = new Int32Array(column.dictionary.length);
  let missing = 0;
  const codes = column.codes;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code < 0) missing++;
    else counts[code] = (counts[code] as number) + 1;
  }
  return { counts, missing };
}

export interface ObservedCategories {
  /** Categories that occur in at least one row, sorted by UTF-16 code units. */
  readonly categories: string[];
  /** Rows per category, aligned with `categories`. */
  readonly counts: Float64Array;
  readonly missing: number;
}

/**
 * The categories a column actually holds: dictionary entries without rows (left behind by a row
 * selection) are not categories the data has seen.
 */
export function observedCategories(column: StringColumn): ObservedCategories {
  const { counts: codeRows, missing } = codeCounts(column);
  const rowsByCategory = new Map<string, number>();
  for (let code = 0; code < codeRows.length; code++) {
    const rows = codeRows[code] as number;
    if (rows === 0) continue;
    const category = column.dictionary[code] as string;
    rowsByCategory.set(category, (rowsByCategory.get(category) ?? 0) + rows);
  }
  const categories = [...rowsByCategory.keys()].sort();
  const counts = new Float64Array(categories.length);
  categories.forEach((category, index) => (counts[index] = rowsByCategory.get(category) as number));
  return { categories, counts, missing };
}

export function categoryIndex(categories: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  categories.forEach((category, position) => index.set(category, position));
  return index;
}

/** For each dictionary code of `column`, the position of its category in `index`, or -1. */
export function lookupCodes(column: StringColumn, index: ReadonlyMap<string, number>): Int32Array {
  const lookup = new Int32Array(column.dictionary.length);
  for (let code = 0; code < lookup.length; code++) {
    lookup[code] = index.get(column.dictionary[code] as string) ?? -1;
  }
  return lookup;
}
