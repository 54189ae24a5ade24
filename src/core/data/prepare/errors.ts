export type PrepareErrorCode =
  /** The step itself is malformed: an unknown kind, a missing field, a bad number. */
  | 'invalid-step'
  | 'unknown-column'
  /** The column's type does not suit the step (the mean of text, a range on categories). */
  | 'wrong-type'
  /** A value cannot be converted to the type asked for. */
  | 'conversion'
  /** An expression that does not parse or does not type-check. */
  | 'expression'
  /** Two columns would end up with one name. */
  | 'duplicate-name'
  /** The step would leave no rows (or, for a split, an empty side). */
  | 'empty-result'
  | 'cancelled';

/** Where a step went wrong: the column, the row and value, or a span of an expression. */
export interface PrepareErrorDetails {
  readonly column?: string;
  /** 0-based row index. */
  readonly row?: number;
  readonly value?: string;
  /** 0-based character offsets of the offending part of an expression. */
  readonly start?: number;
  readonly end?: number;
}

/** A failed preparation step, with a message that says what and where. */
export class PrepareError extends Error {
  override readonly name = 'PrepareError';
  constructor(
    readonly code: PrepareErrorCode,
    message: string,
    readonly details: PrepareErrorDetails = {},
  ) {
    super(message);
  }
}

/** The plain form of a PrepareError, to send between threads or store. */
export interface PrepareFailure extends PrepareErrorDetails {
  readonly code: PrepareErrorCode;
  readonly message: string;
}

export function toFailure(error: PrepareError): PrepareFailure {
  return { code: error.code, message: error.message, ...error.details };
}

/** Text of a value for a message: quoted, and cut when long. */
export const quote = (text: string) => `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
