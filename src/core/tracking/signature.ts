/** What a model takes and gives: the contract an embed, a form or a deployment checks inputs against. */
export interface SignatureInput {
  name: string;
  /** A logical type such as number, integer, category, text, boolean, datetime. */
  type: string;
  /** For categories: the values seen in training. */
  allowed?: (string | number)[];
  min?: number;
  max?: number;
  nullable?: boolean;
}

export interface SignatureOutput {
  kind: 'classification' | 'regression' | 'other';
  name?: string;
  /** For classification: the class labels in output order. */
  classes?: string[];
  /** For a forecaster: the time column it steps along, its frequency and its horizon. */
  forecast?: ForecastSignature;
}

export interface ForecastSignature {
  time: string;
  frequency: string;
  horizon: number;
}

export interface ModelSignature {
  inputs: SignatureInput[];
  output: SignatureOutput;
}

export type SignatureCheck =
  { ok: true; signature: ModelSignature } | { ok: false; where: string; message: string };

const MAX_INPUTS = 10_000;
const MAX_ALLOWED = 100_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Validates an untrusted signature (from a file or a caller); the error names the field. */
export function checkSignature(value: unknown): SignatureCheck {
  const bad = (where: string, message: string): SignatureCheck => ({ ok: false, where, message });
  if (!isObject(value)) return bad('signature', 'must be an object with inputs and output.');
  if (!Array.isArray(value.inputs)) return bad('signature.inputs', 'must be a list.');
  if (value.inputs.length > MAX_INPUTS) {
    return bad('signature.inputs', `has more than ${MAX_INPUTS} inputs.`);
  }
  const inputs: SignatureInput[] = [];
  const names = new Set<string>();
  for (const [index, raw] of value.inputs.entries()) {
    const where = `signature.inputs[${index}]`;
    if (!isObject(raw)) return bad(where, 'must be an object.');
    if (typeof raw.name !== 'string' || !raw.name)
      return bad(`${where}.name`, 'must be a non-empty string.');
    if (names.has(raw.name)) return bad(`${where}.name`, `“${raw.name}” appears twice.`);
    names.add(raw.name);
    if (typeof raw.type !== 'string' || !raw.type)
      return bad(`${where}.type`, 'must be a non-empty string.');
    const input: SignatureInput = { name: raw.name, type: raw.type };
    if (raw.allowed !== undefined) {
      if (
        !Array.isArray(raw.allowed) ||
        raw.allowed.length > MAX_ALLOWED ||
        !raw.allowed.every(
          (item) => typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item)),
        )
      ) {
        return bad(
          `${where}.allowed`,
          `must be a list of at most ${MAX_ALLOWED} strings or numbers.`,
        );
      }
      input.allowed = [...(raw.allowed as (string | number)[])];
    }
    for (const bound of ['min', 'max'] as const) {
      const limit = raw[bound];
      if (limit === undefined) continue;
      if (typeof limit !== 'number' || !Number.isFinite(limit))
        return bad(`${where}.${bound}`, 'must be a finite number.');
      input[bound] = limit;
    }
    if (raw.nullable !== undefined) {
      if (typeof raw.nullable !== 'boolean')
        return bad(`${where}.nullable`, 'must be true or false.');
      input.nullable = raw.nullable;
    }
    inputs.push(input);
  }
  const output = value.output;
  if (!isObject(output)) return bad('signature.output', 'must be an object.');
  if (output.kind !== 'classification' && output.kind !== 'regression' && output.kind !== 'other') {
    return bad('signature.output.kind', 'must be classification, regression or other.');
  }
  const checkedOutput: SignatureOutput = { kind: output.kind };
  if (output.name !== undefined) {
    if (typeof output.name !== 'string') return bad('signature.output.name', 'must be a string.');
    checkedOutput.name = output.name;
  }
  if (output.classes !== undefined) {
    if (
      !Array.isArray(output.classes) ||
      !output.classes.every((item) => typeof item === 'string')
    ) {
      return bad('signature.output.classes', 'must be a list of strings.');
    }
    checkedOutput.classes = [...(output.classes as string[])];
  }
  if (output.forecast !== undefined) {
    const forecast = output.forecast;
    if (!isObject(forecast)) return bad('signature.output.forecast', 'must be an object.');
    if (typeof forecast.time !== 'string' || !forecast.time)
      return bad('signature.output.forecast.time', 'must be a non-empty string.');
    if (typeof forecast.frequency !== 'string' || !forecast.frequency)
      return bad('signature.output.forecast.frequency', 'must be a non-empty string.');
    if (!Number.isInteger(forecast.horizon) || (forecast.horizon as number) < 1)
      return bad('signature.output.forecast.horizon', 'must be a whole number ≥ 1.');
    checkedOutput.forecast = {
      time: forecast.time,
      frequency: forecast.frequency,
      horizon: forecast.horizon as number,
    };
  }
  if (output.kind === 'classification' && !checkedOutput.classes?.length) {
    return bad('signature.output.classes', 'a classifier must list its classes.');
  }
  return { ok: true, signature: { inputs, output: checkedOutput } };
}
