import type { LogicalType } from '../table';
import {
  DEFAULT_LIMITS,
  type ImportError,
  type ImportLimits,
  type ImportOptions,
  type ImportWarning,
  type TypeOverrides,
} from './types';

const LOGICAL_TYPES: ReadonlySet<string> = new Set([
  'numeric',
  'integer',
  'boolean',
  'datetime',
  'categorical',
  'text',
  'image',
]);

const overrideEntries = (types: TypeOverrides | undefined): [string, unknown][] => {
  if (!types) return [];
  if (types instanceof Map) return [...types.entries()];
  return Object.keys(types).map((name) => [name, (types as Record<string, unknown>)[name]]);
};

/** The type the user chose for a column; own keys only, so `constructor` is just a name. */
export function overrideFor(
  types: TypeOverrides | undefined,
  name: string,
): LogicalType | undefined {
  if (!types) return undefined;
  if (types instanceof Map) return types.get(name);
  const record = types as Readonly<Record<string, LogicalType | undefined>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

export function resolveLimits(limits: Partial<ImportLimits> | undefined): ImportLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}

/** Checks the options every format shares; an invalid one is reported like bad input. */
export function checkImportOptions(options: ImportOptions): ImportError | null {
  for (const [name, type] of overrideEntries(options.types)) {
    if (type !== undefined && (typeof type !== 'string' || !LOGICAL_TYPES.has(type))) {
      return {
        code: 'invalid-options',
        message: `Column “${name}”: “${String(type)}” is not a type. Types: ${[...LOGICAL_TYPES].join(', ')}.`,
        column: name,
      };
    }
  }
  const encoding = options.encoding ?? 'auto';
  if (!['auto', 'utf-8', 'latin1'].includes(encoding)) {
    return {
      code: 'invalid-options',
      message: `“${String(encoding)}” is not an encoding this importer reads: use auto, utf-8 or latin1.`,
    };
  }
  if (options.dateOrder !== undefined && !['dmy', 'mdy'].includes(options.dateOrder)) {
    return { code: 'invalid-options', message: 'The date order must be “dmy” or “mdy”.' };
  }
  const limits = resolveLimits(options.limits);
  for (const [key, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && value > 0)) {
      return { code: 'invalid-options', message: `The limit ${key} must be a positive number.` };
    }
  }
  return null;
}

/** Overrides that name no column are probably typos: say so rather than ignore them. */
export function unknownOverrideWarnings(
  types: TypeOverrides | undefined,
  names: readonly string[],
): ImportWarning[] {
  const present = new Set(names);
  return overrideEntries(types)
    .filter(([name, type]) => type !== undefined && !present.has(name))
    .map(([name]) => ({
      code: 'unknown-override' as const,
      message: `A type was chosen for column “${name}”, but there is no such column.`,
      column: name,
    }));
}

export const isAborted = (signal: AbortSignal | undefined) => signal?.aborted === true;
