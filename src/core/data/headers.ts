import type { ImportWarning } from './types';

export interface CleanHeaders {
  readonly names: string[];
  readonly warnings: ImportWarning[];
}

const quoteName = (name: string) => `“${name}”`;

/**
 * Makes column names usable: surrounding spaces trimmed, empty names become `column_N` (N is the
 * 1-based position), and repeats become `name_2`, `name_3`… skipping names taken anywhere in the
 * header. Names are only ever used as Map keys, so `__proto__` or `constructor` are plain names.
 */
export function cleanHeaders(raw: readonly string[]): CleanHeaders {
  const trimmed = raw.map((name) => name.trim());
  const taken = new Set(trimmed.filter((name) => name !== ''));
  const used = new Set<string>();
  const names: string[] = [];
  const renamed: string[] = [];
  const unnamed: number[] = [];
  trimmed.forEach((name, i) => {
    let base = name;
    if (base === '') {
      base = `column_${i + 1}`;
      unnamed.push(i + 1);
    }
    let unique = base;
    if (used.has(unique) || (name === '' && taken.has(unique))) {
      let suffix = 2;
      while (used.has(`${base}_${suffix}`) || taken.has(`${base}_${suffix}`)) suffix++;
      unique = `${base}_${suffix}`;
      if (name !== '') renamed.push(`${quoteName(name)} → ${quoteName(unique)}`);
    }
    used.add(unique);
    names.push(unique);
  });
  const warnings: ImportWarning[] = [];
  if (renamed.length > 0) {
    warnings.push({
      code: 'renamed-headers',
      message: `Repeated column names were made unique: ${renamed.slice(0, 5).join(', ')}${renamed.length > 5 ? ` and ${renamed.length - 5} more` : ''}.`,
    });
  }
  if (unnamed.length > 0) {
    warnings.push({
      code: 'renamed-headers',
      message: `Columns without a name were called column_N after their position: ${unnamed
        .slice(0, 5)
        .map((position) => `column_${position}`)
        .join(', ')}${unnamed.length > 5 ? ` and ${unnamed.length - 5} more` : ''}.`,
    });
  }
  return { names, warnings };
}

/** Names for a file without a header row: column_1, column_2, … */
export const positionalNames = (count: number) =>
  Array.from({ length: count }, (_, i) => `column_${i + 1}`);
