import type { Column, NumberColumn, StringColumn } from '../core/table';
import { rememberHash } from '../store/hash';

/**
 * A column a step left as it was, perhaps renamed or retyped, sent back without the arrays the
 * page already holds: it names the request column whose values (or codes, and dictionary) it
 * has, and the page puts its own arrays in their place. A new version of a million-row table
 * then costs the transfer, the memory and the digest of its new columns only, and the store
 * recognises the shared arrays as blobs it already has.
 */
export type SharedColumn =
  | { readonly kind: 'number'; readonly column: Omit<NumberColumn, 'values'>; readonly of: number }
  | {
      readonly kind: 'string';
      readonly column: Omit<StringColumn, 'codes' | 'dictionary'>;
      readonly of: number;
      /** The dictionary when it is not the one of column `of` (e.g. levels renamed). */
      readonly dictionary?: readonly string[];
    };

export type PreparedColumn = Column | { readonly shared: SharedColumn };

/** Replaces the arrays of `outputs` that are arrays of `inputs` by references to them. */
export function shareColumns(
  outputs: readonly Column[],
  inputs: readonly Column[],
): PreparedColumn[] {
  const numbers = new Map<Float64Array, number>();
  const codes = new Map<Int32Array, number>();
  inputs.forEach((input, index) => {
    if ('values' in input) numbers.set(input.values, index);
    else codes.set(input.codes, index);
  });
  return outputs.map((output): PreparedColumn => {
    if ('values' in output) {
      const of = numbers.get(output.values);
      if (of === undefined) return output;
      const { values: _values, ...column } = output;
      return { shared: { kind: 'number', column, of } };
    }
    const of = codes.get(output.codes);
    if (of === undefined) return output;
    const { codes: _codes, dictionary, ...column } = output;
    const same = (inputs[of] as StringColumn).dictionary === dictionary;
    return { shared: { kind: 'string', column, of, ...(same ? {} : { dictionary }) } };
  });
}

/** Puts the arrays of `inputs` back into the columns `shareColumns` made references of. */
export function resolveColumns(
  prepared: readonly PreparedColumn[],
  inputs: readonly Column[],
): Column[] {
  return prepared.map((entry) => {
    if (!('shared' in entry)) return entry;
    const { shared } = entry;
    const input = inputs[shared.of];
    if (!input) throw new Error(`A prepared column refers to input column ${shared.of}.`);
    if (shared.kind === 'number') {
      if (!('values' in input)) throw new Error(`Input column ${shared.of} holds no numbers.`);
      return { ...shared.column, values: input.values };
    }
    if (!('codes' in input)) throw new Error(`Input column ${shared.of} holds no codes.`);
    return {
      ...shared.column,
      codes: input.codes,
      dictionary: shared.dictionary ?? input.dictionary,
    };
  });
}

/** The buffers of the columns sent in full (those to transfer rather than copy). */
export function ownBuffers(prepared: readonly PreparedColumn[]): ArrayBuffer[] {
  return columnBuffers(prepared.filter((entry): entry is Column => !('shared' in entry)));
}

/** A column's values, or its codes. */
export const columnArray = (column: Column): Float64Array | Int32Array =>
  'values' in column ? column.values : column.codes;

/** The bytes of a column's values or codes, as the store hashes and writes them. */
export const columnBytes = (column: Column): Uint8Array => {
  const array = columnArray(column);
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
};

/** The distinct buffers under the columns' values and codes. */
export const columnBuffers = (columns: readonly Column[]): ArrayBuffer[] => [
  ...new Set(columns.map((column) => columnArray(column).buffer as ArrayBuffer)),
];

/** A column with arrays of its own, to move to a worker while the caller keeps the original. */
export const copyColumn = (column: Column): Column =>
  'values' in column
    ? { ...column, values: column.values.slice() }
    : { ...column, codes: column.codes.slice() };

/** The worker hashed the columns it sent: storing them needs no second digest on this thread. */
export function rememberColumnHashes(
  columns: readonly Column[],
  hashes: readonly (string | null)[],
) {
  columns.forEach((column, index) => {
    const hash = hashes[index];
    if (hash) rememberHash(columnBytes(column), hash);
  });
}

/**
 * Per output column, the name of the input column it equals (the same array, type and
 * dictionary), or null: whose summary a profile may take over.
 */
export function unchangedFrom(
  prepared: readonly PreparedColumn[],
  outputs: readonly Column[],
  inputs: readonly Column[],
): (string | null)[] {
  return prepared.map((entry, index) => {
    if (!('shared' in entry)) return null;
    const input = inputs[entry.shared.of];
    const output = outputs[index];
    if (!input || !output || input.type !== output.type) return null;
    if ('dictionary' in input && 'dictionary' in output && input.dictionary !== output.dictionary) {
      return null;
    }
    return input.name;
  });
}
