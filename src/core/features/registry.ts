import { JsonFields } from './json';
import { FittedDatetime } from './datetime';
import { FittedFrequency } from './frequency';
import { FittedCategoryImputer, FittedNumericImputer } from './impute';
import { FittedOneHot } from './one-hot';
import { FittedOrdinal } from './ordinal';
import { FittedScaler } from './scale';
import { FittedTargetEncoder } from './target-encoder';
import { FittedImage } from './image';
import { FittedHashing } from './text/hashing';
import { FittedTfidf } from './text/tfidf';
import type { FittedTransformer } from './types';

const encoders: Record<string, (json: unknown) => FittedTransformer> = {
  'numeric-imputer': FittedNumericImputer.fromJSON,
  scaler: FittedScaler.fromJSON,
  'one-hot': FittedOneHot.fromJSON,
  ordinal: FittedOrdinal.fromJSON,
  frequency: FittedFrequency.fromJSON,
  target: FittedTargetEncoder.fromJSON,
  datetime: FittedDatetime.fromJSON,
  hashing: FittedHashing.fromJSON,
  tfidf: FittedTfidf.fromJSON,
  image: FittedImage.fromJSON,
};

/** Rebuilds any saved transformer that writes numbers from its `toJSON` output. */
export function transformerFromJSON(json: unknown): FittedTransformer {
  const fields = JsonFields.of(json, 'feature step');
  const kind = fields.oneOf('kind', Object.keys(encoders));
  return (encoders[kind] as (json: unknown) => FittedTransformer)(json);
}

export type FittedImputer = FittedNumericImputer | FittedCategoryImputer;

export function imputerFromJSON(json: unknown): FittedImputer {
  const fields = JsonFields.of(json, 'imputation step');
  return fields.oneOf('kind', ['numeric-imputer', 'category-imputer']) === 'numeric-imputer'
    ? FittedNumericImputer.fromJSON(json)
    : FittedCategoryImputer.fromJSON(json);
}
