import { formatDatetime } from '../../datetime-text';

export const DAY_MS = 86_400_000;

/**
 * Compiled expressions evaluate one row at a time. Number-like values (numbers, true/false as
 * 1/0, dates as epoch ms) come back as JS numbers with NaN for missing; text comes back as a
 * string or null. Text that comes straight from a categorical column keeps its dictionary, so a
 * function of it runs once per category instead of once per row.
 */
export type NumberType = 'number' | 'boolean' | 'datetime';
export type ValueType = NumberType | 'string' | 'null';

export interface NumberValue {
  readonly type: NumberType;
  readonly at: (row: number) => number;
  /** Set when the value is the same for every row. */
  readonly constant?: number;
}

export interface StringDictionary {
  readonly codes: Int32Array;
  /** The value of each code; −1 codes are missing. */
  readonly values: readonly (string | null)[];
}

export interface StringValue {
  readonly type: 'string';
  readonly at: (row: number) => string | null;
  readonly constant?: string | null;
  readonly dictionary?: StringDictionary;
}

/** The literal `null`: missing in every row, of whatever type the context needs. */
export interface NullValue {
  readonly type: 'null';
}

export type Value = NumberValue | StringValue | NullValue;

export const TYPE_NAMES: Record<ValueType, string> = {
  number: 'a number',
  boolean: 'true/false',
  datetime: 'a date',
  string: 'text',
  null: 'null',
};

export const isNumberLike = (value: Value): value is NumberValue =>
  value.type === 'number' || value.type === 'boolean' || value.type === 'datetime';

export const numberConstant = (type: NumberType, value: number): NumberValue => ({
  type,
  at: () => value,
  constant: value,
});

export const stringConstant = (value: string | null): StringValue => ({
  type: 'string',
  at: () => value,
  constant: value,
});

/** The number reader of a value, with null read as missing. */
export function numberAt(value: Value): (row: number) => number {
  return value.type === 'null' ? () => NaN : (value as NumberValue).at;
}

/** The text reader of a value, with null read as missing. */
export function stringAt(value: Value): (row: number) => string | null {
  return value.type === 'null' ? () => null : (value as StringValue).at;
}

/** Results that are not finite numbers (a division by zero, log of 0) are missing. */
export const finite = (value: number) => (value - value === 0 ? value : NaN);

export function numberToText(type: NumberType, value: number): string {
  if (type === 'boolean') return value ? 'true' : 'false';
  if (type === 'datetime') return formatDatetime(value);
  return String(value);
}

/** Any value as text: numbers as JS writes them, dates as ISO 8601, true/false. */
export function asText(value: Value): StringValue {
  if (value.type === 'string') return value;
  if (value.type === 'null') return stringConstant(null);
  const { type, at } = value;
  if (value.constant !== undefined) {
    const constant = value.constant;
    return stringConstant(Number.isNaN(constant) ? null : numberToText(type, constant));
  }
  return {
    type: 'string',
    at: (row) => {
      const number = at(row);
      return number !== number ? null : numberToText(type, number);
    },
  };
}

/** Applies a text function once per distinct input where it can (constants, dictionaries). */
export function mapText(value: StringValue, map: (text: string) => string | null): StringValue {
  if (value.constant !== undefined) {
    return stringConstant(value.constant === null ? null : map(value.constant));
  }
  const dictionary = value.dictionary;
  if (dictionary) {
    const values = dictionary.values.map((text) => (text === null ? null : map(text)));
    const codes = dictionary.codes;
    return {
      type: 'string',
      at: (row) => {
        const code = codes[row] as number;
        return code < 0 ? null : (values[code] as string | null);
      },
      dictionary: { codes, values },
    };
  }
  const at = value.at;
  return {
    type: 'string',
    at: (row) => {
      const text = at(row);
      return text === null ? null : map(text);
    },
  };
}

/** Like `mapText`, for functions of text that give a number (NaN for missing). */
export function mapTextToNumber(
  value: StringValue,
  type: NumberType,
  map: (text: string) => number,
): NumberValue {
  if (value.constant !== undefined) {
    return numberConstant(type, value.constant === null ? NaN : map(value.constant));
  }
  const dictionary = value.dictionary;
  if (dictionary) {
    const table = Float64Array.from(dictionary.values, (text) => (text === null ? NaN : map(text)));
    const codes = dictionary.codes;
    return {
      type,
      at: (row) => {
        const code = codes[row] as number;
        return code < 0 ? NaN : (table[code] as number);
      },
    };
  }
  const at = value.at;
  return {
    type,
    at: (row) => {
      const text = at(row);
      return text === null ? NaN : map(text);
    },
  };
}

/** A function of numbers; folded to a constant when every input is one. */
export function mapNumbers(
  type: NumberType,
  inputs: readonly ((row: number) => number)[],
  constants: readonly (number | undefined)[],
  map: (...values: number[]) => number,
): NumberValue {
  if (constants.every((constant) => constant !== undefined)) {
    return numberConstant(type, map(...(constants as number[])));
  }
  if (inputs.length === 1) {
    const a = inputs[0] as (row: number) => number;
    return { type, at: (row) => map(a(row)) };
  }
  if (inputs.length === 2) {
    const a = inputs[0] as (row: number) => number;
    const b = inputs[1] as (row: number) => number;
    return { type, at: (row) => map(a(row), b(row)) };
  }
  return { type, at: (row) => map(...inputs.map((input) => input(row))) };
}
