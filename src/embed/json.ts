import { damaged } from './errors';

type JsonObject = Record<string, unknown>;

/** Typed reads of one object in a model file, with errors that give the path of the bad field. */
export class Fields {
  private constructor(
    readonly value: JsonObject,
    readonly path: string,
  ) {}

  static of(value: unknown, path: string): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      damaged(path, 'an object');
    }
    return new Fields(value as JsonObject, path);
  }

  fail(key: string, expected: string): never {
    return damaged(`${this.path}.${key}`, expected);
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  object(key: string): Fields {
    return Fields.of(this.value[key], `${this.path}.${key}`);
  }

  /** The object at `key`, or null when the field holds null. */
  optional(key: string): Fields | null {
    return this.value[key] === null ? null : this.object(key);
  }

  list(key: string, length?: number): unknown[] {
    const value = this.value[key];
    if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
      this.fail(key, length === undefined ? 'a list' : `a list of ${length}`);
    }
    return value;
  }

  objects(key: string): Fields[] {
    return this.list(key).map((item, index) => Fields.of(item, `${this.path}.${key}[${index}]`));
  }

  number(key: string): number {
    const value = this.value[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(key, 'a finite number');
    return value;
  }

  /** A number that JSON stores as null when it is NaN. */
  nullableNumber(key: string): number {
    return this.value[key] === null ? NaN : this.number(key);
  }

  integer(key: string, min = 0): number {
    const value = this.number(key);
    if (!Number.isInteger(value) || value < min) this.fail(key, `a whole number ≥ ${min}`);
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
    const value = this.value[key] as T;
    if (!choices.includes(value)) this.fail(key, `one of ${choices.join(', ')}`);
    return value;
  }

  strings(key: string, length?: number): string[] {
    const value = this.list(key, length);
    if (!value.every((item) => typeof item === 'string')) this.fail(key, 'a list of strings');
    return value as string[];
  }

  numbers(key: string, length?: number): Float64Array {
    const value = this.list(key, length);
    if (!value.every((item) => typeof item === 'number' && Number.isFinite(item))) {
      this.fail(key, 'a list of finite numbers');
    }
    return Float64Array.from(value as number[]);
  }

  /** Whole numbers in [min, max), e.g. node or class indices. */
  indices(key: string, min: number, max: number, length?: number): Int32Array {
    const value = this.numbers(key, length);
    if (!value.every((item) => Number.isInteger(item) && item >= min && item < max)) {
      this.fail(key, `a list of whole numbers in ${min}…${max - 1}`);
    }
    return Int32Array.from(value);
  }
}
