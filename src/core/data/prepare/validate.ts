import { PrepareError } from './errors';
import { STEP_TITLES, TARGET_TYPES, type PrepareStep, type PrepareStepKind } from './steps';

type Json = unknown;

const fail = (field: string, message: string): never => {
  throw new PrepareError('invalid-step', `Step field “${field}”: ${message}`);
};

const isRecord = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(value: Json, field: string): string {
  if (typeof value !== 'string') fail(field, 'must be text.');
  return value as string;
}

function number(value: Json, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'must be a number.');
  return value as number;
}

function texts(value: Json, field: string, allowEmpty = false): string[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    fail(field, allowEmpty ? 'must be a list of names.' : 'must name at least one column.');
  }
  return (value as Json[]).map((item, i) => text(item, `${field}[${i}]`));
}

function oneOf<T extends string>(value: Json, field: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !options.includes(value as T)) {
    fail(field, `must be one of ${options.join(', ')}.`);
  }
  return value as T;
}

const optional = <T>(value: Json, read: (value: Json) => T): T | undefined =>
  value === undefined ? undefined : read(value);

/**
 * Reads a step from untrusted JSON (a pipeline file, a message): every field is checked and
 * unknown fields are dropped, so what comes out is exactly a PrepareStep.
 */
export function parseStep(input: Json): PrepareStep {
  if (!isRecord(input)) throw new PrepareError('invalid-step', 'A step must be an object.');
  const kind = oneOf(input.kind, 'kind', Object.keys(STEP_TITLES) as PrepareStepKind[]);
  const f = input;
  switch (kind) {
    case 'select':
    case 'drop':
      return { kind, columns: texts(f.columns, 'columns') };
    case 'rename': {
      if (!Array.isArray(f.renames) || f.renames.length === 0) {
        fail('renames', 'must list at least one rename.');
      }
      return {
        kind,
        renames: (f.renames as Json[]).map((entry, i) => {
          if (!isRecord(entry)) fail(`renames[${i}]`, 'must be {from, to}.');
          const pair = entry as Record<string, Json>;
          return {
            from: text(pair.from, `renames[${i}].from`),
            to: text(pair.to, `renames[${i}].to`),
          };
        }),
      };
    }
    case 'change-type': {
      if (!Array.isArray(f.changes) || f.changes.length === 0) {
        fail('changes', 'must list at least one column and its new type.');
      }
      const missing = optional(f.missing, (value) => texts(value, 'missing', true));
      const dateOrder = optional(f.dateOrder, (value) =>
        oneOf(value, 'dateOrder', ['dmy', 'mdy'] as const),
      );
      const dateUnit = optional(f.dateUnit, (value) =>
        oneOf(value, 'dateUnit', [
          'epoch-ms',
          'epoch-s',
          'year',
          'yyyymmdd',
          'yyyymm',
          'excel',
        ] as const),
      );
      return {
        kind,
        changes: (f.changes as Json[]).map((entry, i) => {
          if (!isRecord(entry)) fail(`changes[${i}]`, 'must be {column, type}.');
          const change = entry as Record<string, Json>;
          return {
            column: text(change.column, `changes[${i}].column`),
            type: oneOf(change.type, `changes[${i}].type`, TARGET_TYPES),
          };
        }),
        ...(missing ? { missing } : {}),
        ...(dateOrder ? { dateOrder } : {}),
        ...(dateUnit ? { dateUnit } : {}),
      };
    }
    case 'filter':
      return { kind, condition: text(f.condition, 'condition') };
    case 'clean-missing': {
      const strategy = oneOf(f.strategy, 'strategy', [
        'drop',
        'mean',
        'median',
        'mode',
        'constant',
      ] as const);
      const value = optional(f.value, (value) =>
        typeof value === 'number' ? number(value, 'value') : text(value, 'value'),
      );
      if (strategy === 'constant' && value === undefined) fail('value', 'is needed to fill with.');
      return {
        kind,
        columns: texts(f.columns, 'columns'),
        strategy,
        ...(value === undefined ? {} : { value }),
        ...(f.indicator === undefined ? {} : { indicator: f.indicator === true }),
      };
    }
    case 'dedupe': {
      const columns = optional(f.columns, (value) => texts(value, 'columns', true));
      return columns?.length ? { kind, columns } : { kind };
    }
    case 'derive':
      return { kind, name: text(f.name, 'name'), expression: text(f.expression, 'expression') };
    case 'bin': {
      const name = optional(f.name, (value) => text(value, 'name'));
      return {
        kind,
        column: text(f.column, 'column'),
        method: oneOf(f.method, 'method', ['equal-width', 'quantile'] as const),
        bins: number(f.bins, 'bins'),
        ...(name ? { name } : {}),
      };
    }
    case 'normalize':
      return {
        kind,
        columns: texts(f.columns, 'columns'),
        method: oneOf(f.method, 'method', ['z-score', 'min-max'] as const),
      };
    case 'join': {
      if (!isRecord(f.right)) fail('right', 'must be {versionId, label}.');
      const right = f.right as Record<string, Json>;
      const suffix = optional(f.suffix, (value) => text(value, 'suffix'));
      return {
        kind,
        right: {
          versionId: text(right.versionId, 'right.versionId'),
          label: text(right.label ?? right.versionId, 'right.label'),
        },
        leftOn: texts(f.leftOn, 'leftOn'),
        rightOn: texts(f.rightOn, 'rightOn'),
        how: oneOf(f.how, 'how', ['inner', 'left'] as const),
        ...(suffix === undefined ? {} : { suffix }),
      };
    }
    case 'sample':
      return { kind, size: number(f.size, 'size'), seed: number(f.seed ?? 0, 'seed') };
    case 'split': {
      const column = optional(f.column, (value) => text(value, 'column'));
      return {
        kind,
        method: oneOf(f.method, 'method', ['random', 'stratified', 'time', 'group'] as const),
        testSize: number(f.testSize, 'testSize'),
        seed: number(f.seed ?? 0, 'seed'),
        ...(column === undefined ? {} : { column }),
      };
    }
  }
}
