import { TrainingError } from '../errors/training-error';
import type { TransformerJSON, TransformerKind } from './types';

/** JSON has no NaN: a missing number is stored as null. */
export const numberToJSON = (value: number): number | null => (Number.isNaN(value) ? null : value);

/** Typed access to the fields of a saved step, with errors that name the damaged field. */
export class JsonFields {
  private constructor(
    private readonly value: Record<string, unknown>,
    private readonly what: string,
  ) {}

  static of(json: unknown, what: string): JsonFields {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new TrainingError('invalid-input', `Saved ${what} is damaged: it is not an object.`);
    }
    return new JsonFields(json as Record<string, unknown>, what);
  }

  /** Checks the kind and format of a saved transformer and returns its fields. */
  static transformer(json: unknown, kind: TransformerKind, format: number): JsonFields {
    const fields = JsonFields.of(json, `${kind} step`);
    const saved = json as Partial<TransformerJSON>;
    if (saved.kind !== kind) fields.fail('kind', `“${kind}”`);
    if (saved.format !== format) fields.fail('format', `${format}`);
    fields.string('column');
    return fields;
  }

  fail(key: string, expected: string): never {
    throw new TrainingError(
      'invalid-input',
      `Saved ${this.what} is damaged: “${key}” should be ${expected}.`,
      key,
    );
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  number(key: string): number {
    const value = this.value[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(key, 'a finite number');
    return value;
  }

  /** A number that may be NaN, saved as null. */
  nullableNumber(key: string): number {
    const value = this.value[key];
    if (value === null) return NaN;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(key, 'a number or null');
    return value;
  }

  integer(key: string, min = 0): number {
    const value = this.number(key);
    if (!Number.isInteger(value) || value < min) this.fail(key, `an integer ≥ ${min}`);
    return value;
  }

  string(key: string): string {
    const value = this.value[key];
    if (typeof value !== 'string') this.fail(key, 'a string');
    return value;
  }

  boolean(key: string): boolean {
    const value = this.value[key];
    if (typeof value !== 'boolean') this.fail(key, 'true or false');
    return value;
  }

  oneOf<T extends string>(key: string, choices: readonly T[]): T {
    const value = this.value[key];
    if (!choices.includes(value as T)) {
      this.fail(key, `one of ${choices.map((choice) => `“${choice}”`).join(', ')}`);
    }
    return value as T;
  }

  strings(key: string): string[] {
    const value = this.value[key];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.fail(key, 'a list of strings');
    }
    return value as string[];
  }

  numbers(key: string, length?: number): Float64Array {
    const value = this.value[key];
    if (
      !Array.isArray(value) ||
      !value.every((item) => typeof item === 'number' && Number.isFinite(item)) ||
      (length !== undefined && value.length !== length)
    ) {
      this.fail(key, length === undefined ? 'a list of numbers' : `a list of ${length} numbers`);
    }
    return Float64Array.from(value as number[]);
  }

  object(key: string): JsonFields {
    return JsonFields.of(this.value[key], `${this.what} (${key})`);
  }

  list(key: string): unknown[] {
    const value = this.value[key];
    if (!Array.isArray(value)) this.fail(key, 'a list');
    return value;
  }
}
