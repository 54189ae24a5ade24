import type { LogicalType } from '../../table';
import { formatCount } from '../dense';
import type { FittedDatetime } from '../datetime';
import type { FittedFrequency } from '../frequency';
import type { FittedImage } from '../image';
import type { FittedOrdinal } from '../ordinal';
import type { FittedImputer } from '../registry';
import type { FittedOneHot } from '../one-hot';
import type { FittedScaler } from '../scale';
import type { FittedTargetEncoder } from '../target-encoder';
import type { FittedHashing } from '../text/hashing';
import type { FittedTfidf } from '../text/tfidf';
import type { FittedTransformer } from '../types';
import type { StepKind } from './plan';

/** What the pipeline does with one input column, for the UI and for AutoML guardrails. */
export interface FeatureChoice {
  readonly column: string;
  readonly type: LogicalType;
  readonly step: StepKind;
  /** Chosen from the column's type rather than configured. */
  readonly automatic: boolean;
  /** Output columns, indicator included. */
  readonly outputs: number;
  /** Missing values in the training column. */
  readonly missing: number;
  /** One line, e.g. “species: one-hot (3 categories)”. */
  readonly summary: string;
}

export interface ChoiceInput {
  readonly column: string;
  readonly type: LogicalType;
  readonly step: StepKind;
  readonly automatic: boolean;
  readonly missing: number;
  readonly imputer: FittedImputer | null;
  readonly encoder: FittedTransformer | null;
  readonly indicator: boolean;
  readonly standardized: boolean;
}

const plural = (count: number, noun: string, nouns = `${noun}s`) =>
  `${formatCount(count)} ${count === 1 ? noun : nouns}`;

const categories = (count: number) => plural(count, 'category', 'categories');

const SCALING: Record<string, string> = {
  standard: 'standardized',
  minmax: 'min-max scaled',
  robust: 'robust-scaled (median and IQR)',
};

const IMPUTATION: Record<string, string> = {
  mean: 'the mean',
  median: 'the median',
  most_frequent: 'the most frequent value',
  constant: 'a constant',
};

function fillDetails(input: ChoiceInput): string[] {
  const details: string[] = [];
  const { imputer, missing } = input;
  if (missing > 0) {
    if (imputer === null) details.push(`${plural(missing, 'missing value')} kept as missing`);
    else if (imputer.kind === 'numeric-imputer') {
      details.push(
        `${plural(missing, 'missing value')} filled with ${IMPUTATION[imputer.strategy]}`,
      );
    } else {
      details.push(`${plural(missing, 'missing value')} filled with “${imputer.fillValue}”`);
    }
  }
  if (input.indicator) details.push('missing indicator');
  return details;
}

function stepSummary(input: ChoiceInput): { what: string; details: string[] } {
  const encoder = input.encoder;
  switch (input.step) {
    case 'drop':
      return { what: 'dropped', details: [] };
    case 'numeric': {
      const scaler = encoder as FittedScaler;
      const details = fillDetails(input);
      const scaling = SCALING[scaler.method];
      if (scaling) details.push(scaling);
      return { what: input.type === 'boolean' ? '0/1' : 'numeric', details };
    }
    case 'one-hot': {
      const oneHot = encoder as FittedOneHot;
      const other =
        oneHot.infrequent.length > 0
          ? ` + other for ${formatCount(oneHot.infrequent.length)} rare`
          : '';
      return {
        what: `one-hot (${categories(oneHot.frequent.length)}${other})`,
        details: fillDetails(input),
      };
    }
    case 'ordinal':
    case 'frequency':
    case 'target': {
      const count = (encoder as FittedOrdinal | FittedFrequency | FittedTargetEncoder).categories
        .length;
      const names = {
        ordinal: 'ordinal codes',
        frequency: 'frequency encoding',
        target: 'target encoding',
      };
      const details = [categories(count)];
      if (input.step === 'target')
        details.push(`${(encoder as FittedTargetEncoder).folds}-fold out-of-fold`);
      details.push(...fillDetails(input));
      if (input.standardized) details.push('standardized');
      return { what: names[input.step], details };
    }
    case 'datetime': {
      const datetime = encoder as FittedDatetime;
      const details = [datetime.parts.join(', '), ...fillDetails(input)];
      if (input.standardized) details.push('standardized');
      return { what: 'date parts', details };
    }
    case 'tfidf':
      return {
        what: `TF-IDF (${plural((encoder as FittedTfidf).terms.length, 'term')})`,
        details: [],
      };
    case 'hashing':
      return {
        what: `hashed term counts (${plural((encoder as FittedHashing).nFeatures, 'feature')})`,
        details: [],
      };
    case 'image': {
      const image = encoder as FittedImage;
      const details = ['centred on a black square', 'intensities in [0, 1]'];
      if (input.automatic) {
        details.push(
          image.color === 'rgb'
            ? 'colour, as the images are coloured'
            : 'gray, as no image has colour',
        );
      }
      if (input.missing > 0) details.push(`${plural(input.missing, 'missing image')} left black`);
      const color = image.color === 'rgb' ? 'RGB' : 'grayscale';
      return {
        what: `image pixels (${image.size}×${image.size} ${color}, ${plural(image.outputNames.length, 'feature')})`,
        details,
      };
    }
  }
}

export function describeChoice(input: ChoiceInput): FeatureChoice {
  const { what, details } = stepSummary(input);
  const outputs = (input.encoder?.outputNames.length ?? 0) + (input.indicator ? 1 : 0);
  return {
    column: input.column,
    type: input.type,
    step: input.step,
    automatic: input.automatic,
    outputs,
    missing: input.missing,
    summary: `${input.column}: ${what}${details.length ? ` (${details.join(', ')})` : ''}`,
  };
}
