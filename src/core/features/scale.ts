import { TrainingError } from '../errors/training-error';
import type { Matrix } from '../learners/types';
import type { Column } from '../table';
import { numberInput, transformToMatrix } from './dense';
import { JsonFields } from './json';
import { meanAndVariance, quantileSorted, sortedFinite } from './stats';
import type { FittedTransformer, TransformerJSON } from './types';

export type ScalerMethod = 'standard' | 'minmax' | 'robust' | 'none';

export interface ScalerOptions {
  readonly method?: ScalerMethod;
  /** minmax: the output range, [0, 1] by default. */
  readonly range?: readonly [number, number];
  /** robust: the percentiles whose distance is the scale, [25, 75] by default. */
  readonly quantileRange?: readonly [number, number];
}

const METHODS: readonly ScalerMethod[] = ['standard', 'minmax', 'robust', 'none'];
const EPSILON = 2 ** -52;

/** scikit-learn's `_is_constant_feature`: a variance within rounding error of zero. */
function isConstantVariance(variance: number, mean: number, count: number) {
  const bound = count * EPSILON * variance + (count * mean * EPSILON) ** 2;
  return variance <= bound;
}

const nonZeroScale = (scale: number) =>
  Number.isFinite(scale) && scale >= 10 * EPSILON ? scale : 1;

/**
 * `(x − center) / scale + shift`. Missing values stay missing (±Infinity becomes NaN too); a
 * constant training column keeps scale 1 so that it maps to a constant instead of dividing by zero.
 */
export class FittedScaler implements FittedTransformer {
  readonly kind = 'scaler';
  readonly outputNames: readonly string[];

  constructor(
    readonly column: string,
    readonly method: ScalerMethod,
    readonly center: number,
    readonly scale: number,
    readonly shift: number,
  ) {
    this.outputNames = [column];
  }

  scaleValues(values: Float64Array): Float64Array {
    const out = new Float64Array(values.length);
    const { center, scale, shift } = this;
    for (let i = 0; i < values.length; i++)
      out[i] = ((values[i] as number) - center) / scale + shift;
    return out;
  }

  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const values = numberInput(input, 'Scaling').values;
    const { center, scale, shift } = this;
    for (let i = 0, at = offset; i < values.length; i++, at += stride) {
      const value = values[i] as number;
      out[at] = Number.isFinite(value) ? (value - center) / scale + shift : NaN;
    }
  }

  transform(input: Column): Matrix {
    return transformToMatrix(this, input);
  }

  toJSON(): TransformerJSON {
    const { kind, column, method, center, scale, shift } = this;
    return { kind, format: 1, column, method, center, scale, shift };
  }

  static fromJSON(json: unknown): FittedScaler {
    const fields = JsonFields.transformer(json, 'scaler', 1);
    const scale = fields.number('scale');
    if (scale === 0) fields.fail('scale', 'a non-zero number');
    return new FittedScaler(
      fields.string('column'),
      fields.oneOf('method', METHODS),
      fields.number('center'),
      scale,
      fields.number('shift'),
    );
  }
}

/** Fits scikit-learn's StandardScaler (population std), MinMaxScaler or RobustScaler. */
export function fitScaler(input: Column, options: ScalerOptions = {}): FittedScaler {
  const column = numberInput(input, 'Scaling');
  const method = options.method ?? 'standard';
  const invalid = (message: string) => new TrainingError('invalid-params', message, column.name);
  if (!METHODS.includes(method)) throw invalid(`Unknown scaling method “${method}”.`);
  if (method === 'none') return new FittedScaler(column.name, method, 0, 1, 0);
  if (method === 'standard') {
    const { mean, variance, count } = meanAndVariance(column.values);
    if (count === 0) return new FittedScaler(column.name, method, 0, 1, 0);
    const scale = isConstantVariance(variance, mean, count) ? 1 : Math.sqrt(variance);
    return new FittedScaler(column.name, method, mean, scale, 0);
  }
  const sorted = sortedFinite(column.values);
  if (method === 'minmax') {
    const [low, high] = options.range ?? [0, 1];
    if (!(low < high)) throw invalid(`The min-max range must grow: got [${low}, ${high}].`);
    if (sorted.length === 0) return new FittedScaler(column.name, method, 0, 1 / (high - low), low);
    const min = sorted[0] as number;
    const span = nonZeroScale((sorted[sorted.length - 1] as number) - min);
    return new FittedScaler(column.name, method, min, span / (high - low), low);
  }
  const [lowPercent, highPercent] = options.quantileRange ?? [25, 75];
  if (!(lowPercent >= 0 && lowPercent <= highPercent && highPercent <= 100)) {
    throw invalid(`The quantile range must lie in [0, 100]: got [${lowPercent}, ${highPercent}].`);
  }
  if (sorted.length === 0) return new FittedScaler(column.name, method, 0, 1, 0);
  const spread =
    quantileSorted(sorted, highPercent / 100) - quantileSorted(sorted, lowPercent / 100);
  return new FittedScaler(
    column.name,
    method,
    quantileSorted(sorted, 0.5),
    nonZeroScale(spread),
    0,
  );
}
