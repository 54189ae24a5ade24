/**
 * Everything the runtime rejects: a damaged model file, or input rows it cannot read. `row` (an
 * index into the rows passed to `predict`) and `column` say where, when the input is at fault.
 */
export class EmbedError extends Error {
  override readonly name = 'EmbedError';
  constructor(
    message: string,
    readonly column?: string,
    readonly row?: number,
  ) {
    super(message);
  }
}

/** Throws for a part of a model file that is not what the format says it is. */
export function damaged(path: string, expected: string): never {
  throw new EmbedError(`The model file is damaged: ${path} should be ${expected}.`);
}
